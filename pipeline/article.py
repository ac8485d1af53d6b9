"""One manuscript, examined on its own: the unit of work a build hands to a worker."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from .checks import check_manuscript, megabytes
from .config import Limits, Publication
from .convert import CITATION_STYLE, ConversionError, Converted, convert
from .diagnostics import Diagnostic, Reporter
from .manuscript import Manuscript, load_manuscript
from .readability import reading_grade


@dataclass
class ArticleCheck:
    """What examining a manuscript found. It depends only on the manuscript, the publication
    and the tool, so builds cache it; the warnings that depend on the day or on the grade
    target are added from it each time (see policy_warnings)."""

    slug: str
    path: str  # as shown in diagnostics
    diagnostics: list[Diagnostic] = field(default_factory=list)
    grade: float | None = None
    review_date: datetime.date | None = None
    review_position: tuple[int, int] = (1, 1)
    title_position: tuple[int, int] = (1, 1)


@dataclass
class Examined:
    check: ArticleCheck
    manuscript: Manuscript | None = None
    converted: Converted | None = None


def examine(path: Path, slug: str, root: Path, styles: Path, publication: Publication | None) -> Examined:
    """Load, convert (one pandoc call) and check one manuscript."""
    reporter = Reporter(path, root)
    check = ArticleCheck(slug, reporter.display_path, reporter.diagnostics)
    limits = publication.limits if publication else Limits()
    if path.stat().st_size > limits.manuscript_bytes:
        reporter.error((1, 1), "manuscript-size", f"manuscript is {megabytes(path.stat().st_size)}; the limit is "
                       f"{megabytes(limits.manuscript_bytes)}", "split it, or raise limits: manuscript-bytes")
        return Examined(check)
    manuscript = load_manuscript(path, reporter)
    if manuscript is None:
        return Examined(check)
    check.review_date = manuscript.front.review_date
    check.review_position = manuscript.yaml.position(("review-date",))
    check.title_position = manuscript.yaml.position(("title",))
    try:
        converted = convert(manuscript, styles / CITATION_STYLE, limits.seconds_per_article)
    except ConversionError as error:
        reporter.error((manuscript.body_first_line, 1), "pandoc", f"pandoc could not convert the manuscript: {error}")
        return Examined(check, manuscript)
    check_manuscript(manuscript, converted, publication, path.parent, reporter)
    check.grade = reading_grade(converted, manuscript.front.lang)
    return Examined(check, manuscript, converted)


def policy_warnings(check: ArticleCheck, target_grade: float | None, today: datetime.date) -> list[Diagnostic]:
    """Warnings that change with the calendar or the publication's grade target, not the text."""
    reporter = Reporter(Path(check.path))
    if check.grade is not None and target_grade is not None and check.grade > target_grade:
        reporter.warning(check.title_position, "readability",
                         f"reading grade {check.grade:g} is above the target {target_grade:g}",
                         "use shorter sentences and everyday words")
    if check.review_date is not None and check.review_date < today and not any(
            d.code == "review-date" for d in check.diagnostics):
        reporter.warning(check.review_position, "overdue",
                         f"overdue for review: the review date {check.review_date} has passed")
    return reporter.diagnostics
