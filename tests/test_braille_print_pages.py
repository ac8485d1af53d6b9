"""Print page numbers in braille: each page of the standard leaflet marked where it begins (a
line of dots 3-6 ending in its number), and the print page each braille page begins in at the
right of its first line. Read from the real BRF files and leaflets."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from conftest import FIXTURES, REPO, copied_with, publish

from pipeline.base.braille import BLANK, TABLES, read_back, table_for, translated
from pipeline.render.braille import Block, PageChange, cells_of_ascii, paginate, with_page_changes
from pipeline.render.pdf_text import page_runs
from pipeline.render.print_pages import PageStart, keyed, page_starts
from pipeline.verify.read_braille import braille_cells

NECK = "b12-neck-stiffness"
ARABIC = "b12-joint-stiffness.ar"
INDICATOR = re.compile(r"^-{20,}(#[A-J]+)$")  # dots 3-6 across, the print page's number at the right
LABEL = re.compile(r"^(.*?)(?: {3,}|^ *)([A-Z]*)(#[A-J]+)$")  # a first line's text, then the continuation letter and number


def built(source: Path, root: Path, *names: str, extra: str = "", formats: str = "pdf,braille") -> Path:
    result = publish("build", *names, "--format", formats, project=copied_with(source, root, extra))
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Path:
    return built(REPO, tmp_path_factory.mktemp("print-pages") / "english", NECK)


@pytest.fixture(scope="module")
def arabic(tmp_path_factory) -> Path:
    return built(FIXTURES / "translations", tmp_path_factory.mktemp("print-pages") / "arabic", ARABIC,
                 formats="web,pdf,epub,braille")  # all of them, for verify


def brf_pages(path: Path) -> list[list[str]]:
    return [page.split("\r\n")[:-1] for page in path.read_bytes().decode("ascii").split("\f")[:-1]]


def number_of(ascii_number: str) -> int:
    """A braille number ("#BC") as an integer (23): the letters a to j are the digits 1 to 0."""
    return int("".join(str((ord(letter) - ord("A") + 1) % 10) for letter in ascii_number[1:]))


def leaflet_pages(path: Path) -> list[str]:
    """Each page's content as letters and digits (the running footer left out)."""
    with pikepdf.open(path) as pdf:
        return [keyed("".join(run.text for _, run in page_runs(page) if not run.furniture)) for page in pdf.pages]


def marked_starts(pages: list[list[str]], table: str) -> list[tuple[int, str]]:
    """Where each print page after the first begins, by its number and the text that follows (to the
    braille page's end) read back: at an indicator line, or at the top of a braille page whose
    first line gives the number alone (no continuation letter)."""
    found = []
    for page in pages:
        top = LABEL.match(page[0])
        if top and not top[2] and number_of(top[3]) > 1:
            found.append((number_of(top[3]), read_back(BLANK.join(map(cells_of_ascii, [top[1], *page[1:-1]])), table)))
        for index, line in enumerate(page[:-1]):
            if match := INDICATOR.match(line):
                after = BLANK.join(cells_of_ascii(rest) for rest in page[index + 1:-1])
                found.append((number_of(match[1]), read_back(after, table)))
    return found


def test_each_print_page_is_marked_where_it_begins_in_english(english: Path) -> None:
    pages = brf_pages(english / "output" / "braille" / f"{NECK}.brf")
    leaflet = leaflet_pages(english / "output" / "pdf" / f"{NECK}.pdf")
    marked = marked_starts(pages, TABLES["en"])
    # Every page but the last, which holds only what braille leaves out ("About this leaflet", the contacts).
    assert [number for number, _ in marked] == list(range(2, len(leaflet))), marked
    for number, after in marked:
        opening = keyed(" ".join(after.split()[:5]))
        assert leaflet[number - 1].startswith(opening), (number, after[:80], leaflet[number - 1][:80])
        assert not leaflet[number - 2].endswith(opening)


def test_a_page_beginning_inside_a_paragraph_divides_it_at_that_word() -> None:
    """page_starts finds each page's opening among the blocks' print texts (passing over a run the
    braille does not hold, and a bullet); with_page_changes divides a block there when its braille
    has a word for each print word, and puts the change after it otherwise (Chinese, unspaced)."""
    table = TABLES["en"]
    texts = ["Why B12 matters", "B12 keeps your nerves healthy and helps your body make red blood cells.",
             "Nerves are wrapped in a coating called myelin."]
    blocks = [Block(translated(text, table), text=text) for text in texts]
    openings = [["Why B12 matters", "B12 keeps your nerves healthy and"],
                ["A picture's caption that braille leaves out", "\u2022", "helps your body make red blood",
                 "cells."],
                ["Nerves are wrapped in a coating", "called myelin."]]
    starts = page_starts(texts, openings)
    assert [(start.number, start.block, start.word) for start in starts] == [(2, 1, 6), (3, 2, 0)]
    changed = with_page_changes(blocks, starts)
    assert [type(item).__name__ for item in changed] == ["Block", "Block", "PageChange", "Block", "PageChange", "Block"]
    first, rest = changed[1], changed[3]
    assert read_back(first.cells, table) == "B12 keeps your nerves healthy and"
    assert read_back(rest.cells, table).startswith("helps your body") and rest.first == rest.runover
    chinese = Block(translated("维生素B12帮助身体", "zh-chn.ctb"), text="维生素B12帮助身体 制造血细胞")
    kept = with_page_changes([chinese], [PageStart(2, 0, 1)])
    assert kept == [chinese, PageChange(2)]


def test_each_braille_page_names_the_print_page_it_begins_in_at_its_top_right(english: Path) -> None:
    """The first line ends with the print page in effect there: its number alone on the braille page
    it begins at the top of, after a continuation letter (a, b...) on each braille page after that."""
    pages = brf_pages(english / "output" / "braille" / f"{NECK}.brf")
    current, letter = 0, None  # the print page in effect (none before the first), the letter its last braille page showed
    for number, page in enumerate(pages, start=1):
        match = LABEL.match(page[0])
        assert match and len(page[0]) == 40, (number, page[0])
        shown, continued = number_of(match[3]), match[2]
        if shown != current:  # a page that began at this page's top: no indicator line, the number alone
            assert (shown, continued) == (current + 1, ""), (number, page[0])
        else:
            assert continued == ("A" if letter is None else chr(ord(letter) + 1)), (number, page[0])
        current, letter = shown, continued or None
        for line in page[1:-1]:
            if change := INDICATOR.match(line):
                assert number_of(change[1]) == current + 1
                current, letter = current + 1, None
            assert not LABEL.match(line) or not line.startswith(" " * 30)  # the number is on the first line only
        assert not INDICATOR.match(page[-2]), "an indicator on a page's last line"


def test_arabic_braille_marks_its_print_pages_and_verify_reads_past_them(arabic: Path) -> None:
    table = table_for("ar")
    pages = brf_pages(arabic / "output" / "braille" / f"{ARABIC}.brf")
    leaflet = leaflet_pages(arabic / "output" / "pdf" / f"{ARABIC}.pdf")
    marked = marked_starts(pages, table)
    assert len(marked) >= len(leaflet) - 2 and [n for n, _ in marked] == sorted({n for n, _ in marked}), marked
    for number, after in marked:
        # A page may begin in a table, whose braille gives each cell after its column's heading; and the
        # Arabic table reads Latin letters back as other letters: the first Arabic word must be on the page.
        after = after.split(":", 1)[1] if ":" in after[:40] else after
        words = [keyed(word) for word in after.split()[:2]]
        opening = "".join(words[:2] if words[1].isalpha() else words[:1])
        assert opening.isalpha() and len(opening) > 3 and opening in leaflet[number - 1], (number, after[:80])
    text = braille_cells(arabic / "output" / "braille" / f"{ARABIC}.brf", table)
    assert "\u2824" * 10 not in text and translated("2", table) not in text.split(BLANK)[:3]
    assert publish("verify", ARABIC, project=arabic).exit_code == 0


def test_a_page_change_is_never_a_page_s_last_line_and_at_a_page_s_top_is_its_number_alone() -> None:
    """Four-cell words, four to a 20-cell line; 10 lines a page: the print page number's line, 8
    lines of text, the braille page number's."""
    def text(lines: int) -> str:
        return BLANK.join("\u2801\u2803\u2809\u2819" for _ in range(4 * lines))

    def cells(number: str) -> str:
        return "\u283c" + "".join(chr(0x2800 + int(digit)) for digit in number)

    blocks = [Block(text(8), 0, 0), PageChange(2), Block(text(7), 0, 0), PageChange(3), Block(text(3), 0, 0),
              PageChange(4), Block(text(1), 0, 0)]
    pages = paginate(blocks, 20, 10, cells, print_pages=True)
    assert len(pages) == 3 and all(len(page) == 10 and all(len(line) <= 20 for line in page) for page in pages)
    assert [page[0] for page in pages] == [BLANK * 18 + cells(number) for number in "123"]  # no letter: each begins there
    assert pages[1][8] == ""  # page 3 began on page 2's last line: it waits for page 3's top, where its number says it
    assert pages[2][4] == "\u2824" * 18 + cells("4") and pages[2][5] == text(1)
    assert pages[0][-1] == BLANK * 18 + cells("1")
    plain = paginate(blocks, 20, 10, cells)
    assert plain[0][0] == text(8)[:19] and not any("\u2824" * 10 in line for page in plain for line in page)


def test_print_pages_can_be_turned_off(tmp_path: Path) -> None:
    root = built(REPO, tmp_path, NECK, extra="\nbraille:\n  print-pages: false\n")
    pages = brf_pages(root / "output" / "braille" / f"{NECK}.brf")
    assert not any(INDICATOR.match(line) for page in pages for line in page)
    assert pages[0][0].strip() != "#A"
