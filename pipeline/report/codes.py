"""Every diagnostic code: the family of checks it belongs to and what it means, in one line.

A code is stable: CI systems key their annotations, code-scanning alerts and test cases on it.
docs/diagnostics.md documents each one under an anchor of its own name (#unknown-field).
"""

from __future__ import annotations

DOCS = "docs/diagnostics.md"

FAMILIES = {
    "files": ("the file can be read", {
        "unreadable": "The file cannot be read",
        "encoding": "The file is not valid UTF-8",
        "front-matter": "The YAML front matter is missing or not closed",
        "yaml": "The YAML is malformed",
        "manuscript-size": "The manuscript is larger than limits: manuscript-bytes",
        "slug": "The file name is not a usable slug",
        "duplicate-slug": "Two manuscripts have one slug",
    }),
    "fields": ("the front matter's fields are valid", {
        "field": "A field is missing, of the wrong kind or has an invalid value",
        "unknown-field": "A field the schema does not know (an error when one slip from a known one)",
        "one-line": "A one-line field holds what only a block can",
        "unknown-disclaimer": "The disclaimer is not defined in publication.yaml",
    }),
    "references": ("citations and references match", {
        "duplicate-reference": "Two references have one id",
        "unknown-citation": "A citation has no matching reference",
        "uncited-reference": "A reference is never cited",
    }),
    "images": ("images are safe, present and described", {
        "remote-image": "An image is remote",
        "image-outside-project": "An image is outside the project",
        "image-path": "An image path cannot be a file name",
        "missing-image": "An image does not exist",
        "image-type": "An image is not PNG, JPEG, GIF, SVG or WebP",
        "image-size": "An image is larger than limits: image-bytes",
        "unsafe-svg": "An SVG image could run script or load files",
        "image-alt": "An image has no alt text",
    }),
    "html": ("raw HTML is safe and fits the page", {
        "unsafe-html": "Raw HTML or a link that could run script or load files",
        "html-id": "Raw HTML gives an id another element has",
    }),
    "links": ("every link goes somewhere", {
        "link": "A link goes nowhere, or could not be followed in every format",
    }),
    "tables": ("tables are whole and comparable", {
        "table-row": "A table row has more or fewer cells than the table has columns",
        "headless-table": "A pipe table without a header row",
        "html-table": "A table written in HTML, which verify cannot compare",
        "table-size": "A table has more rows than limits: table-rows",
        "table-caption": "A table without a caption",
        "table-header": "A table without a header row",
    }),
    "content": ("the text is complete and readable", {
        "template-text": "Text of publish new's template, never replaced",
        "empty-heading": "A heading without text",
        "nesting": "Content nested deeper than limits: nesting-depth",
        "pandoc": "pandoc could not convert the manuscript",
        "readability": "The text reads harder than its language's target",
        "rare-word": "A word rare in its language, not in the glossary",
        "topic-spelling": "A topic spelt differently from its usual spelling",
        "missing-font": "No installed font can draw some of the text",
    }),
    "review": ("review dates and versions hold", {
        "review-date": "The review date is before the date",
        "last-reviewed": "The last review is after the next review date",
        "review-in-future": "A review is dated in the future",
        "version-down": "The version is lower than one committed before",
        "version-not-raised": "The content changed since the version was committed",
        "overdue": "The article is overdue for review",
    }),
    "translations": ("translations follow their sources", {
        "translation-name": "A translation's file name is not <slug>.<lang>.md",
        "translation-lang": "A translation's lang disagrees with its file name",
        "translation-source": "A translation's source is missing or has errors",
        "translation-structure": "A translation's blocks do not match its source's",
        "translation-sections": "A translation has more or fewer sections than its source",
        "translation-references": "A translation's references differ from its source's",
        "translation-outdated": "The source changed since the translation was accepted",
        "translation-unaccepted": "A translation was never accepted",
        "translation-accept": "A translation cannot be accepted",
        "feedback-translation": "publication.yaml has no feedback line in the article's language",
        "labels": "styles/labels.yaml has no words in the article's language",
        "braille-table": "No braille table for the article's language: no braille files",
    }),
    "easy-read": ("Easy Read editions are easy to read", {
        "easy-read-source": "An Easy Read edition's article does not exist",
        "easy-read-picture": "A row of an Easy Read edition without a picture",
        "easy-read-row": "A row of more than three sentences",
        "easy-read-sentence": "A sentence of more than 15 words",
        "easy-read-passive": "A passive sentence (English)",
        "easy-read-abbreviation": "An abbreviation",
        "easy-read-table": "A table in an Easy Read edition",
        "easy-read-pages": "An Easy Read leaflet of more than 24 pages",
    }),
    "project": ("publication.yaml agrees with the project", {
        "duplicate-booklet": "Two booklets have one id",
        "unknown-manuscript": "A booklet names a manuscript that does not exist",
        "logo": "The logo is not a file inside manuscripts/",
        "profile": "The print profile is not a CMYK ICC profile inside manuscripts/",
        "braille-table-unknown": "publication.yaml names a braille table liblouis does not have",
    }),
    "print": ("the press files pass preflight", {
        "preflight-missing": "A press file publish preflight was asked to read is not there",
        "preflight-unreadable": "A press file is not a PDF that can be read",
        "preflight-boxes": "A page lacks its TrimBox or BleedBox, or they do not nest",
        "preflight-output-intent": "No PDF/X output intent with a CMYK profile",
        "preflight-annotations": "Annotations (links) in a print file",
        "preflight-rgb": "An RGB colour, colour space or image in a print file",
        "preflight-ink": "Total ink above 300 %",
        "preflight-resolution": "An image under 300 ppi as printed (under 150: an error)",
        "preflight-text-size": "Text under 6 pt",
        "preflight-rich-black": "Text under 12 pt in rich black",
        "preflight-bleed": "Ink that touches the trim stops there instead of running into the bleed",
    }),
    "retail": ("the booklets meet their retailers' rules", {
        "retail-title": "The EPUB has no title",
        "retail-language": "The EPUB has no valid language",
        "retail-cover-size": "The cover is under 1400 px on its short side",
        "retail-image-pixels": "An image inside the book has more than 4 million pixels",
        "retail-isbn": "A booklet sent to a library distributor has no ISBN",
        "retail-isbn-13": "A booklet's ISBN is an ISBN-10",
        "retail-accessibility": "An accessibility field retailers show is missing from the EPUB",
    }),
    "build": ("every output could be made", {
        "resource-limit": "The article took longer than its time limit, or is too large to lay out",
        "not-built": "An output could not be built",
        "internal-error": "A bug in the pipeline stopped an output",
    }),
    "verify": ("every format says the same thing", {
        "difference": "An output differs from the manuscript",
        "not-verified": "An article could not be verified",
    }),
}

CODES = {code: (family, summary) for family, (_, codes) in FAMILIES.items() for code, summary in codes.items()}
OTHER = "other"


def family_of(code: str) -> str:
    return CODES.get(code, (OTHER, ""))[0]


def summary_of(code: str) -> str:
    return CODES.get(code, (OTHER, code))[1]


def anchor(code: str) -> str:
    """Where docs/diagnostics.md explains the code."""
    return f"{DOCS}#{code}"
