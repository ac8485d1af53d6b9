"""Every run of text in a leaflet says what it reads as: its characters as /ActualText.

WeasyPrint's ToUnicode map gives each glyph the text of the first cluster it was drawn
for, and nothing to the other glyphs of a cluster. That holds for Latin text, but not where
shaping makes many glyphs of one character, one glyph of many, or reorders them (Arabic
marks, Urdu in Nastaliq, Bengali vowel signs): copied, searched or read aloud, such a
leaflet gave letters in the wrong order, or other letters. A marked-content span with
/ActualText (PDF 32000-1, 14.9.4) is how a PDF states the text behind its glyphs, and
verify reads leaflets back through it.
"""

from __future__ import annotations

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
