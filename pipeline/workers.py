"""The work done per article, in a pool of long-lived worker processes.

Each worker imports WeasyPrint once and keeps its font configuration, parsed stylesheets,
image cache and templates for every article it lays out.
"""

from __future__ import annotations

import os
import resource
import signal
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from .article import ArticleCheck, examine
from .config import Publication
from .diagnostics import Reporter, has_errors
from .document import Document, build_document
from .render.leaflet import leaflet_name, render_leaflet
from .render.web import Download, render_page


@dataclass
class ArticleTask:
    """Examine one article (unless its cached document is given) and render what is stale."""

    root: Path
    path: Path
    slug: str
    styles: Path
    publication: Publication
    page_size: str
    variants: tuple[str, ...]  # leaflets to lay out
    page: bool  # whether to render the web page
    downloads: list[Download] = field(default_factory=list)
    document: Document | None = None
    size: int = 0  # for scheduling: the largest articles go first


@dataclass
class ArticleOutcome:
    slug: str
    check: ArticleCheck | None  # None when the cached check still holds
    document: Document | None
    files: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    peak_memory: int = 0  # bytes, this worker's largest resident size so far
    worker: int = 0


class TimeLimit(BaseException):  # not an Exception: per-output handlers must not swallow it
    """An article took longer than limits: seconds-per-article."""


def process_article(task: ArticleTask) -> ArticleOutcome:
    """Examine and render one article within the time limit; a timeout is the article's error."""
    started = time.perf_counter()
    outcome = ArticleOutcome(task.slug, None, task.document)
    limit = task.publication.limits.seconds_per_article
    previous = signal.signal(signal.SIGALRM, _time_is_up)
    # The alarm repeats: an exception raised while the interpreter runs a garbage-collection
    # callback is swallowed, so one alarm alone could be lost.
    _ALARM["armed"] = True
    signal.setitimer(signal.ITIMER_REAL, limit, 0.25)
    try:
        work_on(task, outcome)
    except (TimeLimit, RecursionError, MemoryError) as error:
        _ALARM["armed"] = False
        record_limit(task, outcome, error, limit)
    finally:
        _ALARM["armed"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    outcome.seconds = time.perf_counter() - started
    outcome.peak_memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    outcome.worker = os.getpid()
    return outcome


_ALARM = {"armed": False}


def _time_is_up(_signum, _frame) -> None:
    if _ALARM["armed"]:
        raise TimeLimit()


def record_limit(task: ArticleTask, outcome: ArticleOutcome, error: BaseException, limit: float) -> None:
    """The article's outputs are dropped and its check carries the located reason."""
    outcome.document, outcome.files = None, {}
    reporter = Reporter(task.path, task.root)
    outcome.check = outcome.check or ArticleCheck(task.slug, reporter.display_path)
    reason = (f"took longer than the limit of {limit:g} s" if isinstance(error, TimeLimit)
              else f"is too deeply nested or too large to lay out ({type(error).__name__})")
    outcome.check.diagnostics.append(reporter.error_diagnostic(
        (1, 1), "resource-limit", f"article {reason}", "limits: seconds-per-article in publication.yaml"))


def work_on(task: ArticleTask, outcome: ArticleOutcome) -> None:
    if outcome.document is None:
        examined = examine(task.path, task.slug, task.root, task.styles, task.publication)
        outcome.check = examined.check
        if examined.converted is not None and not has_errors(examined.check.diagnostics):
            outcome.document = build_document(examined.manuscript, examined.converted, task.publication,
                                              task.path.parent)
    if outcome.document is not None:
        render_outputs(task, outcome)


def render_outputs(task: ArticleTask, outcome: ArticleOutcome) -> None:
    document, folder = outcome.document, task.path.parent
    for variant in task.variants:
        name = f"pdf/{leaflet_name(task.slug, variant)}"
        try:
            outcome.files[name] = render_leaflet(document, task.publication, variant, task.page_size,
                                                 task.styles, folder)
        except Exception as error:  # noqa: BLE001 - one bad leaflet must not stop the others
            outcome.failures[name] = f"{type(error).__name__}: {error}"
    if task.page:
        outcome.files[f"web/{task.slug}.html"] = render_page(document, task.publication, task.downloads,
                                                             task.styles).encode("utf-8")


def preload() -> None:
    """Pay the one-off costs (WeasyPrint's import, the pronouncing dictionary the English reading
    grade needs) before any article's clock starts."""
    from weasyprint.text.fonts import FontConfiguration  # noqa: F401, PLC0415

    from .readability import preload_dictionaries  # noqa: PLC0415

    preload_dictionaries()


def warm_up() -> None:
    """A worker's start: Ctrl-C is left to the main process, which stops the pool, and SIGTERM
    (how the main process stops a worker) ends it quietly instead of raising inside it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    preload()


def run_articles(tasks: list[ArticleTask], jobs: int, on_done) -> list[str]:
    """Run tasks, largest first, calling on_done(outcome) as each finishes; return the slugs lost
    to a worker that died."""
    tasks = sorted(tasks, key=lambda task: (-task.size, task.slug))
    if jobs <= 1 or len(tasks) <= 1:
        preload()
        for task in tasks:
            on_done(process_article(task))
        return []
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=get_context("fork"), initializer=warm_up)
    futures = {pool.submit(process_article, task): task.slug for task in tasks}
    workers = list((pool._processes or {}).values())  # noqa: SLF001 - to stop them if the pool breaks
    lost = []
    try:
        for future in as_completed(futures):
            try:
                on_done(future.result())
            except BrokenProcessPool:
                lost.append(futures[future])
    except BaseException:
        stop(pool, workers)
        raise
    if lost:
        stop(pool, workers)  # a broken pool cannot be shut down politely
    else:
        pool.shutdown(wait=True)
    return sorted(lost)


def stop(pool: ProcessPoolExecutor, workers: list) -> None:
    """Shut the pool down now, terminating its workers: an interrupted or broken build must not
    leave them running (or the interpreter waiting for them at exit)."""
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        if process.is_alive():
            process.terminate()
    for process in workers:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
