"""The work done per article, in a pool of long-lived worker processes.

Each worker imports WeasyPrint once and keeps its font configuration, parsed stylesheets,
image cache and templates for every article it lays out.
"""

from __future__ import annotations

import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from .article import ArticleCheck, examine
from .config import Publication
from .diagnostics import has_errors
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


def process_article(task: ArticleTask) -> ArticleOutcome:
    started = time.perf_counter()
    outcome = ArticleOutcome(task.slug, None, task.document)
    if outcome.document is None:
        examined = examine(task.path, task.slug, task.root, task.styles, task.publication)
        outcome.check = examined.check
        if examined.converted is not None and not has_errors(examined.check.diagnostics):
            outcome.document = build_document(examined.manuscript, examined.converted, task.publication,
                                              task.path.parent)
    if outcome.document is not None:
        render_outputs(task, outcome)
    outcome.seconds = time.perf_counter() - started
    outcome.peak_memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    outcome.worker = os.getpid()
    return outcome


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


def warm_up() -> None:
    """Pay WeasyPrint's import and font set-up once per worker, not once per leaflet."""
    from weasyprint.text.fonts import FontConfiguration  # noqa: F401, PLC0415


def run_articles(tasks: list[ArticleTask], jobs: int, on_done) -> None:
    """Run tasks, largest first, calling on_done(outcome) as each finishes."""
    tasks = sorted(tasks, key=lambda task: (-task.size, task.slug))
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            on_done(process_article(task))
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=get_context("fork"),
                             initializer=warm_up) as pool:
        futures = [pool.submit(process_article, task) for task in tasks]
        for future in as_completed(futures):
            on_done(future.result())
