"""The print edition of a booklet and the EPUB's page list (SPEC §16), read from the real files:
the book's pages, boxes and output intent, its contents' page numbers, its preflight; the EPUB's
page-break markers and page list against the book's pages, verify reading both; the ONIX record's
print product."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import onixcheck
import pikepdf
import pytest
from conftest import publish, sample_booklet_with
from lxml import etree

from pipeline.render.pdf_text import page_runs
from pipeline.render.preflight import preflight
from pipeline.render.print_pages import keyed
from pipeline.review.gates import ace_violations, epubcheck_messages

BOOKLET = "vitamin-b12"
FIELDS = '    isbn: 978-0-306-40615-7\n    print-isbn: "9781861972712"\n'
CHAPTERS = ["Can low vitamin B12 cause joint stiffness?", "Can low vitamin B12 cause a stiff neck?",
            "Low vitamin B12 tests and treatment"]
ONIX = {"o": "http://ns.editeur.org/onix/3.0/reference"}
MM = 72 / 25.4
CLEAN = "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos"


def with_print_edition(root: Path, fields: str = FIELDS) -> Path:
    return sample_booklet_with(root, fields)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    project = with_print_edition(tmp_path_factory.mktemp("print-edition"))
    result = publish("build", project=project)
    assert result.exit_code == 0, result.output
    return project


def book(project: Path) -> Path:
    return project / "output" / "print" / f"{BOOKLET}.pdf"


def pages_text(path: Path, furniture: bool) -> list[str]:
    """Each page's text: its content, or its running head and folio (furniture)."""
    with pikepdf.open(path) as pdf:
        return [" ".join(run.text for _, run in page_runs(page) if run.furniture == furniture) for page in pdf.pages]


def test_the_print_edition_is_a_pdf_x_4_book_at_its_trim_that_passes_preflight(printed: Path) -> None:
    with pikepdf.open(book(printed)) as pdf:
        assert str(pdf.open_metadata().get("pdfxid:GTS_PDFXVersion")) == "PDF/X-4"
        assert str(pdf.Root.OutputIntents[0].S) == "/GTS_PDFX"
        for page in pdf.pages:
            left, bottom, right, top = (float(value) for value in page.trimbox)
            assert (round((right - left) / MM), round((top - bottom) / MM)) == (148, 210)  # A5
            assert float(page.bleedbox[2]) - right == pytest.approx(3 * MM, abs=0.01)  # 3 mm of bleed
            assert "/Annots" not in page
        assert len(pdf.pages) > 12
    assert [problem for problem in preflight(book(printed)) if problem.severity == "error"] == []


def test_its_contents_give_the_page_each_chapter_begins_on_and_heads_and_folios_say_where_you_are(
        printed: Path) -> None:
    content, furniture = pages_text(book(printed), False), pages_text(book(printed), True)
    for title in CHAPTERS:
        page = next(number for number, text in enumerate(content, start=1) if text.startswith(title))
        assert page % 2 == 1  # a chapter begins on a recto
        assert re.search(re.escape(title) + r"[ .]*" + str(page) + r"\b", content[0]), content[0]  # the contents
        assert furniture[page] == f"Vitamin B12 and your body {page + 1}" or not content[page]  # verso: book, folio
        assert furniture[page - 1] == f"{title} {page}"  # recto: chapter, folio
    assert furniture[0] == ""  # the title page: no head, no folio


def epub_files(project: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(project / "output" / "epub" / f"{BOOKLET}.epub") as epub:
        return {name: epub.read(name) for name in epub.namelist()}


def test_the_epub_marks_each_printed_page_where_it_begins(printed: Path) -> None:
    files, content = epub_files(printed), pages_text(book(printed), False)
    markers = {}
    for name, data in files.items():
        if name.endswith(".xhtml") and name != "EPUB/nav.xhtml":
            document = etree.fromstring(data)
            for marker in document.iterfind(".//*[@role='doc-pagebreak']"):
                markers[int(marker.get("title"))] = keyed("".join(marker.xpath("following::text()")))
    # Every page with text is marked, the blank versos before chapters are not.
    assert sorted(markers) == [number for number, text in enumerate(content, start=1) if keyed(text)]
    for number, after in markers.items():
        page = keyed(content[number - 1])
        assert any(page[start:].startswith(after[:30]) for start in range(0, 60)), (number, after[:60], page[:90])
    nav = files["EPUB/nav.xhtml"].decode()
    assert re.findall(r'<nav epub:type="page-list"[^>]*hidden="hidden"><h2>Pages</h2>', nav)
    assert [int(n) for n in re.findall(r'#page-\d+">(\d+)</a>', nav)] == sorted(markers)
    opf = files["EPUB/content.opf"].decode()
    assert '<meta property="pageBreakSource">urn:isbn:9781861972712</meta>' in opf
    assert "pageBreakMarkers" in opf and "pageNavigation" in opf


def test_verify_proves_the_page_list_and_finds_a_marker_moved(printed: Path, tmp_path: Path) -> None:
    result = publish("verify", project=printed)
    assert result.exit_code == 0 and "page list vitamin-b12" in result.output, result.output
    moved = tmp_path / "moved"
    shutil.copytree(printed, moved)
    epub = moved / "output" / "epub" / f"{BOOKLET}.epub"
    files = epub_files(moved)
    chapter = "EPUB/b12-neck-stiffness.xhtml"
    text = files[chapter].decode()
    marker = re.search(r'<span epub:type="pagebreak"[^>]*id="page-13"[^>]*/>', text)[0]
    files[chapter] = text.replace(marker, "", 1).replace("</h2>", "</h2>" + marker, 1).encode()
    with zipfile.ZipFile(epub, "w") as target:
        for name, data in files.items():
            target.writestr(name, data)
    broken = publish("verify", project=moved)
    assert broken.exit_code == 1 and "page list vitamin-b12" in broken.output and "page 13" in broken.output
    files[chapter] = text.replace(marker, "", 1).encode()  # and one page left unmarked
    with zipfile.ZipFile(epub, "w") as target:
        for name, data in files.items():
            target.writestr(name, data)
    unmarked = publish("verify", project=moved)
    assert unmarked.exit_code == 1 and "pages marked" in unmarked.output, unmarked.output


def test_the_onix_record_has_the_print_edition_as_its_own_product(printed: Path) -> None:
    path = printed / "output" / "onix" / f"{BOOKLET}.xml"
    assert onixcheck.validate(str(path), schemas=("xsd", "rng")) == []
    epub, paper = etree.parse(str(path)).getroot().findall("o:Product", ONIX)
    assert paper.xpath("o:DescriptiveDetail/o:ProductForm/text()", namespaces=ONIX) == ["BC"]
    assert paper.xpath("o:ProductIdentifier/o:IDValue/text()", namespaces=ONIX) == ["9781861972712"]
    with pikepdf.open(book(printed)) as pdf:
        pages = len(pdf.pages)
    assert paper.xpath(".//o:Extent/o:ExtentValue/text()", namespaces=ONIX) == [str(pages)]
    assert paper.xpath(".//o:Measure/o:Measurement/text()", namespaces=ONIX) == ["210", "148"]
    assert paper.xpath(".//o:RelatedProduct/o:ProductIdentifier/o:IDValue/text()", namespaces=ONIX) == ["9780306406157"]
    assert epub.xpath(".//o:ProductFormFeature[o:ProductFormFeatureType='09']/o:ProductFormFeatureValue/text()",
                      namespaces=ONIX)[-1] != "41" and "41" in epub.xpath(
        ".//o:ProductFormFeatureValue/text()", namespaces=ONIX)  # page list navigation, as the EPUB says


def trim_of(project: Path) -> tuple[int, int]:
    with pikepdf.open(book(project)) as pdf:
        left, bottom, right, top = (float(value) for value in pdf.pages[0].trimbox)
    return round(right - left), round(top - bottom)


def test_a_trim_size_from_publication_yaml(tmp_path: Path) -> None:
    project = with_print_edition(tmp_path, "    print-edition: {trim: us-trade}\n")
    assert publish("build", "--format", "epub", project=project).exit_code == 0
    assert trim_of(project) == (432, 648)  # 6 x 9 in


def test_the_default_trim_follows_letter_leaflets(tmp_path: Path) -> None:
    project = with_print_edition(tmp_path)
    config = project / "manuscripts" / "publication.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "leaflet:\n  page-size: letter\n", encoding="utf-8")
    assert publish("build", "--format", "epub", project=project).exit_code == 0
    assert trim_of(project) == (396, 612)  # digest, 5.5 x 8.5 in


@pytest.mark.slow
def test_the_epub_with_a_page_list_is_clean_under_epubcheck_and_ace(printed: Path, tmp_path: Path) -> None:
    epub = printed / "output" / "epub" / f"{BOOKLET}.epub"
    assert CLEAN in epubcheck_messages(epub)
    assert ace_violations(epub, tmp_path / "ace") == []


def test_publish_preflight_reads_a_booklet_s_print_edition(printed: Path, tmp_path: Path) -> None:
    result = publish("preflight", BOOKLET, project=printed)
    assert result.exit_code == 0 and "preflighted 1 press file: 0 errors, 0 warnings" in result.output, result.output
    copy = tmp_path / "copy"
    shutil.copytree(printed, copy)
    book(copy).write_bytes(b"%PDF-1.7 not a book")
    broken = publish("preflight", BOOKLET, project=copy)
    assert broken.exit_code != 0 and f"output/print/{BOOKLET}.pdf" in broken.output, broken.output
