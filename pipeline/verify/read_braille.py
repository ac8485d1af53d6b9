"""Read a braille file back: the BRF's ASCII braille as cells, without what a transcriber adds
to the text: each page's last line (its braille page number), the print page number at the
right of its first line, and the lines that mark where a print page begins.

verify finds every element the article must show in those cells, in order: the element's text
in braille (translated as the braille files are, through liblouis), white space aside, so that
a word divided at a line's end is found whole; and the whole file must read back (liblouis's
back-translation) as text."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.base.braille import BLANK, read_back, translated
from pipeline.render.braille import FORM_FEED, LINE_END, PAGE_CHANGE, cells_of_ascii, continuation


def braille_cells(path: Path, table: str) -> str:
    """The file's cells, its lines joined by a blank cell, without the numbers that begin a
    numbered list's items (a leaflet prints them as markers, outside the text it is read by)."""
    pages = path.read_bytes().decode("ascii").split(FORM_FEED)
    numbers, labels = list_numbers(table), print_page_labels(table)
    lines = [line for page in pages if page for line in text_lines(page, labels)]
    return BLANK.join(without_list_number(line, numbers) for line in lines)


def text_lines(page: str, labels: frozenset[str]) -> list[str]:
    lines = [cells_of_ascii(line) for line in page.split(LINE_END)[:-2]]  # the number line, and ""
    if lines:
        lines[0] = without_print_page(lines[0], labels)
    return [line for line in lines if not line.startswith(PAGE_CHANGE * 10)]


def without_print_page(line: str, labels: frozenset[str]) -> str:
    """A page's first line without the print page number at its right (three blank cells or
    more after the text, or alone)."""
    text, gap, last = line.rpartition(BLANK * 3)
    return text.rstrip(BLANK) if gap and last in labels else line


@lru_cache(maxsize=8)
def print_page_labels(table: str) -> frozenset[str]:
    """The cells of print page numbers 1 to 99, with continuation letters up to d."""
    return frozenset(translated(continuation(count) + str(number), table)
                     for number in range(1, 100) for count in range(5))


def without_list_number(line: str, numbers: frozenset[str]) -> str:
    first, _, rest = line.lstrip(BLANK).partition(BLANK)
    return rest if first in numbers else line


@lru_cache(maxsize=8)
def list_numbers(table: str) -> frozenset[str]:
    return frozenset(translated(f"{number}.", table) for number in range(1, 100))


def reads_back(cells: str, table: str) -> bool:
    """Whether the cells back-translate to text (a table that cannot read braille back gives
    nothing). Cells of the English braille that Latin runs are written in read back as escapes
    in a table without Latin letters (ur-pk-g1), so those are not held against the file."""
    return bool(read_back(cells, table).strip())


def as_spaced(cells: str) -> str:
    """Cells with blank cells as spaces, as the comparison squeezes white space."""
    return cells.replace(BLANK, " ")


def element_cells(text: str, table: str) -> str:
    return as_spaced(translated(text, table))
