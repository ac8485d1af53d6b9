"""The gates: WCAG 2.2 AA (web pages and EPUB chapters in Chromium), EPUBCheck, Ace by DAISY,
the Nu HTML Checker and PDF/UA.

Every gate runs on every output of the fixture projects (the samples; Spanish, German and US
English; translations into ar, ur, bn, zh-Hans and pl; the torture corpus of every Markdown
construct), and on a deliberately broken output to show that it can fail.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import publish

from pipeline.review.gates import (
    ace_violations,
    axe_violations,
    epubcheck_messages,
    html_errors,
    layout_problems,
    unpack_epub,
)
from pipeline.review.pdf_gate import pdf_problems

CLEAN = "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos"
PROJECTS = ["built_samples", "built_other", "built_translations", "built_torture"]


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
    broken = rewrite_epub(built_samples / "output" / "epub" / "vitamin-b12.epub", tmp_path / "broken.epub", {
        "EPUB/nav.xhtml": lambda nav: nav.replace(b'href="b12-neck-stiffness.xhtml"', b'href="no-such-chapter.xhtml"')})
    report = epubcheck_messages(broken)
    assert CLEAN not in report
    assert "no-such-chapter.xhtml" in report


def booklets(root: Path) -> list[Path]:
    return sorted((root / "output" / "epub").glob("*.epub"))


@pytest.mark.slow
@pytest.mark.parametrize("project", PROJECTS)
def test_ace_reports_no_violation(project: str, request, tmp_path: Path) -> None:
    for booklet in booklets(request.getfixturevalue(project)):
        assert ace_violations(booklet, tmp_path / booklet.stem) == [], booklet.name


@pytest.mark.slow
def test_ace_gate_fails_on_a_booklet_without_alt_text_or_language(built_samples: Path, tmp_path: Path) -> None:
    broken = rewrite_epub(built_samples / "output" / "epub" / "vitamin-b12.epub", tmp_path / "broken.epub", {
        "EPUB/content.opf": lambda opf: re.sub(rb' xml:lang="[^"]*"', b"", opf, count=1),
        "EPUB/b12-tests-and-treatment.xhtml": lambda page: re.sub(rb'(<img [^>]*?) alt="[^"]*"', rb"\1", page)})
    rules = {violation.split(" ")[0] for violation in ace_violations(broken, tmp_path / "ace")}
    assert rules == {"epub-lang", "image-alt"}


@pytest.mark.slow
@pytest.mark.parametrize("project", PROJECTS)
def test_html_checker_finds_no_error(project: str, request, tmp_path: Path) -> None:
    """Web pages as HTML; the booklets' documents as XHTML, where only the epub: attributes the
    checker does not know are let through."""
    root = request.getfixturevalue(project)
    documents = [path for booklet in booklets(root)
                 for path in sorted(unpack_epub(booklet, tmp_path / booklet.stem)[0].parent.glob("*.xhtml"))]
    assert documents and html_errors(web_pages(root) + documents) == []


@pytest.mark.slow
def test_html_checker_gate_fails_on_invalid_markup(built_samples: Path, tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text((built_samples / "output" / "web" / "b12-joint-stiffness.html").read_text()
                    .replace('<main id="main">', '<main id="main"><span><p>A paragraph in a span</p></span>', 1))
    chapter = unpack_epub(built_samples / "output" / "epub" / "vitamin-b12.epub", tmp_path / "epub")[0]
    chapter.write_text(chapter.read_text().replace("<h1 ", '<h1 type="x" ', 1))
    errors = html_errors([page, chapter])
    assert any("broken.html" in error and "“p” not allowed as child of element “span”" in error for error in errors)
    assert any(chapter.name in error and "Attribute “type” not allowed" in error for error in errors)


def rewrite_epub(source: Path, target: Path, edits: dict) -> Path:
    """A copy of a booklet with some of its files changed (by name: a function of the bytes)."""
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as copy:
        for info in archive.infolist():
            data = archive.read(info.filename)
            copy.writestr(info, edits[info.filename](data) if info.filename in edits else data)
    return target


def test_accessibility_metadata_is_truthful(built_other: Path) -> None:
    """The second project has no images: its booklet must not claim visual content or alt text."""
    with zipfile.ZipFile(built_other / "output" / "epub" / "all-articles.epub") as archive:
        opf = archive.read("EPUB/content.opf").decode()
    assert re.findall(r'<meta property="schema:accessMode">(\w+)</meta>', opf) == ["textual"]
    assert "alternativeText" not in opf
    assert '<meta property="schema:accessibilityHazard">none</meta>' in opf
    assert "tableHeaders" not in opf  # not a schema.org accessibility feature: Ace by DAISY rejects it
    language = re.search(r"<dc:language>([^<]+)</dc:language>", opf)[1]
    assert f'xml:lang="{language}"' in re.search(r"<package [^>]*>", opf)[0]  # Ace's epub-lang rule


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
    from pipeline.examine.project import check_project
    from pipeline.review.audit import leaflet_footer

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
        from pipeline.review.pdf_gate import flatten, struct_roles

        tables = struct_roles(pdf)["/Table"]
        assert len(tables) == 3
        glossary = tables[-1] if len(list(flatten(tables[-1], "/TR"))) > 20 else tables[0]
        rows = [row for body in flatten(glossary, "/TBody") for row in flatten(body, "/TR")]
        assert len(rows) == 26
        assert len(list(flatten(glossary, "/THead"))) == 1


def test_pdf_gate_fails_on_a_table_without_header_cells(built_samples: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(built_samples / "output" / "pdf" / "b12-joint-stiffness.pdf") as pdf:
        from pipeline.review.pdf_gate import struct_roles

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
    grades = dict(re.findall(r"^([a-z0-9-]+): (?:Crawford|Wiener Sachtextformel|Flesch-Kincaid) grade (\S+)$",
                             result.output, flags=re.M))
    assert set(grades) == {"vitamina-d", "vitamin-d-knochen", "zinc-and-healing"}
    assert all(float(grade) <= 12 for grade in grades.values())
    french = tmp_path / "manuscripts"
    shutil.copytree(built_other / "manuscripts", french)
    source = (french / "zinc-and-healing.md").read_text().replace("lang: en-US", "lang: fr")
    (french / "zinc-and-healing.md").write_text(source)
    result = publish("check", "zinc-and-healing", project=tmp_path)
    assert re.search(r"^zinc-and-healing: Kandel-Moles reading ease [\d.]+$", result.output, flags=re.M)


def test_check_warns_above_the_target_grade(built_other: Path, tmp_path: Path) -> None:
    shutil.copytree(built_other / "manuscripts", tmp_path / "manuscripts")
    path = tmp_path / "manuscripts" / "vitamin-d-knochen.md"
    hard = ("Die unzureichende Versorgung mit Cholecalciferol verursacht charakteristischerweise "
            "Demineralisierungsprozesse der Knochensubstanz mit weitreichenden gesundheitlichen Konsequenzen. ")
    text = path.read_text()
    path.write_text(text[:text.index("Starke Knochen")] + hard * 8)
    result = publish("check", "--strict", "vitamin-d-knochen", project=tmp_path)
    assert result.exit_code == 1
    assert re.search(r"vitamin-d-knochen.md:2:8: warning: Wiener Sachtextformel grade [\d.]+ is above the target 12",
                     result.output)
