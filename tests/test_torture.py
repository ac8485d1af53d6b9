"""Any Markdown an author writes: the torture corpus (tests/fixtures/torture) is accepted by check,
builds, verifies, and every link and id in every output is sound. The gates (EPUBCheck, Ace, the
Nu HTML Checker, axe, the PDF gate) run on it in test_accessibility and test_render; what must be
refused instead is pinned, located, in fixtures/check/ (broken-links, element-positions,
blocks-in-one-line-fields, unsafe-html...)."""

from __future__ import annotations

import posixpath
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pikepdf
import pytest
from conftest import publish
from lxml import etree

EXTERNAL = ("http", "https", "mailto", "tel")
pytestmark = pytest.mark.slow


def test_check_accepts_every_construct(built_torture: Path) -> None:
    result = publish("check", "--strict", project=built_torture)
    assert result.exit_code == 0, result.output
    assert "checked 4 manuscripts: 0 errors, 0 warnings" in result.output


def test_verify_finds_every_format_in_agreement(built_torture: Path) -> None:
    result = publish("verify", project=built_torture)
    assert result.exit_code == 0, result.output
    assert ", 0 differences" in result.output


def documents(built: Path) -> dict[str, etree._Element]:
    """Every web page and every XHTML document of every booklet, parsed, by a name that says where."""
    found = {path.relative_to(built / "output").as_posix(): lxml.html.parse(str(path)).getroot()
             for path in (built / "output" / "web").rglob("*.html")}
    for booklet in (built / "output" / "epub").glob("*.epub"):
        with zipfile.ZipFile(booklet) as archive:
            for name in archive.namelist():
                if name.endswith(".xhtml"):
                    found[f"{booklet.name}!{name}"] = etree.fromstring(archive.read(name))
    return found


def ids_of(root) -> list[str]:
    return root.xpath("//@id")


def test_ids_are_unique_in_every_page_and_chapter(built_torture: Path) -> None:
    for name, root in documents(built_torture).items():
        repeated = [identifier for identifier, count in Counter(ids_of(root)).items() if count > 1]
        assert repeated == [], name


def test_every_link_resolves_inside_its_output_or_is_absolute(built_torture: Path) -> None:
    found = documents(built_torture)
    for name, root in found.items():
        booklet, _, inside = name.partition("!")
        for href in root.xpath("//@href"):
            parts = urlsplit(href)
            if parts.scheme:
                assert parts.scheme in EXTERNAL, f"{name}: {href}"
                continue
            if inside:  # a document in a booklet: its target must be in the same booklet
                target = posixpath.normpath(posixpath.join(posixpath.dirname(inside), unquote(parts.path))) \
                    if parts.path else inside
                key = f"{booklet}!{target}"
                with zipfile.ZipFile(built_torture / "output" / "epub" / booklet) as archive:
                    assert target in archive.namelist(), f"{name}: {href}"
            else:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path))) \
                    if parts.path else name
                key = target
                assert (built_torture / "output" / target).is_file(), f"{name}: {href}"
            if parts.fragment and key in found:
                assert unquote(parts.fragment) in ids_of(found[key]), f"{name}: {href}"


def hrefs(root, text: str) -> list[str]:
    return root.xpath("//*[local-name()='a'][normalize-space(.)=$text]/@href", text=text)


def test_links_between_articles_go_where_each_format_finds_them(built_torture: Path) -> None:
    found = documents(built_torture)
    assert hrefs(found["web/ids-and-notes.html"], "its Links section") == ["constructs.html#links"]
    assert hrefs(found["torture.epub!EPUB/ids-and-notes.xhtml"], "its Links section") == ["constructs.xhtml#links"]
    # Not in the same booklet: the web page, at its absolute address.
    assert hrefs(found["other.epub!EPUB/other-article.xhtml"], "first article") == [
        "https://leaflets.example.org/constructs.html#links"]
    with pikepdf.open(built_torture / "output" / "pdf" / "ids-and-notes.pdf") as pdf:
        uris = {str(annotation.A.URI) for page in pdf.pages for annotation in page.get("/Annots", [])
                if "/A" in annotation and "/URI" in annotation.A}
    assert "https://leaflets.example.org/constructs.html#links" in uris
    assert not [uri for uri in uris if not uri.startswith(("https://", "mailto:", "tel:"))]


def test_ids_that_clash_are_renamed_and_their_links_follow(built_torture: Path) -> None:
    page = documents(built_torture)["web/ids-and-notes.html"]
    heading_ids = {h.text_content().strip(): h.get("id") for h in page.xpath("//main//h2 | //main//h3")}
    assert heading_ids["Summary"] == "summary-1"  # the page's own summary part keeps "summary"
    assert heading_ids["Footnotes"] == "footnotes-1"
    assert heading_ids["Ids pandoc and citeproc use"] == "fn1-1"
    assert heading_ids["And one more"] == "id-ref-source-1"
    assert heading_ids["A duplicate id"] == "twice" and heading_ids["The same id again"] == "twice-1"
    assert hrefs(page, "to the heading called Footnotes") == ["#footnotes-1"]
    assert hrefs(page, "Back to the first of the two") == ["#twice"]
    assert hrefs(page, "the FAQ") == ["#faq"]  # the FAQ part: the author's heading FAQ is faq-1


def test_each_part_keeps_its_own_footnotes(built_torture: Path) -> None:
    page = documents(built_torture)["web/ids-and-notes.html"]
    notes = page.xpath("//*[contains(concat(' ', @class, ' '), ' footnotes ')]/@id")
    assert sorted(notes) == sorted(["summary-footnotes", "key-points-0-text-footnotes", "footnotes",
                                    "faq-0-answer-footnotes", "faq-1-answer-footnotes"])
