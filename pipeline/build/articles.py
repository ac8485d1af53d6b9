"""The article stages of a build: examine every chosen article (from the cache when its key
holds), judge them, then render each one's stale page and leaflets, written as they arrive."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

from pipeline.base.braille import table_for, translator_version
from pipeline.base.diagnostics import Reporter
from pipeline.base.progress import Event
from pipeline.build.result import HAS_ERRORS, LOST
from pipeline.build.state import Build
from pipeline.build.tasks import Rendered, RenderTask
from pipeline.check.easy_read import MOST_PAGES as EASY_READ_PAGES
from pipeline.check.translations import read_lock
from pipeline.examine.article import Article, file_size
from pipeline.examine.cache import article_cache
from pipeline.examine.run import examination_tasks, examine_articles, limit_diagnostic
from pipeline.examine.verdicts import judge
from pipeline.output import keys, layout
from pipeline.output.editions import Editions, editions_of
from pipeline.output.layout import VARIANTS
from pipeline.render.preflight import preflight_diagnostics
from pipeline.render.web import Download
from pipeline.source.publication import Booklet, booklets_of


def examine(run: Build, workers) -> None:
    """Examine every chosen article and its other languages, judge them, and fail those held back."""
    project = run.project
    cache = article_cache(project)
    run.entries = {slug: cache.load(slug) for slug in project.sources}
    for slug in project.unusable:
        run.fail(slug, HAS_ERRORS, layout.article_outputs(slug))

    def examine_stale(slugs: list[str], examined) -> None:
        workers.prepare()  # an edited article's leaflets follow: the workers warm up while it is examined
        tasks = examination_tasks(project, slugs)
        run.on_event(Event("start", "examining", len(tasks)))
        for slug in workers.run(tasks, lambda outcome: receive_examined(run, outcome, examined)):
            run.fail(slug, LOST, layout.article_outputs(slug))

    # Every language of a chosen article is examined (mostly from the cache): its page names them all.
    families = [member for name in project.chosen for member in project.family(name)]
    families += [layout.counterpart(name) for name in project.chosen if layout.counterpart(name) in project.sources]
    usable = [name for name in dict.fromkeys(project.chosen + families) if name not in project.unusable]
    run.examined = examine_articles(project, usable, examine_stale, run.entries)
    run.articles = {name: run.examined[name] for name in project.chosen if name in run.examined}
    run.lock = read_lock(project.manuscripts)
    verdicts = judge(project, run.examined, datetime.date.today(), run.lock)
    run.held = verdicts.held
    for name, article in run.articles.items():
        run.result.diagnostics += article.diagnostics + verdicts.problems[name]
        if name in run.held:
            run.fail(name, HAS_ERRORS, layout.article_outputs(name))


def receive_examined(run: Build, outcome, examined) -> None:
    account(run, outcome)
    outcome.deliver(value=examined, limit=lambda slug, reason: report_limit(run, slug, reason),
                    bug=lambda slug, trace: run.fail_bug(slug, trace, layout.article_outputs(slug)))
    run.on_event(Event("article", outcome.slug))


def report_limit(run: Build, slug: str, reason: str) -> None:
    """A resource limit is the article's located error; its outputs are not (re)made."""
    run.result.diagnostics.append(limit_diagnostic(run.project, slug, reason))
    run.fail(slug, HAS_ERRORS, layout.article_outputs(slug))


def account(run: Build, outcome) -> None:
    run.result.seconds[outcome.slug] = run.result.seconds.get(outcome.slug, 0.0) + outcome.seconds
    account_memory(run, outcome)


def account_memory(run: Build, outcome) -> None:
    run.result.peak_memory[outcome.worker] = max(outcome.peak_memory, run.result.peak_memory.get(outcome.worker, 0))


def leaflet_key(run: Build, slug: str, variant: str) -> str:
    return keys.leaflet_key(run.key_of(slug), run.project.theme.key("print"), page_size_of(run, variant), variant,
                            editions_for(run, slug), run.press_inputs if variant in layout.PRESS.values() else None)


def page_size_of(run: Build, variant: str) -> str:
    """The size a variant's pages are laid out at: the office booklet's are half its paper, and the
    press files' the publication's, whatever this build's --page-size."""
    publication = run.project.publication
    if variant == layout.OFFICE_BOOKLET:
        return layout.OFFICE_PAGES[publication.print_.booklet_paper(publication.leaflet.page_size)]
    return publication.leaflet.page_size if variant in layout.PRESS.values() else run.page_size


def leaflet_variants(run: Build) -> tuple[str, ...]:
    """The leaflets this build lays out of each article: both, and the office booklet and the press
    files when publication.yaml asks for them."""
    if "pdf" not in run.formats:
        return ()
    options = run.project.publication.print_
    return (VARIANTS + ((layout.OFFICE_BOOKLET,) if options.booklet else ())
            + (tuple(layout.PRESS.values()) if options.press else ()))


def page_key(run: Build, slug: str) -> str:
    return keys.page_key(run.key_of(slug), run.project.theme.key("web"), downloads_of(run, slug),
                         editions_for(run, slug))


def editions_for(run: Build, name: str) -> Editions:
    """The languages an article is published in today: every edition of it that can be built."""
    members = [(member, run.examined[member].lang) for member in run.project.family(name)
               if member in run.examined and member not in run.held]
    accepted = run.lock.get(name)
    other = layout.counterpart(name)
    counterpart = (other, run.examined[other].lang) if other in run.examined and other not in run.held else None
    return editions_of(name, members, run.project.publication.base_url, accepted and accepted.source_version,
                       counterpart)


def output_key(run: Build, path: str, slug: str) -> str:
    if path.startswith(layout.BRAILLE):
        return braille_key(run, run.articles[slug])
    return page_key(run, slug) if path == layout.page(slug) else leaflet_key(run, slug, layout.variant_of(path))


def render_articles(run: Build, workers, beside_pages: tuple[list, Callable] = ([], None)) -> Callable[[], None]:
    """Render every stale page now (and the tasks `beside_pages` with them: the booklets' print
    editions, with the function that receives each), then start laying out the stale leaflets;
    return the function that waits for them, so that the booklets and the site are made while
    workers lay out."""
    tasks = [task for article in run.articles.values() if not run.is_broken(article.slug)
             for task in plan_article(run, article)]
    run.on_event(Event("start", "laying out", len(tasks)))
    beside, receive_beside = beside_pages
    others = {task.slug for task in beside}

    def receive(outcome) -> None:
        if outcome.slug in others:
            receive_beside(outcome)
        else:
            receive_rendered(run, outcome)

    lost = workers.run([task for task in tasks if task.page] + beside, receive)
    for path in (slug for slug in lost if slug in others):
        run.fail(path, LOST, [path])
    fail_lost(run, [slug for slug in lost if slug not in others])
    finish = workers.start([task for task in tasks if not task.page], receive)
    return lambda: fail_lost(run, finish())


def retire_office_booklets(run: Build) -> None:
    """Remove the office booklets when publication.yaml no longer asks for them: a booklet left in
    output/print/ would be printed from an old version of its leaflet."""
    if "pdf" not in run.formats or run.project.publication.print_.booklet:
        return
    for path in sorted(run.previous):
        if layout.variant_of(path) == layout.OFFICE_BOOKLET:
            (run.writer.root / path).unlink(missing_ok=True)


def fail_lost(run: Build, lost: list[str]) -> None:
    for slug in lost:
        run.fail(slug, LOST, layout.article_outputs(slug))


def plan_article(run: Build, article: Article) -> list:
    """The article's stale outputs, a task each, so that each is written (and previewed) as soon
    as it is ready, and an article's two leaflets are laid out side by side; a press file goes
    with its leaflet, which it is made from."""
    slug, publication = article.slug, run.project.publication
    variants = tuple(v for v in leaflet_variants(run)
                     if run.stale(layout.leaflet(slug, v, run.other_size), leaflet_key(run, slug, v)))
    page = "web" in run.formats and run.stale(layout.page(slug), page_key(run, slug))
    key = braille_key(run, article) if has_braille(run, article) else None
    braille = tuple(path for path in layout.braille(slug) if key and run.stale(path, key))  # one may be up to date
    groups = with_press_files(variants)
    # The braille goes with the standard leaflet, whose pages it marks; on its own when that is up to date.
    with_braille = next((group for group in groups if layout.STANDARD in group), ())
    parts = [((), page, ()), *((group, False, braille if group == with_braille else ()) for group in groups),
             *([((), False, braille)] if braille and not with_braille else [])]
    return [RenderTask(slug, article.document, variants, page, downloads_of(run, slug), run.project.theme,
                       publication, run.page_size, run.project.manuscripts, publication.limits.seconds_per_article,
                       file_size(run.project.path(slug)), editions_for(run, slug), run.other_size, braille)
            for variants, page, braille in parts if variants or page or braille]


def has_braille(run: Build, article: Article) -> bool:
    """Whether this build makes the article's braille: asked for, in a language with a table."""
    return "braille" in run.formats and table_for(article.document.lang, run.project.publication.braille.tables) is not None


def braille_key(run: Build, article: Article) -> str:
    """The braille's: its words, table and geometry, and the standard leaflet (at the publication's
    size) whose page breaks it marks."""
    publication = run.project.publication
    options, slug = publication.braille, article.slug
    leaflet = keys.leaflet_key(run.key_of(slug), run.project.theme.key("print"), publication.leaflet.page_size,
                               layout.STANDARD, editions_for(run, slug)) if options.print_pages else None
    return keys.braille_key(run.key_of(slug), run.project.theme.words_key,  # the theme's only part it prints
                            table_for(article.document.lang, options.tables) or "", (options.cells, options.lines),
                            translator_version(), leaflet)


def with_press_files(variants: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The variants in groups: each leaflet with its press file, the rest alone."""
    pressed = {layout.PRESS.get(v) for v in variants}
    return [(v, layout.PRESS[v]) if layout.PRESS.get(v) in variants else (v,)
            for v in variants if v not in pressed]


def receive_rendered(run: Build, outcome) -> None:
    account(run, outcome)
    slug = outcome.slug
    outcome.deliver(value=lambda rendered: write_rendered(run, slug, rendered, outcome.seconds),
                    limit=lambda slug, reason: report_limit(run, slug, reason),
                    bug=lambda slug, trace: run.fail_bug(slug, trace, layout.article_outputs(slug)))
    run.on_event(Event("article", slug))


def write_rendered(run: Build, slug: str, rendered: Rendered, seconds: float) -> None:
    """Write what a render task made (its time is the file's when it made one file), and report
    the outputs it met a bug in."""
    alone = len(rendered.files) == 1
    for path, content in sorted(rendered.files.items()):
        run.write(path, content, output_key(run, path, slug), seconds if alone else None)
    for path, bug in sorted(rendered.bugs.items()):
        run.fail_bug(path, bug, [path, layout.download(path)] if layout.is_download_source(path) else [path])
    for path, problems in sorted(rendered.preflighted.items()):
        report_preflight(run, path, problems)
    if layout.is_easy_read(slug):
        report_easy_read_length(run, slug, rendered)


def report_easy_read_length(run: Build, slug: str, rendered: Rendered) -> None:
    """An Easy Read leaflet longer than its readers can take in at one go is a warning, at its title."""
    path = layout.leaflet(slug, layout.STANDARD)
    if path not in rendered.files:
        return
    import pikepdf  # noqa: PLC0415

    with pikepdf.open(io.BytesIO(rendered.files[path])) as pdf:
        pages = len(pdf.pages)
    if pages > EASY_READ_PAGES:
        reporter = Reporter(run.project.path(slug), run.project.root)
        reporter.warning(run.examined[slug].title_position, "easy-read-pages",
                         f"the Easy Read leaflet has {pages} pages; an Easy Read edition keeps to {EASY_READ_PAGES}",
                         "say less, or make it two editions")
        run.result.diagnostics += reporter.diagnostics


def report_preflight(run: Build, path: str, problems: list) -> None:
    """A press file's preflight: its problems are the build's (an error fails it), at the
    manuscript's image where they are about one."""
    name = layout.name_of_print_file(path)
    document = run.last_good(name)
    run.result.diagnostics += preflight_diagnostics(problems, path, run.project.path(name), run.project.root,
                                                    list(document.images) if document else [])


def booklet_members(run: Build) -> list[tuple[Booklet, list[str]]]:
    return booklets_of(run.project.publication, sorted(run.project.sources))


def downloads_of(run: Build, slug: str) -> list:
    """What an article's page offers to download, given the formats this build makes."""
    found = [Download(kind, layout.download(layout.leaflet(slug, variant)))
             for kind, variant in (("pdf-standard", "standard"), ("pdf-large", "large-print"))
             if "pdf" in run.formats]
    if "epub" in run.formats:
        found += [booklet_download(booklet) for booklet, members in booklet_members(run) if slug in members]
    article = run.examined.get(slug)
    if article is not None and article.document is not None and has_braille(run, article):
        found += [Download(f"braille-{kind}", layout.download(path))
                  for kind, path in zip(layout.BRAILLE_FILES, layout.braille(slug), strict=True)]
    return found


def booklet_download(booklet: Booklet) -> Download:
    return Download("epub", layout.download(layout.booklet(booklet.id)), booklet.title)
