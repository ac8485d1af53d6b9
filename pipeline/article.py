"""One manuscript, examined: converted once, checked, and made ready for every format.

An examination depends only on its input key (fingerprint.article_digest), so it is cached
and shared: check, build and verify convert an unchanged article once between them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from .checks import check_manuscript, megabytes, named_images
from .config import Limits, Publication
from .convert import ConversionError, convert
from .diagnostics import Diagnostic, Reporter, has_errors
from .document import Document, build_document
from .manuscript import load_manuscript
from .readability import reading_grade
from .verify.expected import expected_reading
from .verify.reading import Reading


@dataclass
class Article:
    """What examining one manuscript found, and what its outputs are made from.

    The warnings that depend on the day or on the grade target are added from it each
    time (see policy_warnings), so that the examination itself can be cached.
    """

    slug: str
    path: str  # as shown in diagnostics
    key: str = ""  # the input key it was examined under
    diagnostics: list[Diagnostic] = field(default_factory=list)
    converted: bool = False  # pandoc read it (a grade line is printed for it)
    media: tuple[str, ...] = ()  # every image it names, published or not: they are part of its key
    grade: float | None = None
    review_date: datetime.date | None = None
    review_position: tuple[int, int] = (1, 1)
    title_position: tuple[int, int] = (1, 1)
    document: Document | None = None  # None when it has errors and cannot be published
    expected: Reading | None = None  # what every format must show of it, for verify

    @property
    def failed(self) -> bool:
        return self.document is None


def examine(path: Path, slug: str, root: Path, citation_style: Path, publication: Publication | None) -> Article:
    """Load, convert (one pandoc call) and check one manuscript; build its document if it can be published."""
    reporter = Reporter(path, root)
    article = Article(slug, reporter.display_path, diagnostics=reporter.diagnostics)
    limits = publication.limits if publication else Limits()
    size = file_size(path)
    if size > limits.manuscript_bytes:
        reporter.error((1, 1), "manuscript-size", f"manuscript is {megabytes(size)}; the limit is "
                       f"{megabytes(limits.manuscript_bytes)}", "split it, or raise limits: manuscript-bytes")
        return article
    manuscript = load_manuscript(path, reporter)  # a file that vanished is reported as unreadable
    if manuscript is None:
        return article
    article.review_date = manuscript.front.review_date
    article.review_position = manuscript.yaml.position(("review-date",))
    article.title_position = manuscript.yaml.position(("title",))
    try:
        converted = convert(manuscript, citation_style, limits.seconds_per_article)
    except ConversionError as error:
        reporter.error((manuscript.body_first_line, 1), "pandoc", f"pandoc could not convert the manuscript: {error}")
        return article
    article.converted = True
    article.media = named_images(converted)
    check_manuscript(manuscript, converted, publication, path.parent, reporter)
    article.grade = reading_grade(converted, manuscript.front.lang)
    if publication is not None and not has_errors(reporter.diagnostics):
        article.document = build_document(manuscript, converted, publication)
        article.expected = expected_reading(manuscript, converted, publication)
    return article


def file_size(path: Path) -> int:
    """The manuscript's size; 0 when it vanished (reading it then reports that, located)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def policy_warnings(article: Article, target_grade: float | None, today: datetime.date) -> list[Diagnostic]:
    """Warnings that change with the calendar or the publication's grade target, not the text."""
    reporter = Reporter(Path(article.path))
    if article.grade is not None and target_grade is not None and article.grade > target_grade:
        reporter.warning(article.title_position, "readability",
                         f"reading grade {article.grade:g} is above the target {target_grade:g}",
                         "use shorter sentences and everyday words")
    if article.review_date is not None and article.review_date < today and not any(
            d.code == "review-date" for d in article.diagnostics):
        reporter.warning(article.review_position, "overdue",
                         f"overdue for review: the review date {article.review_date} has passed")
    return reporter.diagnostics
