"""Retailers' rules beyond EPUBCheck (SPEC §16): what the stores a booklet is sent to
(`retailers:` in publication.yaml) ask of its EPUB, read back from the EPUB as written. Each rule
has a stable code and the retailers whose published rules it follows (docs/diagnostics.md names
them); a rule is checked only for a booklet sent to one of those."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from pipeline.render.booklet import PACKAGE_NAMESPACES, read_package
from pipeline.source.distribution import RETAILERS
from pipeline.source.publication import Booklet

ALL = RETAILERS
NAMES = {"apple-books": "Apple Books", "google-play": "Google Play Books", "kobo": "Kobo",
         "amazon-kdp": "Amazon KDP", "overdrive": "OverDrive"}  # by the names publication.yaml gives them
SHORTEST_COVER_SIDE = 1400  # pixels
MOST_IMAGE_PIXELS = 4_000_000
ACCESSIBILITY_FIELDS = ("schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
                        "schema:accessibilityHazard", "schema:accessibilitySummary", "dcterms:conformsTo",
                        "a11y:certifiedBy")
NS = PACKAGE_NAMESPACES


@dataclass(frozen=True)
class Rule:
    severity: str  # "error": the retailer refuses the file; "warning": it asks, or shows the book worse
    retailers: tuple[str, ...]


RULES = {
    "retail-title": Rule("error", ALL),
    "retail-language": Rule("error", ALL),
    "retail-cover-size": Rule("warning", ALL),
    "retail-image-pixels": Rule("warning", ("apple-books",)),
    "retail-isbn": Rule("warning", ("overdrive",)),
    "retail-isbn-13": Rule("warning", ALL),
    "retail-accessibility": Rule("warning", ALL),
}


@dataclass(frozen=True)
class RetailProblem:
    code: str
    severity: str
    message: str  # ends with the retailers, of the booklet's, whose rule it is


def retail_problems(booklet: Booklet, epub: bytes) -> list[RetailProblem]:
    """The booklet's EPUB against the rules of the retailers it is sent to."""
    if not booklet.retailers:
        return []
    with zipfile.ZipFile(io.BytesIO(epub)) as book:
        found = package_problems(booklet, book)
    problems = []
    for code, message in found:
        rule = RULES[code]
        sent_to = [NAMES[name] for name in booklet.retailers if name in rule.retailers]
        if sent_to:
            problems.append(RetailProblem(code, rule.severity, f"{message} ({', '.join(sent_to)})"))
    return problems


def package_problems(booklet: Booklet, book: zipfile.ZipFile) -> list[tuple[str, str]]:
    opf, base = read_package(book)
    found = identity_problems(booklet, opf)
    properties = {meta.get("property") for meta in opf.iterfind(".//opf:meta[@property]", NS) if (meta.text or "").strip()}
    missing = [field for field in ACCESSIBILITY_FIELDS if field not in properties]
    if missing:
        found.append(("retail-accessibility", f"no {', '.join(missing)} in the package: retailers show "
                      "readers its accessibility from these"))
    for item in opf.iterfind(".//opf:manifest/opf:item", NS):
        if item.get("media-type", "").startswith("image/") and item.get("media-type") != "image/svg+xml":
            found += image_problems(book, posixpath.join(base, item.get("href")), item.get("href"),
                                    "cover-image" in (item.get("properties") or "").split())
    return found


def identity_problems(booklet: Booklet, opf) -> list[tuple[str, str]]:
    import langcodes  # noqa: PLC0415

    found = []
    if not "".join(opf.xpath(".//dc:title//text()", namespaces=NS)).strip():
        found.append(("retail-title", "the EPUB has no title (dc:title)"))
    languages = [node.text or "" for node in opf.iterfind(".//dc:language", NS)]
    if not languages or not all(langcodes.tag_is_valid(lang.strip()) for lang in languages):
        found.append(("retail-language", "the EPUB has no valid language (dc:language)"))
    if not booklet.isbn:
        found.append(("retail-isbn", "the booklet has no isbn: a library e-book is listed by its ISBN-13"))
    elif len(booklet.isbn) == 10:
        found.append(("retail-isbn-13", f"isbn {booklet.isbn} is an ISBN-10: retailers list books by ISBN-13 "
                      "(ONIX gives its 13 digits; give them here too)"))
    return found


def image_problems(book: zipfile.ZipFile, path: str, name: str, cover: bool) -> list[tuple[str, str]]:
    from PIL import Image  # noqa: PLC0415

    with Image.open(io.BytesIO(book.read(path))) as image:
        width, height = image.size
    if cover and min(width, height) < SHORTEST_COVER_SIDE:
        return [("retail-cover-size", f"the cover is {width} x {height} px: retailers ask for at least "
                 f"{SHORTEST_COVER_SIDE} px on its short side")]
    if not cover and width * height > MOST_IMAGE_PIXELS:
        return [("retail-image-pixels", f"image {name} is {width} x {height} px ({width * height:,} pixels): "
                 f"an image inside the book has at most {MOST_IMAGE_PIXELS:,}")]
    return []
