"""publish status: where each article stands in its review cycle, read from front matter alone."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, replace

from pipeline.base.diagnostics import Diagnostic, Reporter
from pipeline.source.manuscript import load_manuscript, read_front_matter
from pipeline.source.project import load_project
from pipeline.source.publication import ReviewPolicy

OK, DUE_SOON, OVERDUE = "ok", "due-soon", "overdue"


@dataclass(frozen=True)
class ReviewStatus:
    name: str
    leaflet_id: str | None
    version: str | None
    lang: str
    review_date: datetime.date
    last_reviewed: datetime.date | None
    days_left: int  # negative once overdue
    state: str  # ok, due-soon or overdue
    review_date_at: tuple[int, int] = (1, 1)  # line and column of the review date's value

    def as_dict(self) -> dict:
        return {key: value.isoformat() if isinstance(value, datetime.date) else value
                for key, value in asdict(self).items() if key != "review_date_at"}


@dataclass
class StatusResult:
    rows: list[ReviewStatus]
    diagnostics: list[Diagnostic]  # manuscripts whose front matter could not be read

    @property
    def overdue(self) -> list[ReviewStatus]:
        return [row for row in self.rows if row.state == OVERDUE]


def review_status(root, names: tuple[str, ...] = (), today: datetime.date | None = None,
                  within: int | None = None) -> StatusResult:
    """Every chosen article's review state; with `within`, only those due within that many days."""
    project = load_project(root, names)
    policy = project.publication.review if project.publication else ReviewPolicy()
    today = today or datetime.date.today()
    result = StatusResult([], [])
    for slug in project.chosen:
        front = read_front_matter(project.path(slug)) or located_front_matter(project, slug, result)
        if front is None:
            continue
        row = replace(status_of(slug, front, today, policy), review_date_at=value_position(project.path(slug), "review-date"))
        if within is None or row.days_left <= within:
            result.rows.append(row)
    return result


def value_position(path, key: str) -> tuple[int, int]:
    """Where a top-level front-matter field's value starts (1, 1 when it cannot be found): the
    quick reading keeps no positions, and a status needs only this one."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        if line.startswith(f"{key}:"):
            value = line[len(key) + 1:]
            return number, len(key) + 2 + len(value) - len(value.lstrip())
    return 1, 1


def located_front_matter(project, slug: str, result: StatusResult):
    """The slow, careful reading, for front matter the quick one could not take: it says where."""
    reporter = Reporter(project.path(slug), project.root)
    manuscript = load_manuscript(project.path(slug), reporter)
    result.diagnostics += [d for d in reporter.diagnostics if d.severity == "error"]
    return manuscript.front if manuscript else None


def status_of(slug: str, front, today: datetime.date, policy: ReviewPolicy) -> ReviewStatus:
    days_left = (front.review_date - today).days
    state = OVERDUE if days_left < 0 else DUE_SOON if days_left <= policy.warn_days else OK
    return ReviewStatus(slug, front.leaflet_id, front.version, front.lang, front.review_date, front.last_reviewed,
                        days_left, state)


COLUMNS = (("article", "name"), ("leaflet", "leaflet_id"), ("version", "version"), ("lang", "lang"),
           ("review date", "review_date"), ("days left", "days_left"), ("state", "state"))


def status_table(rows: list[ReviewStatus]) -> list[str]:
    """The rows as aligned text columns, a header first."""
    cells = [[title for title, _ in COLUMNS]] + [
        ["-" if getattr(row, field) is None else str(getattr(row, field)) for _, field in COLUMNS] for row in rows]
    widths = [max(len(line[column]) for line in cells) for column in range(len(COLUMNS))]
    return ["  ".join(cell.rjust(width) if COLUMNS[index][1] == "days_left" else cell.ljust(width)
                      for index, (cell, width) in enumerate(zip(line, widths))).rstrip() for line in cells]


def status_summary(rows: list[ReviewStatus]) -> str:
    counts = {state: sum(row.state == state for row in rows) for state in (OK, DUE_SOON, OVERDUE)}
    return (f"{len(rows)} article{'s' * (len(rows) != 1)}: {counts[OK]} ok, {counts[DUE_SOON]} due soon, "
            f"{counts[OVERDUE]} overdue")
