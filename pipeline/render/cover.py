"""A generated cover: the booklet's title on a plain field, drawn with Pillow."""

from __future__ import annotations

import io
import textwrap

from ..config import Booklet, Publication

SIZE = (1200, 1800)
BLUE, WHITE, PALE = (11, 92, 171), (255, 255, 255), (238, 244, 251)
FONT_BOLD, FONT_REGULAR = "DejaVuSans-Bold.ttf", "DejaVuSans.ttf"


def cover_png(booklet: Booklet, publication: Publication) -> bytes:
    from PIL import Image, ImageDraw, ImageFont  # noqa: PLC0415

    image = Image.new("RGB", SIZE, PALE)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, SIZE[0], 760], fill=BLUE)
    title_font = ImageFont.truetype(FONT_BOLD, 92)
    y = 180
    for line in textwrap.wrap(booklet.title, width=20):
        draw.text((90, y), line, font=title_font, fill=WHITE)
        y += 115
    if booklet.subtitle:
        subtitle_font = ImageFont.truetype(FONT_REGULAR, 50)
        y = 840
        for line in textwrap.wrap(booklet.subtitle, width=34):
            draw.text((90, y), line, font=subtitle_font, fill=BLUE)
            y += 70
    draw.text((90, SIZE[1] - 200), publication.publisher, font=ImageFont.truetype(FONT_BOLD, 54), fill=BLUE)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
