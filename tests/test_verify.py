"""publish verify: untouched outputs pass; each kind of tampering fails and is named."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import publish

JOINT = "b12-joint-stiffness"


@pytest.fixture
def built(built_samples: Path, tmp_path: Path) -> Path:
    """A private copy of the built samples, free to tamper with."""
    root = tmp_path / "built"
    shutil.copytree(built_samples, root)
    return root


def rewrite_epub_chapter(epub: Path, chapter: str, edit) -> None:
    with zipfile.ZipFile(epub) as archive:
        entries = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(epub, "w") as archive:
        for info, data in entries:
            if info.filename == chapter:
                changed = edit(data.decode("utf-8"))
                assert changed != data.decode("utf-8"), "the tampering must change something"
                data = changed.encode("utf-8")
            archive.writestr(info, data)


def edit_file(path: Path, edit) -> None:
    text = path.read_text(encoding="utf-8")
    changed = edit(text)
    assert changed != text, "the tampering must change something"
    path.write_text(changed, encoding="utf-8")


def verify_output(root: Path, *slugs: str):
    result = publish("verify", *slugs, project=root)
    return result.exit_code, result.output


@pytest.mark.parametrize("project", ["built_samples", "built_other"])
def test_untouched_outputs_pass(project: str, request) -> None:
    root = request.getfixturevalue(project)
    code, output = verify_output(root)
    assert code == 0, output
    assert "difference:" not in output
    assert re.search(r"verified \d articles in \d+ outputs \(braille, epub [a-z0-9-]+, (?:page list [a-z0-9-]+, )?pdf, "
                     r"pdf large print, web\): "
                     r"\d+ elements checked, 0 differences", output), output


def test_dropped_table_row_in_epub(built: Path) -> None:
    rewrite_epub_chapter(built / "output" / "epub" / "vitamin-b12.epub", f"EPUB/{JOINT}.xhtml",
                         lambda xhtml: re.sub(r"<tr>\s*<td>How long it lasts</td>.*?</tr>", "", xhtml, count=1, flags=re.S))
    code, output = verify_output(built, JOINT)
    assert code == 1
    assert f"difference: {JOINT} [epub vitamin-b12] table 1 rows: expected '4 items', found '3 items'" in output
    assert f"{JOINT} [epub vitamin-b12] table 1 row 2 cell 1: expected 'How long it lasts', found 'What causes it'" in output
    assert "[web]" not in output and "[pdf]" not in output


def test_changed_disclaimer_word_on_web_page(built: Path) -> None:
    edit_file(built / "output" / "web" / f"{JOINT}.html",
              lambda html: html.replace("It is not medical advice", "It is not professional advice", 1))
    code, output = verify_output(built, JOINT)
    assert code == 1
    line = next(line for line in output.splitlines() if line.startswith(f"difference: {JOINT} [web] disclaimer: "))
    assert re.fullmatch(r".*expected '….*It is not medical advice.*…', found '….*It is not professional advice.*…'", line)
    assert output.count("difference:") == 1


def test_removed_faq_item_on_web_page(built: Path) -> None:
    edit_file(built / "output" / "web" / f"{JOINT}.html",
              lambda html: re.sub(r"<dt>Can low B12 lead to inflammation\?</dt>\s*<dd>.*?</dd>", "", html, count=1, flags=re.S))
    code, output = verify_output(built, JOINT)
    assert code == 1
    assert f"difference: {JOINT} [web] FAQ items: expected '7 items', found '6 items'" in output


def test_renumbered_citation_in_epub(built: Path) -> None:
    def renumber(xhtml: str) -> str:
        return re.sub(r'(<span id="cite-2"[^>]*>\[<a [^>]*>)2(</a>\])', r"\g<1>3\g<2>", xhtml, count=1)

    rewrite_epub_chapter(built / "output" / "epub" / "vitamin-b12.epub", f"EPUB/{JOINT}.xhtml", renumber)
    code, output = verify_output(built, JOINT)
    assert code == 1
    assert f"difference: {JOINT} [epub vitamin-b12] citation 2: expected '[2]', found '[3]'" in output
    assert f"{JOINT} [epub vitamin-b12] citation link 1: expected '(none)', found \"citation link '3' reaches entry 2\"" in output


def test_another_articles_pdf(built: Path) -> None:
    pdf = built / "output" / "pdf"
    shutil.copy(pdf / "b12-neck-stiffness.pdf", pdf / f"{JOINT}.pdf")
    code, output = verify_output(built, JOINT)
    assert code == 1
    assert (f"difference: {JOINT} [pdf] title: expected 'Can low vitamin B12 cause joint stiffness?', "
            "found 'Can low vitamin B12 cause a stiff neck?'") in output
    assert f"{JOINT} [pdf large print]" not in output


def test_pdf_rebuilt_with_a_changed_table_cell(built: Path) -> None:
    from pipeline.examine.project import check_project
    from pipeline.render.leaflet import lay_out, leaflet_html

    checked = check_project(built, (JOINT,))
    document, folder, styles = checked.good[0].document, built / "manuscripts", checked.project.theme
    html = leaflet_html(document, checked.project.publication, "standard", "A4", styles)
    changed = html.replace("<td>Wear of the cartilage over time</td>", "<td>Wear of the bones over time</td>")
    assert changed != html
    (built / "output" / "pdf" / f"{JOINT}.pdf").write_bytes(lay_out(changed, "standard", styles, folder))
    code, output = verify_output(built, JOINT)
    assert code == 1
    assert (f"difference: {JOINT} [pdf] table 1 row 3 cell 3: expected 'Wear of the cartilage over time', "
            "found 'Wear of the bones over time'") in output


def test_missing_output_is_a_difference(built: Path) -> None:
    (built / "output" / "pdf" / f"{JOINT}.large-print.pdf").unlink()
    code, output = verify_output(built, JOINT)
    assert code == 1
    assert f"difference: {JOINT} [pdf large print] file: expected 'output/pdf/{JOINT}.large-print.pdf', found 'missing'" in output


def test_report_lists_what_was_checked(built: Path, tmp_path: Path) -> None:
    edit_file(built / "output" / "web" / f"{JOINT}.html", lambda html: html.replace("<h1 id=\"article-title\">Can", "<h1 id=\"article-title\">Could", 1))
    report = tmp_path / "verify.json"
    result = publish("verify", JOINT, "--report", str(report), project=built)
    assert result.exit_code == 1
    data = json.loads(report.read_text())
    assert data["differences"][0] == {"article": JOINT, "format": "web", "element": "title",
                                      "expected": "Can low vitamin B12 cause joint stiffness?",
                                      "found": "Could low vitamin B12 cause joint stiffness?"}
    assert {entry["format"] for entry in data["checked"]} == {"web", "pdf", "pdf large print", "epub vitamin-b12", "braille",
                                                             "page list vitamin-b12"}
    assert all(entry["elements"] > 20 for entry in data["checked"])
    assert set(data["seconds"]) == {JOINT}


def test_tables_side_by_side_without_captions_or_header_rows_stay_apart(tmp_path: Path) -> None:
    """Two tables next to each other, without captions or header rows, are two tables in the
    leaflet's tags (a table broken across pages is one), and verify reads each back as written."""
    import pikepdf
    from conftest import FIXTURES, build_copy

    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "base" / "manuscripts", root / "manuscripts")
    shutil.copy(FIXTURES / "verify-tables" / "manuscripts" / "tables.md", root / "manuscripts")
    build_copy(root, tmp_path / "built")
    with pikepdf.open(tmp_path / "built/output/pdf/tables.pdf") as pdf:
        tables = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Table"]
        assert len(tables) == 4
    result = publish("verify", "tables", project=tmp_path / "built")
    assert result.exit_code == 0 and "0 differences" in result.output, result.output
