"""The office booklet (print/<name>.booklet.pdf), read from the real files: its sheets, the order
of its pages by their footers' numbers, its padding, its margins, and verify reading it back."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import FIXTURES, REPO, publish

from pipeline.render.office_booklet import sides
from pipeline.verify.read_booklet import drawn_forms
from pipeline.verify.read_pdf import page_runs

NECK = "b12-neck-stiffness"
A4_LANDSCAPE = [0.0, 0.0, 841.89, 595.28]
MM = 72 / 25.4


def with_booklets(source: Path, root: Path, *names: str, extra: str = "") -> Path:
    """A copy of a project with the office booklet asked for, built for `names` (PDF only)."""
    shutil.copytree(source / "manuscripts", root / "manuscripts")
    config = root / "manuscripts" / "publication.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"print:\n  booklet: true\n{extra}", encoding="utf-8")
    result = publish("build", *names, "--format", "pdf", project=root)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Path:
    return with_booklets(REPO, tmp_path_factory.mktemp("office") / "english", NECK)


@pytest.fixture(scope="module")
def arabic(tmp_path_factory) -> Path:
    return with_booklets(FIXTURES / "translations", tmp_path_factory.mktemp("office") / "arabic", "b12-joint-stiffness.ar")


def footer_numbers(form) -> tuple[int, int]:
    """(page, pages) from a page's running footer: its last two numbers ("Page 3 of 12")."""
    footer = " ".join(run.text for mcid, run in page_runs(form) if mcid is None)
    *_, page, pages = re.findall(r"\d+", footer)
    return int(page), int(pages)


def printed_order(path: Path) -> list[tuple[int, int]]:
    with pikepdf.open(path) as pdf:
        found = []
        for side in pdf.pages:
            assert [float(x) for x in side.mediabox] == A4_LANDSCAPE
            left, right = (footer_numbers(form)[0] for form in drawn_forms(side))
            found.append((left, right))
        return found


def test_saddle_stitch_order() -> None:
    assert sides(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert sides(8, right_to_left=True) == [(1, 8), (7, 2), (3, 6), (5, 4)]
    assert sides(4) == [(4, 1), (2, 3)]


def test_the_booklet_s_sheets_print_its_pages_in_saddle_stitch_order(english: Path) -> None:
    path = english / "output" / "print" / f"{NECK}.booklet.pdf"
    order = printed_order(path)
    pages = 2 * len(order)
    assert pages % 4 == 0 and pages >= 8
    assert order == sides(pages)
    with pikepdf.open(path) as pdf:
        assert all(footer_numbers(form)[1] == pages for side in pdf.pages for form in drawn_forms(side))


def test_the_pages_it_lacks_are_notes_then_blanks_before_the_back_page(english: Path) -> None:
    from pipeline.verify.read_booklet import booklet_pages

    pages = booklet_pages(english / "output" / "print" / f"{NECK}.booklet.pdf", right_to_left=False)
    notes = next(number for number, text in enumerate(pages) if text.startswith("Notes and questions for your appointment"))
    assert pages[-1].startswith("About this leaflet")  # the back page
    assert all(text == "" for text in pages[notes + 1:-1])  # blanks only between the notes and the back page
    assert "Medical disclaimer" in pages[notes - 1]  # the notes follow the leaflet's content


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
    order = printed_order(arabic / "output" / "print" / "b12-joint-stiffness.ar.booklet.pdf")
    assert order == sides(2 * len(order), right_to_left=True) and order[0][0] == 1  # the front on the left


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
    assert not list((root / "output" / "print").glob("*.pdf"))
    manifest = json.loads((root / "output" / "manifest.json").read_text(encoding="utf-8"))
    assert not [path for path in manifest["outputs"] if path.startswith("print/")] and manifest["outputs"]


def test_no_booklet_unless_asked_and_its_keys_are_checked(project: Path) -> None:
    assert publish("build", "--format", "pdf", project=project).exit_code == 0
    assert not (project / "output" / "print").exists()
    config = project / "manuscripts" / "publication.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "print:\n  bookelt: true\n  paper: A3\n", encoding="utf-8")
    result = publish("check", project=project)
    assert result.exit_code == 1
    assert "publication.yaml:17:3: error: unknown field 'bookelt' in 'print', so its value is lost: did you mean 'booklet'?" in result.output
    assert "'paper' of 'print': Input should be 'A4' or 'letter' (found 'A3')" in result.output
