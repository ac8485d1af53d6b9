"""One build in progress: what it reads, what it has found and written, and the one path every
failure takes."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from pipeline.base.progress import Event
from pipeline.build.result import BUG_HELP, BuildResult
from pipeline.examine.article import Article
from pipeline.examine.cache import CacheEntry
from pipeline.examine.document import Document
from pipeline.output.keys import file_digest
from pipeline.output.writer import OutputWriter, Recorded
from pipeline.render.press import DEFAULT_PROFILE
from pipeline.source.project import Project


@dataclass
class Build:
    """One build in progress: what it reads, what it has found and what it has written."""

    project: Project
    formats: tuple[str, ...]
    page_size: str
    writer: OutputWriter
    previous: dict[str, Recorded]  # the last manifest's outputs
    result: BuildResult
    on_event: Callable[[Event], None]
    entries: dict[str, CacheEntry | None] = field(default_factory=dict)  # the cache, per slug
    articles: dict[str, Article] = field(default_factory=dict)  # the chosen articles, examined in this build
    examined: dict[str, Article] = field(default_factory=dict)  # those and their other languages
    held: set[str] = field(default_factory=set)  # examined, but not to be published today
    lock: dict = field(default_factory=dict)  # translations.lock

    @cached_property
    def press_inputs(self) -> dict:
        """What every press file is made from beside its leaflet's inputs: the bleed, the marks and
        the profile's digest (hashed once a build, not once an article)."""
        options = self.project.publication.print_
        profile = self.project.manuscripts / options.profile if options.profile else DEFAULT_PROFILE
        return {"bleed": options.bleed, "marks": options.marks, "profile": file_digest(profile)}

    @property
    def other_size(self) -> str | None:
        """The page size this build lays leaflets out at, when it is not the publication's."""
        return None if self.page_size == self.project.publication.leaflet.page_size else self.page_size

    def stale(self, path: str, key: str) -> bool:
        """Whether an output must be (re)made; if not, it is kept as recorded."""
        entry = self.previous.get(path)
        if entry is None or entry.source != key or not (self.writer.root / path).is_file():
            return True
        self.writer.entries.setdefault(path, entry)
        self.result.skipped.append(path)
        return False

    def write(self, path: str, content: bytes, key: str, seconds: float | None = None) -> None:
        """Write one output (made in `seconds`, when it was made alone); a failed write (a full
        disk) leaves the previous file as it was."""
        try:
            self.writer.write(path, content, key)
        except OSError as error:
            self.fail(path, f"could not write it: {error.strerror or error}", [path])
            return
        self.result.written.append(path)
        self.on_event(Event("wrote", path, seconds))

    def make(self, path: str, key: str, render) -> None:
        """Render one output in this process and write it; a bug in rendering it is reported as one
        and the build goes on."""
        try:
            content = render()
        except Exception:  # noqa: BLE001 - a bug, reported as one (exit 3), not hidden
            self.fail_bug(path, traceback.format_exc(), [path])
            return
        self.write(path, content, key)

    def fail(self, subject: str, reason: str, outputs=(), bug: str | None = None) -> None:
        """The one path every failure takes: recorded once, previous outputs kept but marked
        stale, and reported."""
        if subject in self.result.failed:
            return
        self.result.failed[subject] = reason
        if bug:
            self.result.bugs[subject] = bug
        for path in outputs:
            if path in self.previous and path not in self.writer.entries:
                self.writer.entries[path] = self.previous[path].as_stale()
        self.on_event(Event("failed", subject, reason))

    def fail_bug(self, subject: str, bug: str, outputs=()) -> None:
        self.fail(subject, f"internal error ({BUG_HELP}): {bug.strip().splitlines()[-1]}", outputs, bug)

    def last_good(self, slug: str) -> Document | None:
        """The document an article's published outputs are made from: this build's, or the cache's."""
        article = self.articles.get(slug)
        if article is not None and article.document is not None:
            return article.document
        entry = self.entries.get(slug)
        return entry.published if entry else None

    def key_of(self, slug: str) -> str:
        article = self.articles.get(slug) or (self.entries[slug].article if self.entries.get(slug) else None)
        return article.key if article else ""

    def is_broken(self, slug: str) -> bool:
        """Whether this build found the article unpublishable (errors, limits, bugs, lost workers)."""
        return slug in self.project.chosen and (slug in self.result.failed or self.articles.get(slug) is None
                                                or self.articles[slug].document is None)
