"""publish verify: read every built file back and prove it says what the manuscript says."""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..config import booklets_of
from ..document import Document, build_document
from ..project import CheckResult, check_project, manuscripts_dir, styles_dir
from ..render.theme import labels
from ..writer import OUTPUT
from .compare import Comparison, Difference, compare
from .expected import expected_reading
from .read_html import parse_page, read_article
from .read_pdf import Labels, read_leaflet


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


def verify(root: Path, slugs: tuple[str, ...] = ()) -> VerifyResult:
    """Compare every output of each article with its freshly converted manuscript."""
    root = root.resolve()
    checked = check_project(root, slugs)
    result = VerifyResult(checked)
    result.unverified.update({slug: "the manuscript has errors" for slug in checked.failed})
    publication = checked.publication
    if publication is None:
        result.unverified["publication.yaml"] = "publication.yaml has errors"
        return result
    folder, styles, output = manuscripts_dir(root), styles_dir(root), root / OUTPUT
    booklets = booklets_of(publication, sorted(a.check.slug for a in checked.articles))
    for article in checked.good:
        started = time.perf_counter()
        document = build_document(article.manuscript, article.converted, publication, folder)
        booklet_ids = [booklet.id for booklet, members in booklets if document.slug in members]
        result.comparisons += verify_article(document, output, styles, booklet_ids)
        result.seconds[document.slug] = time.perf_counter() - started
    return result


def verify_article(document: Document, output: Path, styles: Path, booklet_ids: list[str]) -> list[Comparison]:
    expected = expected_reading(document)
    sources = {"web": output / "web" / f"{document.slug}.html",
               "pdf": output / "pdf" / f"{document.slug}.pdf",
               "pdf large print": output / "pdf" / f"{document.slug}.large-print.pdf"}
    sources.update({f"epub {booklet}": output / "epub" / f"{booklet}.epub" for booklet in booklet_ids})
    comparisons = []
    for format_, path in sources.items():
        found, problem = read_output(format_, path, document, styles)
        if problem:
            missing = Comparison(document.slug, format_)
            missing.text("file", f"{path.relative_to(output.parent).as_posix()}", problem)
            comparisons.append(missing)
        else:
            comparisons.append(compare(document.slug, format_, expected, found))
    return comparisons


def read_output(format_: str, path: Path, document: Document, styles: Path):
    """The article as read from one output, or the reason it cannot be read."""
    if not path.is_file():
        return None, "missing"
    try:
        if format_ == "web":
            return read_article(parse_page(path.read_bytes())), None
        if format_.startswith("epub"):
            with zipfile.ZipFile(path) as archive:
                return read_article(parse_page(archive.read(f"EPUB/{document.slug}.xhtml"))), None
        return read_leaflet(path, leaflet_labels(document, styles), {r.id: r.number for r in document.references}), None
    except (KeyError, OSError, ValueError, zipfile.BadZipFile) as error:
        return None, f"unreadable: {error}"


def leaflet_labels(document: Document, styles: Path) -> Labels:
    words = labels(styles, document.lang)
    return Labels(words.summary, words.key_points, words.faq, words.references, document.disclaimer.title)
