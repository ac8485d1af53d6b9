"""Where the elements of a manuscript's Markdown stand, for diagnostics that point at them.

Pandoc's Markdown reader keeps no source positions, so at conversion each fact a diagnostic
may point at (a citation, image, link, attribute, piece of raw HTML, blank heading, table) is
found by its syntax in the order pandoc read them: the second image of a fragment is looked for
after the first, in the text with code and comments blanked out, so that a path mentioned in
prose or in a code example is never taken for the element itself. An element not found stands
at its fragment's start.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.convert.facts import FragmentFacts, Position
from pipeline.convert.table_rows import PIPE_RULE, indent, table_rows
from pipeline.source.text import SourceText

FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]{0,3}\1[`~]*[ \t]*$|\Z)", re.M | re.S)
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.S)  # within a paragraph
COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
BLANK_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*(?:#+[ \t]*)?(?:\{[^}\n]*\}[ \t]*)?$", re.M)


def blank_out(text: str) -> str:
    """The text with code blocks, code spans and comments turned to spaces (line ends kept)."""
    for pattern in (FENCE, COMMENT, CODE_SPAN):
        text = pattern.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), text)
    return text


class Locator:
    """Finds a fragment's elements, kind by kind, each after the last one found of its kind."""

    def __init__(self, source: SourceText, blanked: str, start: tuple[int, int]) -> None:
        self.source = source
        self.start = source.offset(*start)
        self.text = blanked  # the source through blank_out, made once for all its fragments
        self.cursors: dict[str, int] = {}

    def find(self, kind: str, *patterns: str | re.Pattern) -> tuple[int, int] | None:
        """The next element of `kind`: the earliest match of any pattern (plain text or regex)
        after the previous one of this kind; None if none is left."""
        cursor = self.cursors.get(kind, self.start)
        found = [match for match in (self._search(pattern, cursor) for pattern in patterns) if match is not None]
        if not found:
            return None
        offset, end = min(found)
        self.cursors[kind] = end
        return self.source.position(offset)

    def _search(self, pattern: str | re.Pattern, cursor: int) -> tuple[int, int] | None:
        if isinstance(pattern, str):
            offset = self.text.find(pattern, cursor) if pattern else -1
            return None if offset < 0 else (offset, offset + len(pattern))
        match = pattern.search(self.text, cursor)
        return None if match is None else match.span()


def citation(key: str) -> re.Pattern:
    return re.compile(r"(?<![\w@])@\{?" + re.escape(key) + r"(?![\w-])")


BRACKETED = r"\[(?:[^\[\]]|\[[^\]]*\])*\]"  # [text], with one level of [nested] brackets


def image(source: str) -> list[str | re.Pattern]:
    """How an image is written: Markdown's ![alt](source), or <img src="source">."""
    return [re.compile(r"!" + BRACKETED + r"\(<?" + re.escape(source)), *attribute_forms("src", source)]


def link(href: str) -> list[str | re.Pattern]:
    """How a link is written: [text](href), <href>, <a href="href">, or a reference's [ref]: href."""
    return [re.compile(BRACKETED + r"\(<?" + re.escape(href)), f"<{href}>", *attribute_forms("href", href),
            f"]: {href}"]


def attribute_forms(name: str, value: str) -> list[str]:
    return [f'{name}="{value}"', f"{name}='{value}'", f"{name}={value}"]


def table_row(first_cell: str) -> tuple[re.Pattern, re.Pattern]:
    """A table's row that holds its first cell: one beside a rule of dashes (pipe, grid, simple
    and multiline tables), or, failing that, any line that starts with the cell."""
    word = re.escape(first_cell.split()[0]) if first_cell.split() else ""
    row = r"^[ \t>]*(?:[|+][ \t]*)?" + word + r"[^\n]*"
    rule = r"[ \t>]*[-|+:=][-|+:= \t]*"
    return re.compile(rf"(?:{row}\n{rule}$|^{rule}\n{row})", re.M), re.compile(row, re.M)


def place(facts: FragmentFacts, source: SourceText, blanked: str, start: Position) -> FragmentFacts:
    """The fragment's facts, each with where it is written (the fragment starts at `start`;
    `blanked` is the source through blank_out)."""
    locator = Locator(source, blanked, start)

    def at(kind: str, *patterns, fallback=()) -> Position:
        return locator.find(kind, *patterns) or (fallback and locator.find(kind, *fallback)) or start

    def raw(piece):
        return replace(piece, position=at("raw-html", piece.text.strip()[:60]),
                       images=tuple(replace(i, position=at("html-image", *image(i.source))) for i in piece.images),
                       links=tuple(replace(k, position=at("html-link", *attribute_forms("href", k.href)))
                                   for k in piece.links))

    return replace(
        facts,
        citations=tuple(replace(c, position=at("citation", citation(c.key))) for c in facts.citations),
        images=tuple(replace(i, position=at("image", *image(i.source))) for i in facts.images),
        raw_html=tuple(raw(piece) for piece in facts.raw_html),
        links=tuple(replace(link_, position=at("link", *link(link_.href))) for link_ in facts.links),
        attributes=tuple(replace(a, position=at("attribute", a.name)) for a in facts.attributes),
        blank_headings=tuple(at("blank-heading", BLANK_HEADING) for _ in facts.blank_headings),
        sections=tuple(replace(s, position=at("heading", s.heading) if s.heading else start) for s in facts.sections),
        tables=tuple(placed_table(t, at("table", strict, fallback=(loose,)), source)
                     for t in facts.tables for strict, loose in [table_row(t.first_cell)]),
        rows=tuple(replace(row, position=at("row", *row_start(row))) for row in facts.rows),
    )


def row_start(row) -> list[str | re.Pattern]:
    """How a row begins: with its picture, or with its first word."""
    if row.picture is not None:
        return image(row.picture.source)
    return [row.text.split()[0]] if row.text.split() else []


def placed_table(table, position: Position, source: SourceText):
    """A table where it stands, with its rows as written there."""
    return replace(table, position=position, rows=table_rows(source, position))


def headless_pipe_tables(blanked: str, start: Position) -> tuple[Position, ...]:
    """Where a block after `start` opens with a pipe table's line of dashes: pandoc's pipe tables
    cannot leave out the header row, so it reads such a table as a paragraph of bars and dashes
    (code blocks and comments are left out of the search)."""
    lines = blanked.split("\n")
    return tuple((i + 1, indent(lines[i]) + 1) for i in range(start[0] - 1, len(lines))
                 if "|" in lines[i] and PIPE_RULE.match(lines[i]) and (i == 0 or not lines[i - 1].strip()))
