"""Braille editions of a leaflet: BRF (ASCII braille, for embossers and braille displays) and PEF
(Unicode braille, the DAISY Consortium's portable embosser format), from the document's parts.

Laid out as transcribers do (after BANA's formats): the title centred, headings centred (or in
cell 5 below the second level) with a blank line before them, paragraphs in cell 3 running over
to cell 1, list items hanging (cell 1, then cell 3), a table read row by row after a
transcriber's note, every cell after its column's heading, and the braille page number at the
right of each page's last line. A line breaks between words; a word longer than a line is
divided where the line ends."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

import lxml.html

from pipeline.base.braille import BLANK, eight_dot, table_for, translated
from pipeline.examine.document import Document
from pipeline.examine.reading import normalise
from pipeline.render.leaflet import print_html
from pipeline.source.publication import Publication
from pipeline.source.theme import Labels, Theme, labels

# North American braille ASCII: the character of each six-dot cell, by its dots as bits (dot 1 = 1 ... dot 6 = 32).
ASCII_BRAILLE = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="
FORM_FEED, LINE_END = "\f", "\r\n"


def render_braille(document: Document, publication: Publication, theme: Theme) -> tuple[bytes, bytes] | None:
    """The article's BRF and PEF files; None for a language without a braille table."""
    table = table_for(document.lang, publication.braille.tables)
    if table is None:
        return None
    width, height = publication.braille.cells, publication.braille.lines
    blocks = braille_blocks(document, publication, labels(theme, document.lang), table)
    pages = paginate(blocks, width, height, lambda number: translated(str(number), table))
    found = {cell for page in pages for line in page for cell in eight_dot(line)}
    if found:  # a table of the publication's: ours write six dots (tests/test_braille.py)
        raise ValueError(f"{table} wrote {len(found)} cells with dot 7 or 8, which BRF cannot hold")
    return brf(pages), pef(pages, document, width, height)


@dataclass(frozen=True)
class Block:
    """A run of braille laid out as one: the cell its first line starts in and the one the rest
    start in (from 0), centred or not, and a blank line before it."""

    cells: str
    first: int = 2
    runover: int = 0
    centred: bool = False
    space_before: bool = False


def braille_blocks(document: Document, publication: Publication, words: Labels, table: str) -> list[Block]:
    """The leaflet's parts in reading order, in braille."""
    def brl(text: str) -> str:
        # The text as verify reads every format (quotes straight, ligatures apart): one braille for both.
        return translated(normalise(text), table)

    def heading(text: str) -> Block:
        return Block(brl(text), 0, 0, centred=True, space_before=True)

    def printed(html: str) -> str:  # a part as the leaflet prints it (its notes after it), and verify reads it
        return print_html(html, publication.base_url)

    blocks = [Block(brl(document.title.text), 0, 0, centred=True)]
    if document.summary.text:  # an Easy Read edition may have none
        blocks += [heading(words.plain("summary")), *body_blocks(printed(document.summary.html), brl, words)]
    if document.key_points:
        blocks.append(heading(words.plain("key-points")))
        blocks += [Block(brl(f"{text_of(printed(point.title.html))}. {text_of(printed(point.text.html))}"), 0, 2)
                   for point in document.key_points]
    blocks += body_blocks(printed(document.body), brl, words)
    if document.faq:
        blocks.append(heading(words.plain("faq")))
        for item in document.faq:
            blocks.append(Block(brl(text_of(printed(item.question.html))), 4, 4, space_before=True))
            blocks += body_blocks(printed(item.answer.html), brl, words)
    if document.references:
        blocks.append(heading(words.plain("references")))
        blocks += [Block(brl(f"{reference.number}.") + BLANK + brl(reference.text), 0, 2)
                   for reference in document.references]
    blocks += [heading(document.disclaimer.title), Block(brl(document.disclaimer.text))]
    return blocks


def text_of(html: str) -> str:
    return " ".join(lxml.html.fragment_fromstring(html, create_parent="div").text_content().split())


def body_blocks(html: str, brl, labels: Labels) -> list[Block]:
    found: list[Block] = []
    for element in lxml.html.fragment_fromstring(html, create_parent="div"):
        found += element_blocks(element, brl, labels, 0)
    return found


def element_blocks(element, brl, labels: Labels, depth: int) -> list[Block]:
    """One element of the body as braille blocks; containers by their children."""
    tag, text = element.tag, " ".join(element.text_content().split())
    if tag == "h2":
        return [Block(brl(text), 0, 0, centred=True, space_before=True)]
    if tag in ("h3", "h4", "h5", "h6"):
        return [Block(brl(text), 4, 4, space_before=True)]
    if tag in ("ul", "ol"):
        return list_blocks(element, brl, labels, depth)
    if tag == "table":
        return table_blocks(element, brl, labels)
    if tag in ("div", "section", "blockquote", "figure", "dl", "aside") and len(element):
        return [block for kid in element for block in element_blocks(kid, brl, labels, depth)]
    if tag == "img":
        text = element.get("alt", "")
    return [Block(brl(text), 2 + 2 * depth, 2 * depth)] if text else []


def list_blocks(listing, brl, labels: Labels, depth: int) -> list[Block]:
    found = []
    for number, item in enumerate(listing.findall("li"), start=1):
        nested = [kid for kid in item if kid.tag in ("ul", "ol")]
        for kid in nested:
            item.remove(kid)
        marker = f"{number}. " if listing.tag == "ol" else ""
        found.append(Block(brl(marker + " ".join(item.text_content().split())), 2 * depth, 2 * depth + 2))
        for kid in nested:
            found += list_blocks(kid, brl, labels, depth + 1)
    return found


def table_blocks(table, brl, labels: Labels) -> list[Block]:
    """A transcriber's note, the caption, the column headings once, then each row: every cell
    after its column's heading."""
    rows = [[" ".join(cell.text_content().split()) for cell in row.findall("./th") + row.findall("./td")]
            for row in table.iter("tr")]
    head = rows[0] if table.find(".//thead") is not None and rows else []
    body = rows[1:] if head else rows
    caption = table.find("caption")
    found = [Block(brl(labels.plain("table-note")), 6, 4, space_before=True)]
    if caption is not None:
        found.append(Block(brl(" ".join(caption.text_content().split())), 2, 0))
    if head:
        found.append(Block(BLANK.join(brl(cell) for cell in head), 0, 2))
    for row in body:
        for column, cell in enumerate(row):
            heading = head[column] if column < len(head) else ""
            cells = (brl(f"{heading}:") + BLANK if heading else "") + brl(cell)
            found.append(Block(cells, 0 if column == 0 else 2, 4, space_before=column == 0))
    return found


def paginate(blocks: list[Block], width: int, height: int, page_number) -> list[list[str]]:
    """Pages of lines: each line at most `width` cells, `height` lines a page, the last of which
    holds the page's braille number at its right (`page_number(n)`: the cells of the number)."""
    lines: list[str] = []
    for block in blocks:
        if block.space_before and lines and lines[-1] != "":
            lines.append("")
        lines += block_lines(block, width)
    per_page = height - 1
    pages = [lines[start:start + per_page] for start in range(0, len(lines), per_page)] or [[]]
    for number, page in enumerate(pages, start=1):
        while page and page[0] == "":  # a page does not start with a blank line
            page.pop(0)
        page += [""] * (per_page - len(page))
        label = page_number(number)
        page.append(BLANK * (width - len(label)) + label)
    return pages


def block_lines(block: Block, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in (word for word in block.cells.split(BLANK) if word):
        indent = block.first if not lines and not line else block.runover
        room = width - (len(line) + 1 if line else indent)
        if line and len(word) <= room:
            line += BLANK + word
            continue
        if line:
            lines.append(line)
            indent = block.runover
        while len(word) > width - indent:  # longer than a line: divided where the line ends
            lines.append(BLANK * indent + word[:width - indent])
            word, indent = word[width - indent:], block.runover
        line = BLANK * indent + word
    if line:
        lines.append(line)
    if block.centred:
        lines = [BLANK * ((width - len(text.strip(BLANK))) // 2) + text.strip(BLANK) for text in lines]
    return [text.rstrip(BLANK) for text in lines]


def brf(pages: list[list[str]]) -> bytes:
    """Braille Ready Format: ASCII braille, lines ending CR LF, a form feed after each page."""
    return "".join(LINE_END.join(ascii_braille(line) for line in page) + LINE_END + FORM_FEED
                   for page in pages).encode("ascii")


def ascii_braille(line: str) -> str:
    return "".join(ASCII_BRAILLE[(ord(cell) - 0x2800) & 0x3F] for cell in line).rstrip()


def cells_of_ascii(line: str) -> str:
    """An ASCII braille line as Unicode cells (what verify reads a BRF file back by)."""
    return "".join(chr(0x2800 + ASCII_BRAILLE.index(char)) for char in line.upper())


def pef(pages: list[list[str]], document: Document, width: int, height: int) -> bytes:
    """PEF 2008-1: one volume, one section, each page's rows in Unicode braille."""
    rows = "".join("<page>" + "".join(f"<row>{line}</row>" if line else "<row/>" for line in page) + "</page>"
                   for page in pages)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<pef version="2008-1" xmlns="http://www.daisy.org/ns/2008/pef">'
        '<head><meta xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:format>application/x-pef+xml</dc:format>"
        f"<dc:identifier>{escape(document.url)}</dc:identifier>"
        f"<dc:title>{escape(document.title.text)}</dc:title>"
        f"<dc:language>{escape(document.lang)}</dc:language>"
        f"<dc:date>{document.date.isoformat()}</dc:date>"
        "</meta></head>"
        f'<body><volume cols="{width}" rows="{height}" rowgap="0" duplex="false"><section>{rows}</section></volume>'
        "</body></pef>\n"
    ).encode("utf-8")
