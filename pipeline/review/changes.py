"""publish changes: what changed in an article between two versions, element by element.

Each version is converted and read into the same element model verify compares (title,
summary, key points, tables cell by cell, FAQ items, references, disclaimer), plus the
body's sections, and the two are compared element by element.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.base.diagnostics import Reporter
from pipeline.convert.conversion import ConversionError, convert
from pipeline.examine.expected import expected_reading
from pipeline.examine.reading import Reading, normalise
from pipeline.output import keys, layout
from pipeline.output.writer import atomic_write
from pipeline.source.history import HistoryError, Repository, Version, resolve, version_of
from pipeline.source.manuscript import parse_manuscript
from pipeline.source.project import Project, load_project
from pipeline.source.text import SourceText, plain_text
from pipeline.verify.compare import excerpts

WORKING_COPY = "working copy"


@dataclass(frozen=True)
class Change:
    element: str
    before: str | None  # None: added
    after: str | None  # None: removed

    def __str__(self) -> str:
        if self.before is None:
            return f"{self.element}: added {self.after!r}"
        if self.after is None:
            return f"{self.element}: removed {self.before!r}"
        return f"{self.element}: {' → '.join(repr(text) for text in excerpts(self.before, self.after))}"

    def as_dict(self) -> dict:
        return {"element": self.element, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Elements:
    """One version of an article in the element model."""

    reading: Reading
    details: dict[str, str]  # the version and review fields, as written
    disclaimer_key: str
    references: dict[str, str]  # id -> the entry as citeproc writes it
    sections: tuple[tuple[str, str], ...]  # (heading, text)


@dataclass
class Comparison:
    name: str
    before: str  # how each side is named: "version 3 (abc1234, 2026-11-21)" or "working copy (version 4)"
    after: str
    changes: list[Change]


class ChangesError(Exception):
    """A version cannot be read: its manuscript does not parse or convert."""


def article_changes(root: Path, name: str, start: str | None = None, end: str | None = None) -> Comparison:
    """Compare two versions of an article (default: the previous version and the working copy)."""
    project = load_project(root, (name,))
    path = project.path(name)
    history = Repository.of(project.root).history(path)
    if not history.commits:
        raise HistoryError(f"{path.name} has never been committed: there is no earlier version to compare with")
    current = path.read_text(encoding="utf-8")
    after = resolve(history, end) if end else None
    before = resolve(history, start) if start else previous_version(history, current, path)
    with ThreadPoolExecutor(2) as pool:  # two pandoc processes side by side
        old, new = pool.map(lambda text: elements_of(text, path, project),
                            [before.text, after.text if after else current])
    return Comparison(name, describe(before), describe(after) if after else working_copy(current, path),
                      element_changes(old, new))


def previous_version(history, current: str, path: Path) -> Version:
    """The version before the working copy's: the last one that differs from the current value."""
    value = version_of(current, path)
    earlier = [v for v in history.versions if v.version != value]
    return earlier[-1] if earlier else history.versions[0]


def describe(version: Version) -> str:
    return f"version {version.version or '(none)'} ({version.short}, {version.day})"


def working_copy(text: str, path: Path) -> str:
    return f"{WORKING_COPY} (version {version_of(text, path) or '(none)'})"


@cache
def elements_type():
    from pydantic import TypeAdapter  # noqa: PLC0415

    return TypeAdapter(Elements)


def elements_of(text: str, path: Path, project: Project) -> Elements:
    """A version in the element model, from the cache when this text was read before (under the
    same publication, citation style and tool)."""
    key = keys.version_key(text, path.name, project.publication_key, project.citation_style_key)
    cached = project.cache_root / layout.version_cache(key)
    try:
        return elements_type().validate_json(cached.read_bytes())
    except (OSError, ValueError):
        pass
    elements = read_elements(text, path, project)
    atomic_write(cached, elements_type().dump_json(elements))
    return elements


def read_elements(text: str, path: Path, project: Project) -> Elements:
    reporter = Reporter(path, project.root)
    manuscript = parse_manuscript(SourceText(plain_text(text)), path, reporter)
    if manuscript is None or project.publication is None:
        raise ChangesError(f"a version of {path.name} cannot be read: "
                           + "; ".join(str(d) for d in reporter.diagnostics[:3]))
    try:
        converted = convert(manuscript, project.theme.citation_style)
    except ConversionError as error:
        raise ChangesError(f"a version of {path.name} cannot be converted: {error}") from None
    if manuscript.front.disclaimer not in project.publication.disclaimers:
        raise ChangesError(f"a version of {path.name} names the unknown disclaimer '{manuscript.front.disclaimer}'")
    front = manuscript.front
    details = {"version": front.version, "review date": str(front.review_date),
               "last reviewed": str(front.last_reviewed) if front.last_reviewed else None,
               "reviewed by": "; ".join(f"{r.name}{f' ({r.role})' if r.role else ''}, {r.date}"
                                        for r in front.reviewed_by) or None}
    return Elements(expected_reading(manuscript, converted, project.publication).normalised(), details,
                    front.disclaimer, {reference.id: normalise(reference.text) for reference in converted.references},
                    tuple((section.heading, normalise(section.text)) for section in converted.body.facts.sections))


def element_changes(old: Elements, new: Elements) -> list[Change]:
    changes: list[Change] = []
    a, b = old.reading, new.reading
    for name in old.details:
        compare_text(changes, name, old.details[name], new.details[name])
    compare_text(changes, "title", a.title, b.title)
    compare_text(changes, "summary", a.summary, b.summary)
    compare_list(changes, "key point", a.key_points, b.key_points)
    for number in range(max(len(a.tables), len(b.tables))):
        compare_table(changes, f"table {number + 1}", a.tables, b.tables, number)
    compare_list(changes, "FAQ item", [" / ".join(item) for item in a.faq], [" / ".join(item) for item in b.faq])
    for key in sorted(old.references.keys() | new.references.keys()):
        compare_text(changes, f"reference {key}", old.references.get(key), new.references.get(key))
    compare_text(changes, "disclaimer", f"{old.disclaimer_key}: {a.disclaimer[1]}", f"{new.disclaimer_key}: {b.disclaimer[1]}")
    old_sections, new_sections = dict(old.sections), dict(new.sections)
    for heading in dict.fromkeys([*old_sections, *new_sections]):
        compare_text(changes, f"section '{heading}'" if heading else "lead", old_sections.get(heading),
                     new_sections.get(heading))
    return changes


def compare_text(changes: list[Change], element: str, before: str | None, after: str | None) -> None:
    if before != after:
        changes.append(Change(element, before, after))


def compare_list(changes: list[Change], element: str, before: list[str], after: list[str]) -> None:
    for number in range(max(len(before), len(after))):
        compare_text(changes, f"{element} {number + 1}", at(before, number), at(after, number))


def compare_table(changes: list[Change], element: str, before: list, after: list, number: int) -> None:
    old, new = at(before, number), at(after, number)
    if old is None or new is None:
        caption = (old or new).caption
        changes.append(Change(element, caption if old else None, caption if new else None))
        return
    compare_text(changes, f"{element} caption", old.caption, new.caption)
    for part, old_rows, new_rows in (("header", old.head, new.head), ("row", old.body, new.body)):
        for row in range(max(len(old_rows), len(new_rows))):
            old_row, new_row = at(old_rows, row), at(new_rows, row)
            if old_row is None or new_row is None:
                compare_text(changes, f"{element} {part} {row + 1}", " | ".join(old_row or []) or None,
                             " | ".join(new_row or []) or None)
                continue
            for column in range(max(len(old_row), len(new_row))):
                compare_text(changes, f"{element} {part} {row + 1} column {column + 1}", at(old_row, column),
                             at(new_row, column))


def at(items: list, index: int):
    return items[index] if index < len(items) else None
