"""Ink that reaches a press file's trim and stops there, found on the rendered page (pdfium).
Trimming is never exact to the point: a background or picture that touches the trim must run on
into the bleed, or the knife leaves a white sliver along that edge."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.base.pdfium import opened

SCALE = 1.0  # pixels a point: a sliver of a millimetre is three pixels wide
INSET = 1.5  # points inside each edge looked at, clear of the anti-aliasing on it
INK = 250  # a grey level (0-255) under which a pixel has ink on it
SPARE = 3.0  # points around the lines in the strip rendered
LEAST = 2.0  # points of an edge: less is a stray pixel, not a background


@dataclass(frozen=True)
class Unbled:
    """Where ink stops at the trim: the page, the side, and how much of that edge, in points."""

    page: int
    side: str
    length: float


def unbled_edges(pdf: Path | bytes) -> list[Unbled]:
    """Every edge of every page where ink that touches the trim does not run into the bleed."""
    with opened(pdf) as document:
        return [found for number, page in enumerate(document, start=1) for found in page_edges(number, page)]


def page_edges(number: int, page) -> list[Unbled]:
    trim, bleed = page.get_trimbox(), page.get_bleedbox()
    if min(trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]) < 2 * INSET:
        return []  # no bleed to run into: nothing to ask of it
    found, shown = [], page.get_cropbox()
    for side, inner, outer in lines_either_side(trim, bleed):
        strip = within(around(inner, outer), shown)
        picture = rendered(page, strip, shown)
        length = sum(1 for inside, beyond in zip(pixels(picture, strip, inner), pixels(picture, strip, outer), strict=True)
                     if inside < INK <= beyond) / SCALE
        if length >= LEAST:
            found.append(Unbled(number, side, length))
    return found


def lines_either_side(trim, bleed):
    """For each side of the page, a line just inside the trim and one just inside the bleed's
    edge, each along the trim's length: (side, (x0, y0, x1, y1), (x0, y0, x1, y1))."""
    left, bottom, right, top = trim
    return [
        ("left", (left + INSET, bottom, left + INSET, top), (bleed[0] + INSET, bottom, bleed[0] + INSET, top)),
        ("right", (right - INSET, bottom, right - INSET, top), (bleed[2] - INSET, bottom, bleed[2] - INSET, top)),
        ("bottom", (left, bottom + INSET, right, bottom + INSET), (left, bleed[1] + INSET, right, bleed[1] + INSET)),
        ("top", (left, top - INSET, right, top - INSET), (left, bleed[3] - INSET, right, bleed[3] - INSET)),
    ]


def around(*lines) -> tuple[float, ...]:
    """The rectangle that holds the lines, with points to spare for rounding to pixels."""
    return (min(line[0] for line in lines) - SPARE, min(line[1] for line in lines) - SPARE,
            max(line[2] for line in lines) + SPARE, max(line[3] for line in lines) + SPARE)


def within(rectangle, outer) -> tuple[float, ...]:
    return (max(rectangle[0], outer[0]), max(rectangle[1], outer[1]),
            min(rectangle[2], outer[2]), min(rectangle[3], outer[3]))


def rendered(page, strip, shown):
    """The page (shown: its crop box) rendered in grey within a rectangle (x0, y0, x1, y1): a
    strip along an edge costs a fraction of the whole page."""
    crop = (strip[0] - shown[0], strip[1] - shown[1], shown[2] - strip[2], shown[3] - strip[3])
    return page.render(scale=SCALE, grayscale=True, draw_annots=False, crop=crop).to_pil()


def pixels(picture, strip, line) -> bytes:
    """The grey levels along a level or upright line given in the page's points."""
    x0, y0, x1, y1 = line
    column, row = round((x0 - strip[0]) * SCALE), round((strip[3] - y1) * SCALE)
    width, height = max(1, round((x1 - x0) * SCALE)), max(1, round((y1 - y0) * SCALE))
    return picture.crop((column, row, column + width, row + height)).tobytes()
