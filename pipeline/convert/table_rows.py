"""A pipe or grid table's rows as the Markdown writes them, cell by cell.

Pandoc reads a pipe table row with fewer cells than the table has columns as blank cells,
and drops the text of the cells beyond them; a grid table row whose bars do not stand on
the table's column lines it reads as some other shape. Neither says so. The rows as written,
each with its number of cells and where it stands, let check name every such row.
"""

from __future__ import annotations

import re

from pipeline.convert.facts import Position, SourceRow
from pipeline.source.text import SourceText

PIPE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")  # |---|:--:|
GRID_RULE = re.compile(r"^\s*\+(?:[-=:]+\+)+\s*$")  # +---+===+
CODE_SPAN = re.compile(r"(`+).*?\1")


def table_rows(source: SourceText, start: Position) -> tuple[SourceRow, ...]:
    """The rows of the pipe or grid table whose block holds `start`; () for any other table."""
    lines = source.text.split("\n")
    first, last = block_around(lines, start[0] - 1)
    block = list(range(first, last))
    rules = [i for i in block if PIPE_RULE.match(lines[i]) and "|" in lines[i] or GRID_RULE.match(lines[i])]
    if not rules:
        return ()
    if GRID_RULE.match(lines[rules[0]]):
        return grid_rows(lines, block, lines[rules[0]])
    return pipe_rows(lines, block, rules[0])


def block_around(lines: list[str], index: int) -> tuple[int, int]:
    """The lines of the blank-line-delimited block that holds line `index` (0-based)."""
    first, last = index, index
    while first > 0 and lines[first - 1].strip():
        first -= 1
    while last < len(lines) and lines[last].strip():
        last += 1
    return first, last


def pipe_rows(lines: list[str], block: list[int], rule: int) -> tuple[SourceRow, ...]:
    columns = len(pipe_cells(lines[rule]))
    rows = [i for i in block if i != rule and "|" in lines[i] and not lines[i].lstrip().startswith(":")]
    return tuple(SourceRow(len(pipe_cells(lines[i])), columns, (i + 1, indent(lines[i]) + 1)) for i in rows)


def pipe_cells(line: str) -> list[str]:
    """A pipe table line's cells: split at each bar that is not escaped or in code."""
    text = CODE_SPAN.sub(lambda span: "x" * len(span.group()), line.strip())
    cells = re.split(r"(?<!\\)\|", text)
    if text.startswith("|"):
        cells = cells[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        cells = cells[:-1]
    return cells


def grid_rows(lines: list[str], block: list[int], border: str) -> tuple[SourceRow, ...]:
    """Each content line whose bars leave the column lines the border draws (a cell may span
    columns, so a missing bar is no fault; a bar off the lines, or text past the last, is)."""
    stops = [i for i, char in enumerate(border) if char == "+"]
    found = []
    for i in block:
        line = lines[i].rstrip()
        if not line.lstrip().startswith("|"):
            continue
        bars = [j for j, char in enumerate(line) if char == "|" and (j == 0 or line[j - 1] != "\\")]
        fits = set(bars) <= set(stops) and len(line) <= stops[-1] + 1
        cells = len(stops) - 1 if fits else len(bars) - 1 + (len(line) > bars[-1] + 1)
        found.append(SourceRow(cells, len(stops) - 1, (i + 1, indent(line) + 1)))
    return tuple(found)


def indent(line: str) -> int:
    return len(line) - len(line.lstrip())
