"""The gates of WCAG 2.2 AA (web pages and EPUB chapters in Chromium), EPUBCheck and PDF/UA.

Every gate runs on every output of the three fixture projects (the samples; Spanish, German and
US English; translations into ar, ur, bn, zh-Hans and pl), and on a deliberately broken output
to show that it can fail.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest

from conftest import publish
from pipeline.gates import (axe_violations, epubcheck_messages, layout_problems,
                   pdf_problems, unpack_epub)

CLEAN = "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos"
PROJECTS = ["built_samples", "built_other", "built_translations"]


def web_pages(root: Path) -> list[Path]:
    return sorted((root / "output" / "web").rglob("*.html"))


# --- web ---------------------------------------------------------------------------------

@pytest.mark.parametrize("project", PROJECTS)
def test_web_pages_have_no_wcag_violations(project: str, page, request) -> None:
    for path in web_pages(request.getfixturevalue(project)):
        assert axe_violations(page, path.as_uri()) == [], path.name


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("project", PROJECTS)
def test_web_pages_fit_phone_and_desktop(project: str, width: int, page, request) -> None:
    for path in web_pages(request.getfixturevalue(project)):
        assert layout_problems(page, path.as_uri(), width) == [], path.name


def broken_copy(built_samples: Path, tmp_path: Path) -> Path:
    """A copy of the web folder, so that a broken page keeps its stylesheet and images."""
    shutil.copytree(built_samples / "output" / "web", tmp_path / "web")
    return tmp_path / "web" / "broken.html"


def test_axe_gate_fails_on_missing_alt_text_and_lang(built_samples: Path, tmp_path: Path, page) -> None:
    broken = broken_copy(built_samples, tmp_path)
    html = (built_samples / "output" / "web" / "b12-tests-and-treatment.html").read_text()
    html = re.sub(r'<img src="media/myelin-nerve.svg" alt="[^"]*"', '<img src="media/myelin-nerve.svg"', html)
    broken.write_text(html.replace('<html lang="en-GB" dir="ltr">', "<html>"))
    violations = axe_violations(page, broken.as_uri())
    assert [v.split(":")[0] for v in violations] == ["html-has-lang", "image-alt"]


def test_layout_gate_fails_on_a_table_that_runs_off_a_phone(built_samples: Path, tmp_path: Path, page) -> None:
    broken = broken_copy(built_samples, tmp_path)
    html = (built_samples / "output" / "web" / "b12-joint-stiffness.html").read_text()
    broken.write_text(html.replace('<div class="table-scroll"', '<div class="no-scroll"'))
    problems = layout_problems(page, broken.as_uri(), 375)
    assert any(p.startswith("page scrolls sideways") for p in problems)
    assert any("runs off the page" in p for p in problems)


# --- EPUB --------------------------------------------------------------------------------

@pytest.mark.parametrize("project", PROJECTS)
def test_epub_chapters_have_no_wcag_violations(project: str, page, request, tmp_path: Path) -> None:
    for epub in sorted((request.getfixturevalue(project) / "output" / "epub").glob("*.epub")):
        chapters = unpack_epub(epub, tmp_path / epub.stem)
        assert len(chapters) >= 3  # cover, title page and at least one article
        for chapter in chapters:
            assert axe_violations(page, chapter.as_uri()) == [], f"{epub.name}: {chapter.name}"


def test_epubcheck_gate_fails_on_a_broken_nav(built_samples: Path, tmp_path: Path) -> None:
    source = built_samples / "output" / "epub" / "vitamin-b12.epub"
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(broken, "w") as target:
        for info in archive.infolist():
            data = archive.read(info.filename)
            if info.filename == "EPUB/nav.xhtml":
                data = data.replace(b'href="b12-neck-stiffness.xhtml"', b'href="no-such-chapter.xhtml"')
            target.writestr(info, data)
    report = epubcheck_messages(broken)
    assert CLEAN not in report
    assert "no-such-chapter.xhtml" in report


def test_accessibility_metadata_is_truthful(built_other: Path) -> None:
    """The second project has no images: its booklet must not claim visual content or alt text."""
    with zipfile.ZipFile(built_other / "output" / "epub" / "all-articles.epub") as archive:
        opf = archive.read("EPUB/content.opf").decode()
    assert re.findall(r'<meta property="schema:accessMode">(\w+)</meta>', opf) == ["textual"]
    assert "alternativeText" not in opf
    assert '<meta property="schema:accessibilityHazard">none</meta>' in opf
    assert "tableHeaders" in opf  # the Spanish article has a table


# --- PDF ---------------------------------------------------------------------------------

def leaflets(root: Path) -> list[Path]:
    return sorted((root / "output" / "pdf").glob("*.pdf"))


@pytest.mark.parametrize("project", PROJECTS[:2])
def test_leaflets_pass_the_pdf_gate(project: str, request) -> None:
    paths = leaflets(request.getfixturevalue(project))
    assert len(paths) >= 4
    footer = "General information only" if project == "built_samples" else "Este folleto ofrece información general"
    labels = {"vitamina-d": "Página {page} de {pages}", "vitamin-d-knochen": "Seite {page} von {pages}"}
    for path in paths:
        label = labels.get(path.name.split(".")[0], "Page {page} of {pages}")
        assert pdf_problems(path, footer, label) == [], path.name


def test_translated_leaflets_pass_the_pdf_gate(built_translations: Path) -> None:
    """Footers in each leaflet's own language and script: its disclaimer wording and page label."""
    from pipeline.audit import leaflet_footer
    from pipeline.project import check_project

    checked = check_project(built_translations)
    documents = {article.slug: article.document for article in checked.articles}
    paths = leaflets(built_translations)
    assert len(paths) == 12
    for path in paths:
        name = path.name.removesuffix(".pdf").removesuffix(".large-print")
        footer, label = leaflet_footer(documents[name], checked.project.theme)
        assert pdf_problems(path, footer, label) == [], path.name
    arabic = built_translations / "output/pdf/b12-joint-stiffness.ar.pdf"
    english = leaflet_footer(documents["b12-joint-stiffness"], checked.project.theme)
    with pikepdf.open(arabic) as pdf:
        pages = len(pdf.pages)
    assert pdf_problems(arabic, *english) == [f"page {number} has no footer" for number in range(1, pages + 1)]


def test_split_table_is_one_table_with_its_header_once(built_samples: Path) -> None:
    with pikepdf.open(built_samples / "output" / "pdf" / "b12-tests-and-treatment.large-print.pdf") as pdf:
        from pipeline.gates import flatten, struct_roles

        tables = struct_roles(pdf)["/Table"]
        assert len(tables) == 3
        glossary = tables[-1] if len(list(flatten(tables[-1], "/TR"))) > 20 else tables[0]
        rows = [row for body in flatten(glossary, "/TBody") for row in flatten(body, "/TR")]
        assert len(rows) == 26
        assert len(list(flatten(glossary, "/THead"))) == 1


def test_pdf_gate_fails_on_a_table_without_header_cells(built_samples: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(built_samples / "output" / "pdf" / "b12-joint-stiffness.pdf") as pdf:
        from pipeline.gates import struct_roles

        for cell in struct_roles(pdf)["/TH"]:
            cell.S = pikepdf.Name.TD
        pdf.save(broken)
    assert "a table has no header cells" in pdf_problems(broken, "General information only")


def test_pdf_gate_fails_on_an_untagged_pdf_without_footer(tmp_path: Path) -> None:
    from weasyprint import HTML

    broken = tmp_path / "plain.pdf"
    HTML(string="<h1>Hello</h1>").write_pdf(broken)
    assert pdf_problems(broken, "General information only") == ["not a tagged PDF"]


# --- readability ----------------------------------------------------------------------------

def test_check_grades_each_language_with_its_own_formula(built_other: Path, tmp_path: Path) -> None:
    result = publish("check", project=built_other)
    grades = dict(re.findall(r"^([a-z0-9-]+): reading grade (\S+)$", result.output, flags=re.M))
    assert set(grades) == {"vitamina-d", "vitamin-d-knochen", "zinc-and-healing"}
    assert all(float(grade) <= 12 for grade in grades.values())
    french = tmp_path / "manuscripts"
    shutil.copytree(built_other / "manuscripts", french)
    source = (french / "zinc-and-healing.md").read_text().replace("lang: en-US", "lang: fr")
    (french / "zinc-and-healing.md").write_text(source)
    result = publish("check", "zinc-and-healing", project=tmp_path)
    assert "zinc-and-healing: reading grade not measured for this language" in result.output


def test_check_warns_above_the_target_grade(built_other: Path, tmp_path: Path) -> None:
    shutil.copytree(built_other / "manuscripts", tmp_path / "manuscripts")
    path = tmp_path / "manuscripts" / "vitamin-d-knochen.md"
    hard = ("Die unzureichende Versorgung mit Cholecalciferol verursacht charakteristischerweise "
            "Demineralisierungsprozesse der Knochensubstanz mit weitreichenden gesundheitlichen Konsequenzen. ")
    text = path.read_text()
    path.write_text(text[:text.index("Starke Knochen")] + hard * 8)
    result = publish("check", "--strict", "vitamin-d-knochen", project=tmp_path)
    assert result.exit_code == 1
    assert re.search(r"vitamin-d-knochen.md:2:8: warning: reading grade [\d.]+ is above the target 12", result.output)
