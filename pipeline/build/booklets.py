"""The booklet stage of a build: each EPUB booklet, from its articles' last good documents."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from pipeline.base.diagnostics import Reporter
from pipeline.build.articles import account_memory, booklet_members
from pipeline.build.result import NOT_BUILT
from pipeline.build.state import Build
from pipeline.build.tasks import PrintEditionTask, Rendered
from pipeline.examine.article import file_size
from pipeline.output import keys, layout
from pipeline.output.writer import atomic_write
from pipeline.render.booklet import booklet_language, render_booklet
from pipeline.render.onix import render_onix
from pipeline.render.preflight import preflight_diagnostics
from pipeline.render.print_edition import print_facts
from pipeline.render.print_pages import page_openings
from pipeline.render.retailers import retail_problems
from pipeline.source.publication import PUBLICATION_FILE, Booklet
from pipeline.source.theme import build_time


def plan_print_editions(run: Build) -> tuple[list[PrintEditionTask], Callable]:
    """The stale print editions, each a task for the workers (laid out beside the pages, before
    the EPUBs whose page lists follow them), and the function that receives each."""
    tasks, made_keys = [], {}
    for booklet, members in booklet_members(run):
        if booklet.printed is None or unbuildable(run, members):
            continue
        path, key = layout.print_edition(booklet.id), print_edition_key(run, booklet, members)
        if run.stale(path, key):
            documents = [run.last_good(slug) for slug in members]
            made_keys[path] = key
            tasks.append(PrintEditionTask(booklet, documents, run.project.publication, run.project.theme,
                                          run.project.manuscripts,
                                          run.project.publication.limits.seconds_per_article * len(documents),
                                          size=sum(file_size(run.project.path(slug)) for slug in members)))

    def receive(outcome) -> None:
        account_memory(run, outcome)  # its time is no article's: the report's seconds are by article
        outcome.deliver(value=lambda rendered: write_print_edition(run, rendered, made_keys[outcome.slug]),
                        limit=lambda path, reason: run.fail(path, f"laying it out {reason}", [path]),
                        bug=lambda path, trace: run.fail_bug(path, trace, [path]))

    return tasks, receive


def write_print_edition(run: Build, rendered: Rendered, key: str) -> None:
    for path, content in rendered.files.items():
        run.write(path, content, key)
    for path, bug in rendered.bugs.items():
        run.fail_bug(path, bug, [path])
    for path, problems in rendered.preflighted.items():
        run.result.diagnostics += preflight_diagnostics(problems, path, run.project.manuscripts / PUBLICATION_FILE,
                                                        run.project.root, [])


def write_booklets(run: Build) -> None:
    """A booklet is rebuilt only when every article in it can be: never with a chapter missing."""
    for booklet, members in booklet_members(run):
        path = layout.booklet(booklet.id)
        broken = unbuildable(run, members)
        if broken:
            run.fail(path, NOT_BUILT.format(", ".join(broken)), [path])
            continue
        contents = contents_key(run, booklet, members)
        documents = [run.last_good(slug) for slug in members]
        printed = print_edition_of(run, booklet, members)
        key = keys.digest(contents, printed and printed[0])  # its page list follows the print edition
        if run.stale(path, key):
            kept = KeptChapters(run.project.cache_root / layout.chapter_cache(booklet.id), chapter_keys(run, members))
            run.make(path, key, lambda: render_booklet(booklet, documents, run.project.publication,
                                                       run.project.theme, run.project.manuscripts, kept,
                                                       printed and page_openings(printed[1].read_bytes())))
            kept.save()
        write_onix(run, booklet, documents, key, printed and printed[1])
        report_retail_rules(run, booklet)


def unbuildable(run: Build, members: list[str]) -> list[str]:
    """The articles of a booklet that keep it from being built now."""
    return [slug for slug in members if run.is_broken(slug) or run.last_good(slug) is None]


def contents_key(run: Build, booklet: Booklet, members: list[str]) -> str:
    """What a booklet's files are made of: its articles, the EPUB theme, its entry and the publication."""
    return keys.booklet_key([(slug, run.key_of(slug)) for slug in members], run.project.theme.key("epub"),
                            booklet.model_dump(mode="json"), run.project.publication_key)


def print_edition_key(run: Build, booklet: Booklet, members: list[str]) -> str:
    return keys.digest("print-edition", contents_key(run, booklet, members), run.project.theme.key("print"),
                       run.press_inputs)


def print_edition_of(run: Build, booklet: Booklet, members: list[str]) -> tuple[str, Path] | None:
    """The booklet's print edition as written (this build's, or the one kept): its key and file."""
    if booklet.printed is None:
        return None
    path = layout.print_edition(booklet.id)
    written = run.writer.root / path
    if path in run.result.failed or not written.is_file():
        return None
    return print_edition_key(run, booklet, members), written


def write_onix(run: Build, booklet: Booklet, documents: list, booklet_key: str, printed: Path | None) -> None:
    """The booklet's ONIX record, dated as its EPUB is (reproducibly); the print edition's pages
    and trim read from its file (which the booklet's key follows)."""
    path, lang = layout.onix(booklet.id), booklet_language(documents)
    key = keys.digest("onix", booklet_key)
    if run.stale(path, key):
        sent = build_time(max(document.date for document in documents))
        run.make(path, key, lambda: render_onix(booklet, documents, run.project.publication, lang, sent,
                                                printed and print_facts(printed.read_bytes())))


def chapter_keys(run: Build, members: list[str]) -> dict[str, str]:
    theme, publication = run.project.theme.key("epub"), run.project.publication_key
    return {slug: keys.chapter_key(run.key_of(slug), members, theme, publication) for slug in members}


class KeptChapters:
    """A booklet's chapters as last rendered, each under its key (in the cache folder), so that an
    edited article's booklet renders that article's chapter again, not every chapter."""

    def __init__(self, path: Path, chapter_keys: dict[str, str]) -> None:
        self.path, self.keys = path, chapter_keys
        try:
            saved = json.loads(path.read_bytes())
        except (OSError, ValueError):
            saved = {}  # none yet, or unreadable: every chapter is rendered
        self.chapters = {slug: content for slug, (key, content) in saved.items() if self.keys.get(slug) == key}
        self.changed = False

    def get(self, slug: str) -> str | None:
        return self.chapters.get(slug)

    def put(self, slug: str, content: str) -> None:
        self.chapters[slug], self.changed = content, True

    def save(self) -> None:
        if self.changed:
            kept = {slug: [self.keys[slug], self.chapters[slug]] for slug in sorted(self.chapters)}
            atomic_write(self.path, json.dumps(kept, ensure_ascii=False).encode("utf-8"))


def report_retail_rules(run: Build, booklet: Booklet) -> None:
    """The rules of the retailers the booklet is sent to, on its EPUB as written (this build's or
    the one kept), at the booklet in publication.yaml."""
    path = run.writer.root / layout.booklet(booklet.id)
    if not booklet.retailers or not path.is_file():
        return
    reporter = Reporter(run.project.manuscripts / PUBLICATION_FILE, run.project.root)
    where = run.project.booklet_positions.get(booklet.id, (1, 1))
    for problem in retail_problems(booklet, path.read_bytes()):
        report = reporter.error if problem.severity == "error" else reporter.warning
        report(where, problem.code, f"output/{layout.booklet(booklet.id)}: {problem.message}")
    run.result.diagnostics += reporter.diagnostics
