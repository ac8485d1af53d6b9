"""A generated cover: the booklet's title on a plain field, drawn with Pillow.

Text is shaped and ordered by raqm (Arabic joins, right-to-left runs), set in the font
fontconfig picks for the booklet's language, and fitted: lines are broken by measured width
(between characters where a script has no spaces) and the size shrinks until the title fits
its band, so no title runs off the cover.
"""

from __future__ import annotations

import io
import subprocess
from functools import lru_cache

from pipeline.base.languages import direction, language, wide
from pipeline.source.publication import Booklet, Publication

# Designed on a grid of 1200 by 1800, drawn at 1600 by 2400: retailers want a cover at least
# 1400 px on its short side (docs/diagnostics.md, retail-cover-size).
SCALE = 4 / 3


def px(design: float) -> int:
    return round(design * SCALE)


SIZE = (px(1200), px(1800))
MARGIN = px(90)
BLUE, WHITE, PALE = (11, 92, 171), (255, 255, 255), (238, 244, 251)
TITLE_BAND = (px(180), px(700))  # where the title stands on the blue field
TITLE_SIZES = [px(size) for size in range(96, 39, -4)]
LINE_SPACING = 1.25


def cover_png(booklet: Booklet, publication: Publication, lang: str) -> bytes:
    from PIL import Image, ImageDraw  # noqa: PLC0415

    image = Image.new("RGB", SIZE, PALE)
    draw = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * MARGIN
    size, lines = fit(booklet.title, lang, width, TITLE_BAND[1] - TITLE_BAND[0])
    bottom = TITLE_BAND[0] + int(len(lines) * size * LINE_SPACING)
    draw.rectangle([0, 0, SIZE[0], max(px(760), bottom + px(60))], fill=BLUE)
    y = write_lines(draw, lines, lang, size, TITLE_BAND[0], WHITE, bold=True)
    if booklet.subtitle:
        subtitle_size = px(50)
        write_lines(draw, wrap(booklet.subtitle, font(lang, subtitle_size, False, booklet.subtitle), width, lang),
                    lang, subtitle_size, max(px(840), y + px(120)), BLUE, bold=False)
    write_lines(draw, [publication.publisher], lang, px(54), SIZE[1] - px(200), BLUE, bold=True)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def fit(text: str, lang: str, width: int, height: int) -> tuple[int, list[str]]:
    """The largest size at which the text, wrapped to the width, fits the height (else the smallest)."""
    for size in TITLE_SIZES:
        lines = wrap(text, font(lang, size, True, text), width, lang)
        if len(lines) * size * LINE_SPACING <= height:
            return size, lines
    return size, lines


def wrap(text: str, face, width: int, lang: str) -> list[str]:
    """Lines no wider than `width`: broken at spaces, and between characters of scripts that
    write none (or inside a word longer than a line)."""
    lines: list[str] = []
    for word in breakable_pieces(text):
        candidate = (lines[-1] + word) if lines else word.lstrip()
        if lines and measure(face, candidate.rstrip(), lang) <= width:
            lines[-1] = candidate
        elif measure(face, word.strip(), lang) <= width:
            lines.append(word.lstrip())
        else:
            lines.extend(split_long(word.strip(), face, width, lang))
    return [line.strip() for line in lines if line.strip()]


NO_LINE_START = set("，。：；！？、）」』】〉》,.:;!?)")  # stays at the end of the line before


def breakable_pieces(text: str) -> list[str]:
    """Words with the space before them; each wide (CJK) character is a piece of its own, but
    closing punctuation never starts a line."""
    pieces: list[str] = []
    for index, character in enumerate(text):
        if character in NO_LINE_START and pieces:
            pieces[-1] += character
        elif not pieces or character == " " or wide(character) or wide(text[index - 1]):
            pieces.append(character)
        else:
            pieces[-1] += character
    return pieces


def split_long(word: str, face, width: int, lang: str) -> list[str]:
    lines = [""]
    for character in word:
        if lines[-1] and measure(face, lines[-1] + character, lang) > width:
            lines.append("")
        lines[-1] += character
    return lines


def measure(face, text: str, lang: str) -> float:
    return face.getlength(text, direction=direction(lang), language=lang or None)


def write_lines(draw, lines: list[str], lang: str, size: int, top: int, colour, bold: bool) -> int:
    """Draw lines from `top`, aligned to the start of the language's direction; return the next top."""
    face, rtl = font(lang, size, bold, "".join(lines)), direction(lang) == "rtl"
    for line in lines:
        x, anchor = (SIZE[0] - MARGIN, "ra") if rtl else (MARGIN, "la")
        draw.text((x, top), line, font=face, fill=colour, anchor=anchor, direction=direction(lang),
                  language=lang or None)
        top += int(size * LINE_SPACING)
    return top


def font(lang: str, size: int, bold: bool, text: str = ""):
    """The face for drawing `text`: cached by the characters it needs, so the title measured while
    fitting and the same title drawn in lines share one lookup."""
    return _font(lang, size, bold, frozenset(text) - {" "})


@lru_cache(maxsize=64)
def _font(lang: str, size: int, bold: bool, characters: frozenset[str]):
    from PIL import ImageFont  # noqa: PLC0415

    path, index = font_file(lang, bold, characters)
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.RAQM)


FONTCONFIG_LANGUAGES = {"Hans": "zh-cn", "Hant": "zh-tw"}  # fontconfig names Chinese by region


@lru_cache(maxsize=64)
def font_file(lang: str, bold: bool, characters: frozenset[str]) -> tuple[str, int]:
    """The first of fontconfig's sans-serif fonts for the language that has every character
    (Urdu's Nastaliq has no Latin letters for "B12"), and its face in a collection."""
    needed = {ord(character) for character in characters if not character.isspace()}
    candidates = fontconfig_fonts(lang, bold)
    return next((found for found in candidates if needed <= covered(*found)), candidates[0])


@lru_cache(maxsize=16)
def fontconfig_fonts(lang: str, bold: bool) -> list[tuple[str, int]]:
    """fontconfig's sans-serif fonts for a language, best first, as (file, face index)."""
    found = language(lang) if lang else None
    name = FONTCONFIG_LANGUAGES.get(found.script if found else "", (lang or "en").lower())
    pattern = f"sans-serif:lang={name}:weight={'bold' if bold else 'regular'}"
    listed = subprocess.run(["fc-match", "-s", "-f", "%{file}\t%{index}\n", pattern], capture_output=True,
                            text=True, check=True).stdout.split("\n")
    return [(path, int(index or 0)) for path, _, index in (line.partition("\t") for line in listed if line)]


@lru_cache(maxsize=64)
def covered(path: str, index: int) -> frozenset[int]:
    """The code points a font face has (empty for a file fontTools cannot read as a font)."""
    from fontTools.ttLib import TTCollection, TTFont  # noqa: PLC0415 - WeasyPrint's own font library

    if not path.endswith((".ttf", ".otf", ".ttc")):
        return frozenset()
    face = TTCollection(path).fonts[index] if path.endswith(".ttc") else TTFont(path, lazy=True)
    return frozenset(face.getBestCmap() or {})
