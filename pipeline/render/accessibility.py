"""A booklet's accessibility, stated once: the EPUB's package metadata (schema.org's terms) and
the ONIX record's codes (code lists 196 and 143) are both written from these facts, so what a
retailer reads in the record is what a reading system reads in the book."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.examine.document import Document

SUMMARY = (
    "Text with headings, a table of contents and landmarks; tables have header rows and "
    "captions; images have text alternatives; numbered references are linked endnotes. "
    "No flashing, sound or motion. Meets WCAG 2.2 Level AA."
)
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
# Each schema.org accessibility feature and the ONIX code list 196 code a retailer reads it by
# (the W3C's crosswalk of the two).
FEATURE_CODES = {"tableOfContents": "11", "readingOrder": "13", "alternativeText": "14",
                 "pageBreakMarkers": "19", "structuralNavigation": "29", "displayTransformability": "36",
                 "pageNavigation": "41"}
CONFORMANCE_CODES = ("04", "82", "85")  # EPUB Accessibility 1.1, WCAG 2.2, level AA
NO_OPTIONS_DISABLED = "10"  # no DRM: no reading system option is turned off
READABLE_WITHOUT_SIGHT = "52"  # accessModeSufficient textual
SUMMARY_CODE, CERTIFIED_BY_CODE = "00", "90"
HAZARD_CODES = {"none": "00"}  # ONIX code list 143: no known hazards or warnings


@dataclass(frozen=True)
class Accessibility:
    modes: tuple[str, ...]
    sufficient: tuple[str, ...]
    features: tuple[str, ...]
    hazards: tuple[str, ...]
    summary: str
    conforms_to: str
    certified_by: str
    page_break_source: str | None  # the print edition its page list follows (urn:isbn:...), if it has one

    def onix_features(self) -> list[tuple[str, str | None]]:
        """(code list 196 code, description) for each fact, in the order ONIX lists them."""
        codes = [(SUMMARY_CODE, self.summary), *((code, None) for code in CONFORMANCE_CODES),
                 (NO_OPTIONS_DISABLED, None), *((FEATURE_CODES[feature], None) for feature in self.features),
                 *([(READABLE_WITHOUT_SIGHT, None)] if "textual" in self.sufficient else []),
                 (CERTIFIED_BY_CODE, self.certified_by)]
        return sorted(codes, key=lambda code: code[0])

    def onix_hazards(self) -> list[str]:
        return [HAZARD_CODES[hazard] for hazard in self.hazards]


def accessibility_of(documents: list[Document], publisher: str, page_break_source: str | None) -> Accessibility:
    """The facts of a booklet of these articles; one with a print edition has its page list, and
    names the edition its page numbers follow (`page_break_source`: its urn:isbn:, or its title)."""
    has_images = any(document.images for document in documents)
    features = ["tableOfContents", "readingOrder", "structuralNavigation", "displayTransformability",
                *(["alternativeText"] if has_images else []),
                *(["pageBreakMarkers", "pageNavigation"] if page_break_source else [])]
    return Accessibility(modes=("textual", "visual") if has_images else ("textual",), sufficient=("textual",),
                         features=tuple(sorted(features)), hazards=("none",), summary=SUMMARY,
                         conforms_to=CONFORMS_TO, certified_by=publisher, page_break_source=page_break_source)
