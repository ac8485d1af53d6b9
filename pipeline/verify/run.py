"""publish verify: read every built file back and prove it says what the manuscript says."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.braille import table_for
from pipeline.base.languages import direction
from pipeline.distribute.pool import Workers, preload_nothing, raise_bug
from pipeline.examine.article import Article
from pipeline.examine.project import CheckResult, check_project
from pipeline.examine.reading import Reading
from pipeline.output import layout
from pipeline.source.publication import booklets_of
from pipeline.source.theme import Theme, labels
from pipeline.verify.compare import Comparison, Difference, compare, compare_in_order
from pipeline.verify.read_booklet import booklet_pages
from pipeline.verify.read_braille import as_spaced, braille_cells, element_cells, reads_back
from pipeline.verify.read_html import parse_page, read_article
from pipeline.verify.read_page_list import verify_page_list
from pipeline.verify.read_pdf import SectionHeadings, read_leaflet

PRINT_FORMATS = {"booklet": "office booklet", "press": "press", "large-print-press": "press large print"}


@dataclass
class VerifyResult:
    check: CheckResult
    comparisons: list[Comparison] = field(default_factory=list)
    unverified: dict[str, str] = field(default_factory=dict)  # article -> why it was not verified
    seconds: dict[str, float] = field(default_factory=dict)  # article -> time spent reading it back

    @property
    def differences(self) -> list[Difference]:
        return [d for c in self.comparisons for d in c.differences]

    @property
    def elements_checked(self) -> int:
        return sum(c.checked for c in self.comparisons)

    @property
    def formats(self) -> set[str]:
        return {c.format for c in self.comparisons}


@dataclass
class VerifyTask:
    """Read one article's outputs back and compare them with what it should show."""

    article: Article
    output: Path
    theme: Theme
    booklet_ids: list[str]
    limit: float
    size: int = 0
    office_booklet: bool = False  # publication.yaml asks for print/<name>.booklet.pdf
    press: bool = False  # and for print/<name>.press.pdf and <name>.large-print.press.pdf
    braille_table: str | None = None  # the article's braille table: braille/<name>.brf is there to read

    @property
    def slug(self) -> str:
        return self.article.slug

    def __call__(self) -> list[Comparison]:
        comparisons = verify_article(self.article, self.output, self.theme, self.booklet_ids)
        if self.office_booklet:
            comparisons.append(verify_print_file(self.article, self.output, layout.OFFICE_BOOKLET))
        if self.press:
            comparisons += [verify_press_file(self.article, self.output, self.theme, variant)
                            for variant in layout.PRESS.values()]
        if self.braille_table:
            comparisons.append(verify_braille_file(self.article, self.output, self.braille_table))
        return comparisons


def verify(root: Path, slugs: tuple[str, ...] = (), jobs: int | None = None,
           cache_dir: Path | None = None) -> VerifyResult:
    """Compare every output of each article with what its manuscript says (examined once, cached),
    the articles side by side in worker processes."""
    checked = check_project(root, slugs, jobs=jobs, cache_dir=cache_dir)
    result = VerifyResult(checked)
    result.unverified.update({slug: "the manuscript has errors" for slug in checked.failed})
    project = checked.project
    if project.publication is None:
        result.unverified["publication.yaml"] = "publication.yaml has errors"
        return result
    booklets = booklets_of(project.publication, sorted(project.sources))
    limit = project.publication.limits.seconds_per_article
    tasks = [VerifyTask(article, project.output, project.theme,
                        [booklet.id for booklet, members in booklets if article.slug in members], limit,
                        office_booklet=project.publication.print_.booklet, press=project.publication.print_.press,
                        braille_table=table_for(article.lang, project.publication.braille.tables))
             for article in checked.good]
    found: dict[str, list[Comparison]] = {}

    def receive(outcome) -> None:
        def read(comparisons: list[Comparison]) -> None:
            found[outcome.slug] = comparisons
            result.seconds[outcome.slug] = outcome.seconds

        def limited(slug: str, reason: str) -> None:
            result.unverified[slug] = f"reading it back {reason}"

        outcome.deliver(value=read, limit=limited, bug=raise_bug)

    with Workers(jobs or os.cpu_count() or 1, preload_nothing) as workers:
        lost = workers.run(tasks, receive)
    result.unverified.update({slug: "its worker process stopped before finishing it" for slug in lost})
    result.comparisons = [comparison for slug in sorted(found) for comparison in found[slug]]
    result.comparisons += [verify_print_pages(booklet.id, project.output) for booklet, _ in booklets
                           if booklet.printed is not None]
    return result


def verify_print_pages(booklet_id: str, output: Path) -> Comparison:
    """The booklet's EPUB marks each page of its print edition where that page begins."""
    epub, edition = output / layout.booklet(booklet_id), output / layout.print_edition(booklet_id)
    if not (epub.is_file() and edition.is_file()):
        missing = Comparison(booklet_id, f"page list {booklet_id}")
        missing.text("file", f"output/{layout.print_edition(booklet_id)}", "missing")
        return missing
    return verify_page_list(booklet_id, epub, edition)


def verify_article(article: Article, output: Path, theme: Theme, booklet_ids: list[str]) -> list[Comparison]:
    sources = {"web": layout.page(article.slug),
               "pdf": layout.leaflet(article.slug, "standard"),
               "pdf large print": layout.leaflet(article.slug, "large-print")}
    sources.update({f"epub {booklet}": layout.booklet(booklet) for booklet in booklet_ids})
    # Leaflets a build made at another page size (--page-size) are verified when they are there.
    sources.update({f"pdf {size}{' large print' * (variant != 'standard')}": path
                    for size in layout.PAGE_SIZES for variant in layout.VARIANTS
                    for path in [layout.leaflet(article.slug, variant, size)] if (output / path).is_file()})
    comparisons = []
    for format_, path in sources.items():
        found, problem = read_output(format_, output / path, article, theme)
        if problem:
            missing = Comparison(article.slug, format_)
            missing.text("file", f"{output.name}/{path}", problem)
            comparisons.append(missing)
        else:
            comparisons.append(compare(article.slug, format_, article.expected, found))
    return comparisons


def verify_print_file(article: Article, output: Path, variant: str) -> Comparison:
    """The office booklet has every element the article must show, in order: imposition keeps no
    structure tree to read them by (read_booklet)."""
    relative = layout.leaflet(article.slug, variant)
    path, format_ = output / relative, PRINT_FORMATS[variant]
    if not path.is_file():
        return missing_file(article, format_, output, relative, "missing")
    try:
        pages = booklet_pages(path, direction(article.lang) == "rtl")
    except (OSError, ValueError) as error:
        return missing_file(article, format_, output, relative, f"unreadable: {error}")
    return compare_in_order(article.slug, format_, article.expected, " ".join(pages))


def verify_braille_file(article: Article, output: Path, table: str) -> Comparison:
    """The BRF reads back, and holds every element the article must show, in order, each in its
    own braille (read_braille)."""
    relative, format_ = layout.braille(article.slug)[0], "braille"
    if not (output / relative).is_file():
        return missing_file(article, format_, output, relative, "missing")
    try:
        cells = braille_cells(output / relative, table)
    except (OSError, ValueError) as error:
        return missing_file(article, format_, output, relative, f"unreadable: {error}")
    if not reads_back(cells, table):
        return missing_file(article, format_, output, relative, f"does not read back with {table}")
    return compare_in_order(article.slug, format_, article.expected, as_spaced(cells),
                            lambda want: element_cells(want, table))


def verify_press_file(article: Article, output: Path, theme: Theme, variant: str) -> Comparison:
    """A press file keeps the leaflet's structure tree: read as a leaflet is, its citations as
    their labels (a print file has no links)."""
    relative = layout.leaflet(article.slug, variant)
    path = output / relative
    if not path.is_file():
        return missing_file(article, PRINT_FORMATS[variant], output, relative, "missing")
    try:
        found = read_leaflet(path, section_headings(article, theme),
                             {r.id: r.number for r in article.document.references}, links=False)
    except (KeyError, OSError, ValueError) as error:
        return missing_file(article, PRINT_FORMATS[variant], output, relative, f"unreadable: {error}")
    return compare(article.slug, PRINT_FORMATS[variant], article.expected, found)


def missing_file(article: Article, format_: str, output: Path, relative: str, problem: str) -> Comparison:
    missing = Comparison(article.slug, format_)
    missing.text("file", f"{output.name}/{relative}", problem)
    return missing


def read_output(format_: str, path: Path, article: Article, theme: Theme) -> tuple[Reading | None, str | None]:
    """The article as read from one output, or the reason it cannot be read."""
    if not path.is_file():
        return None, "missing"
    document = article.document
    try:
        if format_ == "web":
            return read_article(parse_page(path.read_bytes())), None
        if format_.startswith("epub"):
            with zipfile.ZipFile(path) as archive:
                return read_article(parse_page(archive.read(layout.CHAPTERS + layout.chapter(article.slug)))), None
        return read_leaflet(path, section_headings(article, theme), {r.id: r.number for r in document.references}), None
    except (KeyError, OSError, ValueError, zipfile.BadZipFile) as error:
        return None, f"unreadable: {error}"


def section_headings(article: Article, theme: Theme) -> SectionHeadings:
    words = labels(theme, article.document.lang)
    return SectionHeadings(words.summary, words.key_points, words.faq, words.references, article.document.disclaimer.title)
