"""Every run of text in a leaflet says what it reads as: its characters as /ActualText.

WeasyPrint's ToUnicode map gives each glyph the text of the first cluster it was drawn
for, and nothing to the other glyphs of a cluster. That holds for Latin text, but not where
shaping makes many glyphs of one character, one glyph of many, or reorders them (Arabic
marks, Urdu in Nastaliq, Bengali vowel signs): copied, searched or read aloud, such a
leaflet gave letters in the wrong order, or other letters. A marked-content span with
/ActualText (PDF 32000-1, 14.9.4) is how a PDF states the text behind its glyphs, and
page_runs reads it back: verify reads leaflets by it, and the braille finds where each
print page begins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

ACTUAL_TEXT = "ActualText"


def state_actual_text() -> None:
    """Wrap WeasyPrint's drawing of each text box (one line's run of one inline box) in a
    span that carries the box's text, once per process."""
    import pydyf  # noqa: PLC0415
    from weasyprint import draw  # noqa: PLC0415 - the module whose name the drawing code calls

    if getattr(draw.draw_text, "states_actual_text", False):
        return
    draw_text = draw.draw_text

    @wraps(draw_text)
    def draw_text_as_span(stream, textbox, *args, **kwargs):
        if textbox.style["visibility"] != "visible" or not textbox.text:
            return draw_text(stream, textbox, *args, **kwargs)
        # Untagged (the office booklet), page furniture says what it is here; tagged, mend_tags does.
        furniture = stream._tags is None and in_page_margin(textbox.style)  # noqa: SLF001
        if furniture:
            stream.begin_marked_content("Artifact", pydyf.Dictionary({"Type": "/Pagination"}))
        stream.begin_marked_content("Span", pydyf.Dictionary({ACTUAL_TEXT: pydyf.String(textbox.text)}))
        try:
            return draw_text(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()
            if furniture:
                stream.end_marked_content()

    draw_text_as_span.states_actual_text = True
    draw.draw_text = draw_text_as_span


def in_page_margin(style) -> bool:
    """Whether text with this style is in a page-margin box (@bottom-center...): the running footer."""
    while style is not None:
        if (getattr(style, "pseudo_type", None) or "").startswith("@"):
            return True
        style = getattr(style, "parent_style", None)
    return False


@dataclass(frozen=True)
class Run:
    """One run of text as drawn: its characters, its baseline and its font size, and whether it is page furniture."""

    text: str
    baseline: float
    size: float
    furniture: bool = False  # drawn inside an artifact (the running footer), not the content


def page_runs(page) -> list[tuple[int | None, Run]]:
    """(mcid, run) for each run of text on a page that states its /ActualText, in the order drawn;
    the mcid of the tagged content it stands in, or None (untagged, or an artifact: the running
    footer, which the run says it is part of: `furniture`)."""
    import pikepdf  # noqa: PLC0415

    found: list[tuple[int | None, Run]] = []
    marks: list[tuple[int | None, bool]] = []  # each open marked-content sequence: its MCID if any, an artifact?
    size, pending = 0.0, None  # pending: (mcid, text, furniture) of a run whose position comes next
    for operands, operator in pikepdf.parse_content_stream(page, "BDC BMC EMC Tf Tm"):
        name = str(operator)
        if name in ("BDC", "BMC"):
            properties = operands[1] if name == "BDC" and isinstance(operands[1], pikepdf.Dictionary) else {}
            marks.append((int(properties["/MCID"]) if "/MCID" in properties else None, operands[0] == "/Artifact"))
            if "/ActualText" in properties:
                pending = (next((mcid for mcid, _ in reversed(marks) if mcid is not None), None),
                           str(properties["/ActualText"]), any(artifact for _, artifact in marks))
        elif name == "EMC" and marks:
            marks.pop()
        elif name == "Tf":
            size = float(operands[1])
        elif name == "Tm" and pending is not None:
            found.append((pending[0], Run(pending[1], float(operands[5]), size, pending[2])))
            pending = None
    return found
