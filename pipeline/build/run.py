"""build(): load → examine (cached) → render pages and leaflets → booklets → site → record.

Every output has an input key (fingerprint.py). A build works the keys out from file
hashes and the cache, and redoes only the outputs whose key changed: a build with nothing
to do reads hashes and stops, without importing pandoc's wrapper or WeasyPrint.
"""

from __future__ import annotations

import datetime
import os
import traceback
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.output import layout
from pipeline.examine.article import Article, file_size, policy_diagnostics
from pipeline.examine.cache import CacheEntry
from pipeline.source.publication import Booklet, booklets_of
from pipeline.base.diagnostics import Diagnostic, deduplicate, has_errors
from pipeline.examine.document import Document
from pipeline.output.editions import Editions, editions_of
from pipeline.output.keys import digest, tool_digest
from pipeline.output.layout import FORMATS, VARIANTS
from pipeline.base.progress import Event
from pipeline.source.project import (Project, across_articles, examine_articles, label_problems, limit_diagnostic, load_project,
                      translation_problems)
from pipeline.check.translations import read_lock
from pipeline.output.writer import OUTPUT, OutputWriter, Recorded, exclusive, read_manifest, read_tools

HAS_ERRORS = "the manuscript has errors; its last good outputs are kept"
LOST = "its worker process stopped before finishing it (killed?); run the build again"
BUG_HELP = "this is a bug in the pipeline, not a problem in the manuscripts"


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # outputs that were already up to date
    failed: dict[str, str] = field(default_factory=dict)  # what could not be built, and why
    bugs: dict[str, str] = field(default_factory=dict)  # failures that were internal errors: tracebacks
    seconds: dict[str, float] = field(default_factory=dict)  # per article processed
    peak_memory: dict[int, int] = field(default_factory=dict)  # worker pid -> bytes


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
    pages_first: bool = False  # render all pages before any leaflet

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


def build(root: Path, slugs: tuple[str, ...] = (), formats: tuple[str, ...] = FORMATS,
          page_size: str | None = None, jobs: int | None = None, on_event=None,
          cache_dir: Path | None = None, workers=None, pages_first: bool = False, shard=None) -> BuildResult:
    """Validate, redo what is stale (largest articles first, in parallel), write, record the manifest.

    `workers` lends the build a pool kept warm between builds (publish serve, a Dask cluster)
    instead of its own; `pages_first` renders every stale web page before laying out any
    leaflet, so that a preview shows an edited page without waiting for print; a `shard`
    (shards.Shard) builds only its slice of the articles, and no site or booklets."""
    from pipeline.distribute.pool import Workers  # noqa: PLC0415

    result = BuildResult()
    with exclusive(root.resolve() / OUTPUT):
        project = load_project(root, slugs, cache_dir)
        if shard is not None:
            project.chosen = shard.holds(project.chosen)
            project.unusable &= set(project.chosen)
        result.diagnostics += project.diagnostics
        if project.publication is None:
            result.failed["publication.yaml"] = "publication.yaml has errors; nothing was built"
            return result
        output = project.output
        run = Build(project, formats, page_size or project.publication.leaflet.page_size, OutputWriter(output),
                    read_manifest(output), result, on_event or (lambda _event: None), pages_first=pages_first)
        try:
            with nullcontext(workers) if workers else Workers(jobs or os.cpu_count() or 1) as pool:
                examine(run, pool)
                render_articles(run, pool)
            if "epub" in formats and shard is None:
                write_booklets(run)
            if "web" in formats and shard is None:
                from pipeline.build.site import write_site  # noqa: PLC0415 - the site stage, which uses this module's helpers

                write_site(run)
        finally:
            record(run)  # also when interrupted: what was finished is recorded
        if shard is not None:
            from pipeline.build.shards import write_stamp  # noqa: PLC0415

            write_stamp(output, shard, formats, page_size)
    result.diagnostics = deduplicate(result.diagnostics)
    return result


# --- examine: convert (or take from the cache) and check every chosen article --------------------

def examine(run: Build, workers) -> None:
    from pipeline.distribute.pool import examination_tasks  # noqa: PLC0415

    project = run.project
    run.entries = {slug: project.cache.load(slug) for slug in project.sources}
    for slug in project.unusable:
        run.fail(slug, HAS_ERRORS, layout.article_outputs(slug))

    def examine_stale(slugs: list[str], examined) -> None:
        tasks = examination_tasks(project, slugs)
        run.on_event(Event("start", "examining", len(tasks)))
        for slug in workers.run(tasks, lambda outcome: receive_examined(run, outcome, examined)):
            run.fail(slug, LOST, layout.article_outputs(slug))

    # Every language of a chosen article is examined (mostly from the cache): its page names them all.
    families = [member for name in project.chosen for member in project.family(name)]
    usable = [name for name in dict.fromkeys(project.chosen + families) if name not in project.unusable]
    run.examined = examine_articles(project, usable, examine_stale, run.entries)
    run.articles = {name: run.examined[name] for name in project.chosen if name in run.examined}
    run.lock = read_lock(project.manuscripts)
    translated = translation_problems(project, run.examined, run.lock)
    linked = across_articles(project, run.examined)
    for article in run.examined.values():
        dated = policy_diagnostics(article, project.publication, datetime.date.today())
        dated += translated.get(article.slug, []) + linked.get(article.slug, [])
        if article.document is None or has_errors(dated):
            run.held.add(article.slug)
        if article.slug not in run.articles:
            continue
        run.result.diagnostics += article.diagnostics + dated + label_problems(project, article)
        if article.slug in run.held:
            run.fail(article.slug, HAS_ERRORS, layout.article_outputs(article.slug))


def receive_examined(run: Build, outcome, examined) -> None:
    account(run, outcome)
    if outcome.limit:
        report_limit(run, outcome.slug, outcome.limit)
    elif outcome.bug:
        run.fail_bug(outcome.slug, outcome.bug, layout.article_outputs(outcome.slug))
    else:
        examined(outcome.value)
    run.on_event(Event("article", outcome.slug))


def report_limit(run: Build, slug: str, reason: str) -> None:
    """A resource limit is the article's located error; its outputs are not (re)made."""
    run.result.diagnostics.append(limit_diagnostic(run.project, slug, reason))
    run.fail(slug, HAS_ERRORS, layout.article_outputs(slug))


def account(run: Build, outcome) -> None:
    run.result.seconds[outcome.slug] = run.result.seconds.get(outcome.slug, 0.0) + outcome.seconds
    run.result.peak_memory[outcome.worker] = max(outcome.peak_memory, run.result.peak_memory.get(outcome.worker, 0))


# --- render: each article's stale page and leaflets, written as they arrive ------------------------

def leaflet_key(run: Build, slug: str, variant: str) -> str:
    return digest(run.key_of(slug), run.project.theme.key("print"), run.page_size, variant,
                  editions_key(editions_for(run, slug)))


def page_key(run: Build, slug: str) -> str:
    return digest(run.key_of(slug), run.project.theme.key("web"), [vars(d) for d in downloads_of(run, slug)],
                  editions_key(editions_for(run, slug)))


def editions_for(run: Build, name: str) -> Editions:
    """The languages an article is published in today: every edition of it that can be built."""
    members = [(member, run.examined[member].lang) for member in run.project.family(name)
               if member in run.examined and member not in run.held]
    accepted = run.lock.get(name)
    return editions_of(name, members, run.project.publication.base_url, accepted and accepted.source_version)


def editions_key(editions: Editions) -> list:
    return [vars(edition) for edition in editions.all] + [editions.translated_from]


def output_key(run: Build, path: str, slug: str) -> str:
    return page_key(run, slug) if path == layout.page(slug) else leaflet_key(run, slug, layout.variant_of(path))


def render_articles(run: Build, workers) -> None:
    tasks = [task for article in run.articles.values() if not run.is_broken(article.slug)
             for task in plan_article(run, article)]
    run.on_event(Event("start", "laying out", len(tasks)))
    phases = [[t for t in tasks if t.page], [t for t in tasks if not t.page]] if run.pages_first else [tasks]
    for phase in phases:
        for slug in workers.run(phase, lambda outcome: receive_rendered(run, outcome)):
            run.fail(slug, LOST, layout.article_outputs(slug))


def plan_article(run: Build, article: Article) -> list:
    """The article's stale outputs as one task; when pages go first, a task for the page and one for
    each leaflet, so that each is written (and previewed) as soon as it is ready."""
    from pipeline.distribute.pool import RenderTask  # noqa: PLC0415

    slug, publication = article.slug, run.project.publication
    variants = tuple(v for v in (VARIANTS if "pdf" in run.formats else ())
                     if run.stale(layout.leaflet(slug, v), leaflet_key(run, slug, v)))
    page = "web" in run.formats and run.stale(layout.page(slug), page_key(run, slug))
    parts = [((), page), *(((variant,), False) for variant in variants)] if run.pages_first else [(variants, page)]
    return [RenderTask(slug, article.document, variants, page, downloads_of(run, slug), run.project.theme,
                       publication, run.page_size, run.project.manuscripts, publication.limits.seconds_per_article,
                       file_size(run.project.path(slug)), editions_for(run, slug))
            for variants, page in parts if variants or page]


def receive_rendered(run: Build, outcome) -> None:
    account(run, outcome)
    slug = outcome.slug
    if outcome.limit:
        report_limit(run, slug, outcome.limit)
    elif outcome.bug:
        run.fail_bug(slug, outcome.bug, layout.article_outputs(slug))
    else:
        alone = len(outcome.value.files) == 1
        for path, content in sorted(outcome.value.files.items()):
            run.write(path, content, output_key(run, path, slug), outcome.seconds if alone else None)
        for path, bug in sorted(outcome.value.bugs.items()):
            run.fail_bug(path, bug, [path, layout.download(path)] if layout.is_download_source(path) else [path])
    run.on_event(Event("article", slug))


# --- booklets, site, manifest ----------------------------------------------------------------------

def booklet_members(run: Build) -> list[tuple[Booklet, list[str]]]:
    return booklets_of(run.project.publication, sorted(run.project.sources))


def downloads_of(run: Build, slug: str) -> list:
    """What an article's page offers to download, given the formats this build makes."""
    from pipeline.render.web import Download  # noqa: PLC0415

    found = [Download(kind, layout.download(layout.leaflet(slug, variant)))
             for kind, variant in (("pdf-standard", "standard"), ("pdf-large", "large-print"))
             if "pdf" in run.formats]
    if "epub" in run.formats:
        found += [booklet_download(booklet) for booklet, members in booklet_members(run) if slug in members]
    return found


def booklet_download(booklet: Booklet):
    from pipeline.render.web import Download  # noqa: PLC0415

    return Download("epub", layout.download(layout.booklet(booklet.id)), booklet.title)


def write_booklets(run: Build) -> None:
    """A booklet is rebuilt only when every article in it can be: never with a chapter missing."""
    for booklet, members in booklet_members(run):
        path = layout.booklet(booklet.id)
        broken = [slug for slug in members if run.is_broken(slug) or run.last_good(slug) is None]
        if broken:
            run.fail(path, f"not built: {', '.join(broken)} cannot be built", [path])
            continue
        key = digest([(slug, run.key_of(slug)) for slug in members], run.project.theme.key("epub"), booklet.model_dump(),
                     run.project.publication_key)
        if not run.stale(path, key):
            continue
        from pipeline.render.booklet import render_booklet  # noqa: PLC0415

        run.make(path, key, lambda: render_booklet(booklet, [run.last_good(slug) for slug in members],
                                                   run.project.publication, run.project.theme,
                                                   run.project.manuscripts))


def record(run: Build) -> None:
    """Record the manifest: this build's outputs, earlier ones still valid, and the tools."""
    fingerprint = tool_digest()
    tools = read_tools(run.writer.root)
    if tools.get("fingerprint") != fingerprint:
        tools = {**tool_versions(), "fingerprint": fingerprint}
    run.writer.tool_versions = tools
    if run.result.written or any(e.stale for e in run.writer.entries.values()) or not run.previous:
        run.writer.write_manifest(run.previous)


def tool_versions() -> dict[str, str]:
    import platform  # noqa: PLC0415
    from importlib import metadata  # noqa: PLC0415

    import pypandoc  # noqa: PLC0415

    versions = {"python": platform.python_version(), "pandoc": pypandoc.get_pandoc_version()}
    for package in ("health-publishing-pipeline", "weasyprint", "ebooklib", "nh3"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "unknown"
    return versions
