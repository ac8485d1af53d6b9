"""The office booklet (print/<name>.booklet.pdf), read from the real files: its sheets, the order
of its pages by their footers' numbers, its padding, its margins, and verify reading it back."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import FIXTURES, REPO, copied_with, publish

from pipeline.base.languages import direction
from pipeline.render.office_booklet import sides
from pipeline.render.pdf_text import page_runs
from pipeline.source.theme import Theme, labels
from pipeline.verify.read_booklet import drawn_forms

NECK = "b12-neck-stiffness"
A4_LANDSCAPE = [0.0, 0.0, 841.89, 595.28]
MM = 72 / 25.4


def with_booklets(source: Path, root: Path, *names: str, extra: str = "") -> Path:
    """A copy of a project with the office booklet asked for, built for `names` (PDF only)."""
    copied_with(source, root, f"print:\n  booklet: true\n{extra}")
    result = publish("build", *names, "--format", "pdf", project=root)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Path:
    return with_booklets(REPO, tmp_path_factory.mktemp("office") / "english", NECK, "b12-tests-and-treatment")


@pytest.fixture(scope="module")
def arabic(tmp_path_factory) -> Path:
    return with_booklets(FIXTURES / "translations", tmp_path_factory.mktemp("office") / "arabic")  # every language


def footer(form) -> str:
    """A page's running footer: its text marked as an artifact."""
    return " ".join(run.text for _, run in page_runs(form) if run.furniture)


def footer_number(form, lang: str) -> int | None:
    """The page number a page's footer ends with ("Page 3"), None when it has none."""
    found = re.search(rf"{re.escape(labels(Theme.of(REPO), lang).plain('page'))}\s+(\d+)\s*$", footer(form))
    return int(found.group(1)) if found else None


def printed_order(path: Path, lang: str = "en") -> list[tuple[int | None, int | None]]:
    with pikepdf.open(path) as pdf:
        found = []
        for side in pdf.pages:
            assert [float(x) for x in side.mediabox] == A4_LANDSCAPE
            left, right = (footer_number(form, lang) for form in drawn_forms(side))
            found.append((left, right))
        return found


def assert_saddle_stitched(order: list[tuple], right_to_left: bool = False) -> None:
    """Every numbered page where saddle stitching puts it, numbered from 1 without a gap; the pages
    without a number are the blanks and the back page, a cover."""
    pages = 2 * len(order)
    assert pages % 4 == 0
    for side, expected in zip(order, sides(pages, right_to_left), strict=True):
        assert all(found in (number, None) for found, number in zip(side, expected, strict=True)), (order, expected)
    numbers = sorted(number for side in order for number in side if number)
    assert numbers == list(range(1, len(numbers) + 1)) and pages not in numbers
    assert len(numbers) >= pages - 3, order  # no more than two blanks and the back page go unnumbered


def test_saddle_stitch_order() -> None:
    assert sides(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert sides(8, right_to_left=True) == [(1, 8), (7, 2), (3, 6), (5, 4)]
    assert sides(4) == [(4, 1), (2, 3)]


def test_the_booklet_s_sheets_print_its_pages_in_saddle_stitch_order(english: Path) -> None:
    path = english / "output" / "print" / f"{NECK}.booklet.pdf"
    order = printed_order(path)
    assert len(order) >= 4
    assert_saddle_stitched(order)
    with pikepdf.open(path) as pdf:  # a stapled booklet loses no page: no footer counts them
        assert not any(re.search(r"Page \d+ of", footer(form)) for side in pdf.pages for form in drawn_forms(side))


def test_a_booklet_adds_no_page_beyond_the_fours(english: Path, arabic: Path) -> None:
    """Its pages: the leaflet's, then the notes and blanks it lacks (fewer than 4), then the back part."""
    for path in [*(english / "output" / "print").glob("*.booklet.pdf"), *(arabic / "output" / "print").glob("*.booklet.pdf")]:
        name = path.name.removesuffix(".booklet.pdf")
        assert padding_of(path, name.partition(".")[2] or "en") < 4


def test_every_amount_of_padding_is_met_and_right(tmp_path: Path) -> None:
    """The same article made longer a paragraph at a time, until a booklet has lacked 0, 1, 2 and 3 pages."""
    from pipeline.examine.project import check_project
    from pipeline.render.office_booklet import render_office_booklet

    checked = check_project(REPO, (NECK,), jobs=1)
    project, document = checked.project, checked.articles[0].document
    added: dict[int, int] = {}
    filler = "<p>" + "A sentence that makes the leaflet longer, to fill some lines of its pages. " * 6 + "</p>"
    for paragraphs in range(0, 40, 2):  # about 12 lines a step, 3 steps a page
        longer = dataclasses.replace(document, body=document.body + filler * paragraphs)
        path = tmp_path / f"{paragraphs}.pdf"
        path.write_bytes(render_office_booklet(longer, project.publication, project.theme, project.manuscripts))
        added.setdefault(padding_of(path, "en"), paragraphs)
        if len(added) == 4:
            break
    assert sorted(added) == [0, 1, 2, 3], added


def test_the_same_booklet_is_the_same_bytes() -> None:
    from pipeline.examine.project import check_project
    from pipeline.render.office_booklet import render_office_booklet

    checked = check_project(REPO, (NECK,), jobs=1)
    project, document = checked.project, checked.articles[0].document
    made = [render_office_booklet(document, project.publication, project.theme, project.manuscripts) for _ in range(2)]
    assert made[0] == made[1]


def padding_of(path: Path, lang: str) -> int:
    """How many pages a booklet was padded with, proving them the notes then blanks, just before
    its back part, and fewer than the four that would make a whole sheet of nothing."""
    from pipeline.verify.read_booklet import booklet_pages

    words = labels(Theme.of(REPO), lang)
    pages = booklet_pages(path, right_to_left=direction(lang) == "rtl")
    notes = [number for number, text in enumerate(pages) if text.startswith(words.plain("notes-title"))]
    blanks = [number for number, text in enumerate(pages) if text == ""]
    back = next(number for number, text in enumerate(pages) if text.startswith(words.plain("about-leaflet")))
    padding = notes + blanks
    assert len(pages) % 4 == 0 and len(padding) < 4, (path.name, len(pages), padding)
    assert padding == list(range(back - len(padding), back)), path.name  # notes first, blanks, then the back part
    return len(padding)


def test_the_pages_it_lacks_are_notes_then_blanks_before_the_back_page(english: Path) -> None:
    from pipeline.verify.read_booklet import booklet_pages

    pages = booklet_pages(english / "output" / "print" / f"{NECK}.booklet.pdf", right_to_left=False)
    notes = next(number for number, text in enumerate(pages) if text.startswith("Notes and questions for your appointment"))
    assert pages[-1].startswith("About this leaflet")  # the back page
    assert all(text == "" for text in pages[notes + 1:-1])  # blanks only between the notes and the back page
    assert "Medical disclaimer" in pages[notes - 1]  # the notes follow the leaflet's content


def test_the_last_part_fits_the_back_page_but_in_urdu_s_tall_lines(arabic: Path) -> None:
    """Six languages' booklets, their last part naming six languages: set a size smaller beside a
    smaller QR code, it fits the back page; Urdu's (line height 2.1) starts a page earlier."""
    from pipeline.verify.read_booklet import booklet_pages

    for path in sorted((arabic / "output" / "print").glob("*.booklet.pdf")):
        lang = path.name.split(".")[1] if path.name.count(".") == 3 else "en"
        pages = booklet_pages(path, right_to_left=direction(lang) == "rtl")
        about = next(number for number, text in enumerate(pages) if text.startswith(labels(Theme.of(REPO), lang).plain("about-leaflet")))
        assert about == len(pages) - (2 if lang == "ur" else 1), (path.name, about, len(pages))


def test_nothing_is_printed_within_10_mm_of_the_sheet_s_edge(english: Path) -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(english / "output" / "print" / f"{NECK}.booklet.pdf")
    band = round(10 * MM)  # at 72 dpi, a pixel a point
    for index in range(len(document)):
        image = document[index].render(scale=1).to_pil().convert("L")
        width, height = image.size
        edges = [image.crop(box) for box in ((0, 0, width, band), (0, height - band, width, height),
                                               (0, 0, band, height), (width - band, 0, width, height))]
        assert all(edge.getextrema()[0] >= 250 for edge in edges), f"ink near the edge of side {index + 1}"
        assert image.crop((band, band, width - band, height - band)).getextrema()[0] < 100  # and there is text inside


def test_a_right_to_left_booklet_binds_on_the_right(arabic: Path) -> None:
    order = printed_order(arabic / "output" / "print" / "b12-joint-stiffness.ar.booklet.pdf", "ar")
    assert_saddle_stitched(order, right_to_left=True)
    assert order[0][0] == 1  # the front on the left


def test_verify_reads_the_booklet_back_and_finds_a_wrong_one(english: Path) -> None:
    result = publish("verify", NECK, project=english)  # web and EPUB were not built: only the booklet matters here
    assert "office booklet" in result.output and "[office booklet]" not in result.output, result.output
    booklets = english / "output" / "print"
    shutil.copy(booklets / f"{NECK}.booklet.pdf", booklets / "kept.pdf")
    try:
        other = with_booklets(REPO, english.parent / "other", "b12-joint-stiffness")
        shutil.copy(other / "output" / "print" / "b12-joint-stiffness.booklet.pdf", booklets / f"{NECK}.booklet.pdf")
        wrong = publish("verify", NECK, project=english)
        assert wrong.exit_code == 1
        assert f"difference: {NECK} [office booklet] title: expected 'Can low vitamin B12 cause a stiff neck?'" in wrong.output
        (booklets / f"{NECK}.booklet.pdf").unlink()
        gone = publish("verify", NECK, project=english)
        assert f"[office booklet] file: expected 'output/print/{NECK}.booklet.pdf', found 'missing'" in gone.output
    finally:
        shutil.move(booklets / "kept.pdf", booklets / f"{NECK}.booklet.pdf")


def test_a_letter_publication_prints_half_letter_pages_on_letter(tmp_path: Path) -> None:
    root = tmp_path / "letter"
    shutil.copytree(REPO / "manuscripts", root / "manuscripts")
    config = root / "manuscripts" / "publication.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "leaflet:\n  page-size: letter\nprint:\n  booklet: true\n",
                      encoding="utf-8")
    assert publish("build", NECK, "--format", "pdf", project=root).exit_code == 0
    with pikepdf.open(root / "output" / "print" / f"{NECK}.booklet.pdf") as pdf:
        assert [float(x) for x in pdf.pages[0].mediabox] == [0.0, 0.0, 792.0, 612.0]
        form = drawn_forms(pdf.pages[0])[0]
        assert [round(float(x)) for x in form.BBox] == [0, 0, 396, 612]  # a half-Letter page, 5.5 by 8.5 inches


def test_asking_for_booklets_makes_the_booklets_and_nothing_else(built_samples: Path, tmp_path: Path) -> None:
    from pipeline.build.run import build

    root = tmp_path / "built"
    shutil.copytree(built_samples, root)
    config = root / "manuscripts" / "publication.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "print:\n  booklet: true\n", encoding="utf-8")
    result = build(root, formats=("pdf",))
    assert sorted(result.written) == [f"print/{name}.booklet.pdf" for name in
                                      ("b12-joint-stiffness", "b12-neck-stiffness", "b12-tests-and-treatment")]
    config.write_text(config.read_text(encoding="utf-8") + "  paper: letter\n", encoding="utf-8")
    assert len(build(root, formats=("pdf",)).written) == 3  # the booklets again, on Letter; the leaflets stay
    config.write_text(config.read_text(encoding="utf-8").replace("  booklet: true\n", "  booklet: false\n"),
                      encoding="utf-8")
    assert build(root, formats=("pdf",)).written == []  # no longer asked for: removed, and nothing else made
    assert not list((root / "output" / "print").glob("*.booklet.pdf"))  # the booklet's print edition stays
    manifest = json.loads((root / "output" / "manifest.json").read_text(encoding="utf-8"))
    assert [path for path in manifest["outputs"] if path.startswith("print/")] == ["print/vitamin-b12.pdf"]


def test_no_booklet_unless_asked_and_its_keys_are_checked(project: Path) -> None:
    assert publish("build", "--format", "pdf", project=project).exit_code == 0
    assert not (project / "output" / "print").exists()
    config = project / "manuscripts" / "publication.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "print:\n  bookelt: true\n  paper: A3\n", encoding="utf-8")
    result = publish("check", project=project)
    assert result.exit_code == 1
    assert "publication.yaml:17:3: error: unknown field 'bookelt' in 'print', so its value is lost: did you mean 'booklet'?" in result.output
    assert "'paper' of 'print': Input should be 'A4' or 'letter' (found 'A3')" in result.output
