"""The built outputs themselves: web pages, PDF leaflets and EPUB booklets, read back and checked."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html
import pdfplumber
import pikepdf
import pytest
from conftest import REPO, SOURCE_DATE_EPOCH, build_copy, publish

from pipeline.base.diagnostics import Reporter
from pipeline.review.gates import epubcheck_messages
from pipeline.source.manuscript import load_manuscript
from pipeline.source.publication import load_publication

SAMPLE_SLUGS = ["b12-joint-stiffness", "b12-neck-stiffness", "b12-tests-and-treatment"]


def manuscript(root: Path, slug: str):
    return load_manuscript(root / "manuscripts" / f"{slug}.md", Reporter(Path(slug)))


def publication(root: Path):
    folder = root / "manuscripts"
    return load_publication(folder, Reporter(folder / "publication.yaml"))[0]


def page(root: Path, slug: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((root / "output" / "web" / f"{slug}.html").read_bytes())


# --- web -------------------------------------------------------------------------------

@pytest.mark.parametrize("slug", SAMPLE_SLUGS)
def test_article_page_has_the_article_and_its_metadata(built_samples: Path, slug: str) -> None:
    front, pub = manuscript(built_samples, slug).front, publication(built_samples)
    html = page(built_samples, slug)
    url = f"{pub.base_url}{slug}.html"
    assert html.get("lang") == front.lang
    assert html.xpath("//link[@rel='canonical']/@href") == [url]
    assert html.xpath("//meta[@property='og:url']/@content") == [url]
    assert html.xpath("//meta[@property='og:title']/@content") == [front.title]
    assert html.xpath("string(//h1)").strip() == front.title
    assert re.fullmatch(r"\d+ min read", html.xpath("string(//p[@class='meta']/span[1])"))
    assert len(html.xpath("//section[@id='key-points']//li")) == len(front.key_points)
    assert [dt.text_content().strip() for dt in html.xpath("//section[@id='faq']//dt")] == [q.question for q in front.faq]
    assert " ".join(html.xpath("string(//aside[@id='disclaimer']/p)").split()) == pub.disclaimers["medical"].text


@pytest.mark.parametrize("slug", SAMPLE_SLUGS)
def test_json_ld_describes_the_page_and_its_faq(built_samples: Path, slug: str) -> None:
    front = manuscript(built_samples, slug).front
    scripts = page(built_samples, slug).xpath("//script[@type='application/ld+json']")
    assert len(scripts) == 1
    graph = {item["@type"]: item for item in json.loads(scripts[0].text)["@graph"]}
    medical = graph["MedicalWebPage"]
    assert (medical["name"], medical["inLanguage"], medical["datePublished"]) == (front.title, front.lang, front.date.isoformat())
    assert medical["publisher"]["name"] == "Riverside Community Clinic"
    faq = graph["FAQPage"]["mainEntity"]
    assert [item["name"] for item in faq] == [item.question for item in front.faq]
    assert all(item["acceptedAnswer"]["@type"] == "Answer" and item["acceptedAnswer"]["text"] for item in faq)


@pytest.mark.parametrize("slug", SAMPLE_SLUGS)
def test_citations_and_references_link_both_ways(built_samples: Path, slug: str) -> None:
    html = page(built_samples, slug)
    ids = set(html.xpath("//@id"))
    references = html.xpath("//section[@id='references']/ol/li")
    assert [li.get("value") for li in references] == [str(n) for n in range(1, len(references) + 1)]
    citation_links = html.xpath("//span[contains(@class, 'citation')]/a")
    assert citation_links, "the samples cite their sources"
    for link in citation_links:
        target = link.get("href").removeprefix("#")
        assert target in ids
        number = html.xpath(f"//li[@id='{target}']/@value")[0]
        assert link.text_content() == number
    for back in html.xpath("//a[@class='backlink']"):
        assert back.get("href").removeprefix("#") in ids


def test_web_folder_is_self_contained(built_samples: Path) -> None:
    web = built_samples / "output" / "web"
    pages = sorted(web.glob("*.html"))
    assert [p.stem for p in pages] == ["a-z", "b12-joint-stiffness", "b12-neck-stiffness", "b12-tests-and-treatment",
                                       "index"]
    pages += sorted((web / "search").glob("*.html"))
    assert [p.name for p in pages[-1:]] == ["en-GB.html"]
    for path in pages:
        html = lxml.html.fromstring(path.read_bytes())
        for link in html.xpath("//a/@href | //link/@href | //img/@src"):
            parts = urlsplit(link)
            if parts.scheme in ("https", "mailto", "tel"):
                continue
            assert not parts.scheme and not parts.netloc, f"{path.name}: {link}"
            if parts.path:
                assert (path.parent / unquote(parts.path)).resolve().is_file(), f"{path.name}: {link} does not resolve"
            if parts.fragment:
                target = lxml.html.fromstring((path.parent / (parts.path or path.name)).read_bytes())
                assert target.xpath(f"//*[@id='{parts.fragment}']"), f"{path.name}: {link}"


def test_article_page_offers_its_downloads(built_samples: Path) -> None:
    links = page(built_samples, "b12-joint-stiffness").xpath("//section[@id='downloads']//a/@href")
    assert links == ["downloads/b12-joint-stiffness.pdf", "downloads/b12-joint-stiffness.large-print.pdf",
                     "downloads/vitamin-b12.epub", "downloads/b12-joint-stiffness.brf",
                     "downloads/b12-joint-stiffness.pef"]
    folders = {"pdf": "pdf/", "epub": "epub/", "brf": "braille/", "pef": "braille/"}
    for link in links:
        original = built_samples / "output" / link.replace("downloads/", folders[link.rsplit(".", 1)[-1]])
        assert (built_samples / "output" / "web" / link).read_bytes() == original.read_bytes()


def test_index_lists_every_article(built_samples: Path) -> None:
    index = lxml.html.fromstring((built_samples / "output" / "web" / "index.html").read_bytes())
    assert index.xpath("//ul[@class='article-list']//h2/a/@href") == [f"{slug}.html" for slug in SAMPLE_SLUGS]


def test_other_languages_get_their_own_words(built_other: Path) -> None:
    html = page(built_other, "vitamina-d")
    assert html.get("lang") == "es"
    assert html.xpath("string(//section[@id='faq']/h2)") == "Preguntas frecuentes"
    assert "1 de octubre de 2026" in html.xpath("string(//p[@class='meta'])")
    rows = html.xpath("//table/tbody/tr")
    assert len(rows) == 60
    assert html.xpath("string(//table/caption)") == "Diario de sol y lácteos durante 60 días"


# --- PDF -------------------------------------------------------------------------------

def pdf_path(root: Path, slug: str, large: bool = False) -> Path:
    return root / "output" / "pdf" / f"{slug}{'.large-print' if large else ''}.pdf"


def structure_alts(pdf: pikepdf.Pdf) -> list[str]:
    """Every /Alt text in the tagged structure tree."""
    found, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            if "/Alt" in node:
                found.append(str(node.Alt))
            if "/K" in node:
                stack.append(node.K)
        elif isinstance(node, pikepdf.Array):
            stack.extend(node)
    return found


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-print"])
@pytest.mark.parametrize("slug", SAMPLE_SLUGS)
def test_leaflet_is_tagged_titled_bookmarked_and_coded(built_samples: Path, slug: str, large: bool) -> None:
    front = manuscript(built_samples, slug).front
    with pikepdf.open(pdf_path(built_samples, slug, large)) as pdf:
        assert pdf.open_metadata().get("dc:title") == front.title
        assert str(pdf.Root.Lang) == front.lang
        assert bool(pdf.Root.MarkInfo.Marked)
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert titles[0] == front.title
        assert any(f"{slug}.html" in alt for alt in structure_alts(pdf)), "QR code needs alt text naming its URL"
        for page_ in pdf.pages:
            assert [round(float(v)) for v in page_.mediabox] == [0, 0, 595, 842]


@pytest.mark.parametrize("slug", SAMPLE_SLUGS)
def test_every_page_has_the_footer(built_samples: Path, slug: str) -> None:
    front = manuscript(built_samples, slug).front
    with pdfplumber.open(pdf_path(built_samples, slug)) as pdf:
        pages = len(pdf.pages)
        for number, page_ in enumerate(pdf.pages, start=1):
            text = " ".join(page_.extract_text().split())
            assert f"Page {number} of {pages}" in text
            assert f"Leaflet {front.leaflet_id}" in text and f"Version {front.version}" in text
            assert "Next review due: 20 November" in text
            assert "General information only, not medical advice." in text


@pytest.mark.parametrize("slug", SAMPLE_SLUGS)
def test_leaflet_carries_contact_dates_formats_and_feedback(built_samples: Path, slug: str) -> None:
    with pdfplumber.open(pdf_path(built_samples, slug)) as pdf:
        text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    for expected in ("Published: 20 November 2026", "Phone: 01632 960 418", "leaflets@riverside-clinic.example",
                     "Other formats of this leaflet: large print, braille and e-book.",
                     "If you need it in another format or language, contact us:",
                     "Tell us what you think of this leaflet", "Medical disclaimer"):
        assert expected in text, expected


def test_large_print_body_is_at_least_16pt(built_samples: Path) -> None:
    for slug in SAMPLE_SLUGS:
        with pdfplumber.open(pdf_path(built_samples, slug, large=True)) as pdf:
            sizes = Counter(round(char["size"], 1) for p in pdf.pages for char in p.chars)
        assert sizes.most_common(1)[0][0] >= 16


def test_long_table_repeats_its_header_on_every_page(built_other: Path) -> None:
    with pdfplumber.open(pdf_path(built_other, "vitamina-d")) as pdf:
        pages_with_rows = [p.extract_text() for p in pdf.pages if re.search(r"Día \d+ (Sí|No)", p.extract_text())]
    assert len(pages_with_rows) >= 3
    assert all("¿Salió al sol?" in text for text in pages_with_rows)


def test_page_size_comes_from_publication_or_option(built_other: Path, tmp_path: Path) -> None:
    with pikepdf.open(pdf_path(built_other, "zinc-and-healing")) as pdf:
        assert [round(float(v)) for v in pdf.pages[0].mediabox] == [0, 0, 420, 595]  # A5
    root = build_copy(REPO, tmp_path / "letter", "b12-joint-stiffness", "--format", "pdf", "--page-size", "letter")
    assert not pdf_path(root, "b12-joint-stiffness").exists()  # the publication's size is A4: letter is a file of its own
    with pikepdf.open(root / "output/pdf/b12-joint-stiffness.letter.pdf") as pdf:
        assert [round(float(v)) for v in pdf.pages[0].mediabox] == [0, 0, 612, 792]


def test_another_page_size_writes_leaflets_of_its_own_and_never_over_the_site_s(tmp_path: Path, monkeypatch) -> None:
    """publish build --page-size A5 adds A5 leaflets beside the A4 ones the site offers; the next plain
    build has nothing to do, and verify reads both sizes back."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    root = build_copy(REPO, tmp_path / "samples", "b12-joint-stiffness", "--format", "web,pdf")
    output = root / "output"
    before = {path: path.read_bytes() for path in output.rglob("*") if path.is_file() and ".cache" not in path.parts}
    a5 = publish("build", "b12-joint-stiffness", "--format", "web,pdf", "--page-size", "A5", project=root)
    assert a5.exit_code == 0, a5.output
    after = {path: path.read_bytes() for path in output.rglob("*") if path.is_file() and ".cache" not in path.parts}
    added = sorted(path.relative_to(output).as_posix() for path in set(after) - set(before))
    assert added == ["pdf/b12-joint-stiffness.a5.pdf", "pdf/b12-joint-stiffness.large-print.a5.pdf"]
    assert all(after[path] == content for path, content in before.items() if path.name != "manifest.json")
    with pikepdf.open(output / "pdf/b12-joint-stiffness.a5.pdf") as pdf:
        assert [round(float(v)) for v in pdf.pages[0].mediabox] == [0, 0, 420, 595]
    assert "built 0 files" in publish("build", "b12-joint-stiffness", "--format", "web,pdf", project=root).output
    verified = publish("verify", "b12-joint-stiffness", project=root)
    assert "pdf A5, pdf A5 large print" in verified.output, verified.output
    assert not [line for line in verified.output.splitlines() if line.startswith("difference") and "A5" in line]


def test_fetcher_reads_only_project_files(tmp_path: Path) -> None:
    from pipeline.render.leaflet import project_fetcher

    (tmp_path / "manuscripts").mkdir()
    (tmp_path / "manuscripts" / "ok.css").write_text("p {}")
    (tmp_path / "manuscripts" / "escape.css").symlink_to("/etc/hostname")
    fetcher = project_fetcher(tmp_path / "manuscripts")
    assert fetcher.fetch((tmp_path / "manuscripts" / "ok.css").as_uri()).read() == b"p {}"
    for url in ["file:///etc/passwd", (tmp_path / "manuscripts" / "escape.css").as_uri(),
                (tmp_path / "manuscripts" / ".." / "x").as_uri(), "http://169.254.169.254/latest/"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def parsed_shape(element) -> tuple:
    """An element as (tag, attributes, text, kids, tail), comments dropped and the text after them kept."""
    text, kids = element.text or "", []
    for kid in element:
        if isinstance(kid.tag, str):
            kids.append(parsed_shape(kid))
        elif kids:
            kids[-1] = (*kids[-1][:4], kids[-1][4] + (kid.tail or ""))
        else:
            text += kid.tail or ""
    return element.tag, dict(element.attrib), text, kids, element.tail or ""


@pytest.mark.parametrize("project", ["built_samples", "built_torture", "built_translations", "built_other"])
def test_leaflets_are_parsed_into_the_tree_weasyprints_own_parser_builds(request, project: str) -> None:
    """Leaflets are parsed by lxml for speed; WeasyPrint's HTML5 parser must see the same document."""
    import tinyhtml5

    from pipeline.examine.project import check_project
    from pipeline.render import leaflet

    checked = check_project(request.getfixturevalue(project))
    publication, theme = checked.project.publication, checked.project.theme
    assert checked.good
    for article in checked.good:
        for variant in leaflet.STYLESHEETS:
            html = leaflet.leaflet_html(article.document, publication, variant, "A4", theme)
            ours = parsed_shape(leaflet.element_tree(html))
            assert ours == parsed_shape(tinyhtml5.parse(html, namespace_html_elements=False)), article.slug
            assert ours[0] == "html" and len(ours[3]) == 2  # head and body, not a fragment


# --- EPUB ------------------------------------------------------------------------------

@pytest.mark.parametrize("project, booklet", [("built_samples", "vitamin-b12"), ("built_other", "all-articles"),
                                              ("built_translations", "vitamin-b12"),
                                              ("built_translations", "vitamin-b12-ar"),
                                              ("built_torture", "torture"), ("built_torture", "other")])
def test_epubcheck_reports_nothing(project: str, booklet: str, request) -> None:
    report = epubcheck_messages(request.getfixturevalue(project) / "output" / "epub" / f"{booklet}.epub")
    assert report == "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos", report


def epub_files(root: Path, booklet: str) -> dict[str, bytes]:
    with zipfile.ZipFile(root / "output" / "epub" / f"{booklet}.epub") as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        return {name: archive.read(name) for name in archive.namelist()}


def test_epub_has_chapters_navigation_and_accessibility_metadata(built_samples: Path) -> None:
    files = epub_files(built_samples, "vitamin-b12")
    opf = lxml.etree.fromstring(files["EPUB/content.opf"])
    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    meta = {}
    for element in opf.xpath("//opf:meta[@property]", namespaces=ns):
        meta.setdefault(element.get("property"), []).append(element.text)
    assert meta["schema:accessMode"] == ["textual", "visual"]  # the samples have an image with alt text
    assert meta["schema:accessibilityHazard"] == ["none"]
    assert {"structuralNavigation", "tableOfContents", "alternativeText"} <= set(meta["schema:accessibilityFeature"])
    assert meta["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert meta["schema:accessibilitySummary"][0]
    assert opf.xpath("string(//dc:identifier)", namespaces=ns) == "urn:uuid:5f0c7a52-3d1e-4b8e-9a61-2c4f0e7d9b13"
    spine = opf.xpath("//opf:itemref/@idref", namespaces=ns)
    assert spine == ["cover-page", "title-page", "nav"] + [f"chapter-{slug}" for slug in SAMPLE_SLUGS]
    nav = lxml.etree.fromstring(files["EPUB/nav.xhtml"])
    types = nav.xpath("//*[local-name()='nav']/@*[local-name()='type']")
    assert types == ["toc", "landmarks", "page-list"]  # the sample booklet has a print edition


@pytest.mark.parametrize("slug", SAMPLE_SLUGS)
def test_epub_chapter_has_language_endnotes_and_disclaimer(built_samples: Path, slug: str) -> None:
    chapter = lxml.etree.fromstring(epub_files(built_samples, "vitamin-b12")[f"EPUB/{slug}.xhtml"])
    xhtml = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
    assert chapter.get("lang") == "en-GB"
    endnotes = {li.get("id") for li in chapter.xpath("//x:li[@epub:type='endnote']", namespaces=xhtml)}
    noterefs = chapter.xpath("//x:a[@epub:type='noteref']/@href", namespaces=xhtml)
    assert noterefs and {href.removeprefix("#") for href in noterefs} == endnotes
    assert "This leaflet gives general information only." in "".join(chapter.xpath("//x:aside[@id='disclaimer']//text()", namespaces=xhtml))


# --- the build as a whole ------------------------------------------------------------------

def test_two_builds_are_byte_identical(built_samples: Path, tmp_path: Path) -> None:
    again = build_copy(REPO, tmp_path / "again")
    first = {p.relative_to(built_samples / "output"): p.read_bytes() for p in (built_samples / "output").rglob("*") if p.is_file()}
    second = {p.relative_to(again / "output"): p.read_bytes() for p in (again / "output").rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    different = [str(path) for path in first if first[path] != second[path]]
    assert different == []


def test_manifest_lists_every_output_with_its_hash(built_samples: Path) -> None:
    output = built_samples / "output"
    manifest = json.loads((output / "manifest.json").read_text())
    files = sorted(str(p.relative_to(output)) for p in output.rglob("*")
                   if p.is_file() and p.name != "manifest.json" and not p.relative_to(output).parts[0].startswith("."))
    assert sorted(manifest["outputs"]) == files
    for path, entry in manifest["outputs"].items():
        assert entry["sha256"] == hashlib.sha256((output / path).read_bytes()).hexdigest()
        assert re.fullmatch(r"[0-9a-f]{64}", entry["source"])
    assert {"pandoc", "weasyprint", "ebooklib", "python"} <= set(manifest["tools"])


def test_source_date_epoch_sets_every_date(built_samples: Path) -> None:
    opf = epub_files(built_samples, "vitamin-b12")["EPUB/content.opf"].decode()
    assert '<meta property="dcterms:modified">2026-09-21T' in opf
    with zipfile.ZipFile(built_samples / "output" / "epub" / "vitamin-b12.epub") as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {(2026, 9, 21)}
    assert SOURCE_DATE_EPOCH == "1790000000"


def test_a_broken_manuscript_keeps_the_others_and_its_last_good_outputs(project: Path) -> None:
    assert publish("build", project=project).exit_code == 0
    good_pdf = (project / "output" / "pdf" / "ok.pdf").read_bytes()
    manuscript_path = project / "manuscripts" / "ok.md"
    manuscript_path.write_text(manuscript_path.read_text().replace("[@source]", "[@nowhere]"))
    second = project / "manuscripts" / "second.md"
    second.write_text(manuscript_path.read_text().replace("[@nowhere]", "[@source]").replace("A valid article", "Second"))
    result = publish("build", project=project)
    assert result.exit_code == 1
    assert "manuscripts/ok.md:6:47: error: citation '@nowhere' has no matching reference" in result.output
    assert "failed ok: the manuscript has errors" in result.output
    assert "failed epub/all-articles.epub: not built: ok cannot be built" in result.output
    assert (project / "output" / "pdf" / "second.pdf").is_file()
    assert (project / "output" / "pdf" / "ok.pdf").read_bytes() == good_pdf
    assert not list((project / "output").rglob("*.tmp"))


COVER_TITLES = {"en": "Every construct an author writes, in one booklet with a title long enough to need "
                      "five lines and a smaller size on the cover, without running off it",
                "ar": "فيتامين B12 وجسمك: دليل شامل للمرضى وعائلاتهم في كل مراحل العلاج",
                "ur": "وٹامن B12 اور آپ کا جسم",
                "zh-Hans": "维生素B12与您的身体：患者及其家人的完整指南，从检查到治疗",
                "en-GB": "Pneumonoultramicroscopicsilicovolcanoconiosis-and-other-very-long-words"}


@pytest.mark.parametrize("lang", COVER_TITLES)
def test_a_cover_fits_any_title_in_any_script(lang: str) -> None:
    """Every character drawn, in a font that has it; every line within the cover's margins; no
    line starting with closing punctuation; the title within its band."""
    from fontTools.ttLib import TTCollection, TTFont

    from pipeline.render.cover import LINE_SPACING, MARGIN, SIZE, TITLE_BAND, fit, font, font_file, measure

    title, width = COVER_TITLES[lang], SIZE[0] - 2 * MARGIN
    size, lines = fit(title, lang, width, TITLE_BAND[1] - TITLE_BAND[0])
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")
    assert all(measure(font(lang, size, True, title), line, lang) <= width for line in lines), lines
    assert len(lines) * size * LINE_SPACING <= TITLE_BAND[1] - TITLE_BAND[0]
    assert not [line for line in lines if line[0] in "，。：、,.:"]
    path, index = font_file(lang, True, frozenset(title))
    face = TTCollection(path).fonts[index] if path.endswith(".ttc") else TTFont(path)
    assert {ord(c) for c in title if c != " "} <= set(face.getBestCmap())
