"""Read a booklet's page list back (SPEC §16): every page-break marker in its EPUB, in reading
order, must stand where the page of the print edition it names begins: the EPUB's text after the
marker begins with that page's text (from one of its first runs, as the build found it; letters
and digits compared, as print_pages compares them), the numbers rise, and the navigation's page
list names every marker, in order; and every page of the book with text has its marker (the book
prints the EPUB's own documents, so each such page begins somewhere in it)."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

import lxml.html
from lxml import etree

from pipeline.render.booklet import PACKAGE_NAMESPACES, read_package
from pipeline.render.print_pages import keyed, openings_of, page_openings
from pipeline.verify.compare import Comparison

NS = PACKAGE_NAMESPACES


def verify_page_list(booklet_id: str, epub: Path, edition: Path) -> Comparison:
    comparison = Comparison(booklet_id, f"page list {booklet_id}")
    openings = page_openings(edition.read_bytes())
    markers, listed = read_markers(epub)
    comparison.text("page list", " ".join(str(number) for number, _ in markers), " ".join(listed))
    numbers = [number for number, _ in markers]
    comparison.text("page order", " ".join(map(str, sorted(set(numbers)))), " ".join(map(str, numbers)))
    printed = [str(number) for number, runs in enumerate(openings, start=1) if keyed("".join(runs))]
    comparison.text("pages marked", " ".join(printed), " ".join(map(str, numbers)))  # every page with text
    for number, after in markers:
        runs = openings[number - 1] if 0 < number <= len(openings) else []
        candidates = openings_of(runs)
        found = keyed(after)
        expected = next((candidate for candidate in candidates if found.startswith(candidate)),
                        candidates[0] if candidates else "(no such page)")
        comparison.text(f"page {number}", expected, found[:len(expected)])
    return comparison


def read_markers(epub: Path) -> tuple[list[tuple[int, str]], list[str]]:
    """Each marker in spine order, with the document's text after it; and the page list's labels."""
    with zipfile.ZipFile(epub) as book:
        opf, base = read_package(book)
        hrefs = {item.get("id"): item.get("href") for item in opf.iterfind(".//opf:manifest/opf:item", NS)}
        nav = next(item.get("href") for item in opf.iterfind(".//opf:manifest/opf:item", NS)
                   if "nav" in (item.get("properties") or "").split())
        markers = []
        for reference in opf.iterfind(".//opf:spine/opf:itemref", NS):
            document = etree.fromstring(book.read(posixpath.join(base, hrefs[reference.get("idref")])))
            for marker in document.iterfind(".//*[@epub:type='pagebreak']", NS):
                after = "".join(marker.xpath("following::text()"))
                markers.append((int(marker.get("title") or 0), after))
        navigation = lxml.html.fromstring(book.read(posixpath.join(base, nav)))
        listed = [link.text_content() for link in navigation.xpath("//nav[@*='page-list']//a")]
    return markers, listed
