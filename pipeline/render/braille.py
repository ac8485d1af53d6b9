"""Braille editions of a leaflet: BRF (ASCII braille, for embossers and braille displays) and PEF
(Unicode braille, the DAISY Consortium's portable embosser format), from the document's parts.

Laid out as transcribers do (after BANA's formats): the title centred, headings centred (or in
cell 5 below the second level) with a blank line before them, paragraphs in cell 3 running over
to cell 1, list items hanging (cell 1, then cell 3), a table read row by row after a
transcriber's note, every cell after its column's heading, and the braille page number at the
right of each page's last line. A line breaks between words; a word longer than a line is
divided where the line ends. With the standard leaflet, the print page each braille page begins
in stands at the right of its first line, and an indicator line where a print page begins
(print_pages finds where)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape

import lxml.html

from pipeline.base.braille import BLANK, eight_dot, table_for, translated
from pipeline.examine.document import Document
from pipeline.examine.reading import normalise
from pipeline.render.leaflet import print_html
from pipeline.render.print_pages import PageStart, page_openings, page_starts
from pipeline.source.publication import Publication
from pipeline.source.theme import Labels, Theme, labels

# North American braille ASCII: the character of each six-dot cell, by its dots as bits (dot 1 = 1 ... dot 6 = 32).
ASCII_BRAILLE = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="
FORM_FEED, LINE_END = "\f", "\r\n"
PAGE_CHANGE = "\u2824"  # dots 3-6: the cells of a print page indicator line


def render_braille(document: Document, publication: Publication, theme: Theme,
                   leaflet: bytes | None = None) -> tuple[bytes, bytes] | None:
    """The article's BRF and PEF files; None for a language without a braille table. With its
    standard leaflet, they mark where each of its print pages begins (when it has more than one)."""
    table = table_for(document.lang, publication.braille.tables)
    if table is None:
        return None
    width, height = publication.braille.cells, publication.braille.lines
    blocks = braille_blocks(document, publication, labels(theme, document.lang), table)
    openings = page_openings(leaflet) if leaflet is not None else []
    if len(openings) > 1:
        blocks = with_page_changes(blocks, page_starts([block.shown for block in blocks], openings))
    pages = paginate(blocks, width, height, lambda number: translated(number, table), len(openings) > 1)
    found = {cell for page in pages for line in page for cell in eight_dot(line)}
    if found:  # a table of the publication's: ours write six dots (tests/test_braille.py)
        raise ValueError(f"{table} wrote {len(found)} cells with dot 7 or 8, which BRF cannot hold")
    return brf(pages), pef(pages, document, width, height)


@dataclass(frozen=True)
class Block:
    """A run of braille laid out as one: the cell its first line starts in and the one the rest
    start in (from 0), centred or not, and a blank line before it; and the print text it was
    translated from, a word for each of its braille words where the table writes it so."""

    cells: str
    first: int = 2
    runover: int = 0
    centred: bool = False
    space_before: bool = False
    text: str = ""
    shown_from: int = 0  # where in `text` what the leaflet prints in its place begins (a table cell after its heading)

    @property
    def shown(self) -> str:
        return self.text[self.shown_from:]


@dataclass(frozen=True)
class PageChange:
    """A print page of the leaflet begins here."""

    number: int


def braille_blocks(document: Document, publication: Publication, words: Labels, table: str) -> list[Block]:
    """The leaflet's parts in reading order, in braille."""
    def part(*pieces: str, unprinted: int = 0, **layout) -> Block:
        """Pieces of print text translated apart and joined by a blank cell, as verify finds
        each (quotes straight, ligatures apart: normalise); the first `unprinted` are not the
        leaflet's text in this place (a number it prints as a list marker, a column's heading)."""
        text = " ".join(pieces)
        cells = BLANK.join(translated(normalise(piece), table) for piece in pieces)
        return Block(cells, text=text, shown_from=len(" ".join(pieces[:unprinted])) + 1 if unprinted else 0, **layout)

    def heading(text: str) -> Block:
        return part(text, first=0, centred=True, space_before=True)

    def printed(html: str) -> str:  # a part as the leaflet prints it (its notes after it), and verify reads it
        return print_html(html, publication.base_url)

    blocks = [part(document.title.text, first=0, centred=True)]
    if document.subtitle is not None:
        blocks.append(part(document.subtitle.text, first=0, centred=True))
    if document.summary.text:  # an Easy Read edition may have none
        blocks += [heading(words.plain("summary")), *body_blocks(printed(document.summary.html), part, words)]
    if document.key_points:
        blocks.append(heading(words.plain("key-points")))
        blocks += [part(f"{text_of(printed(point.title.html))}. {text_of(printed(point.text.html))}", first=0,
                        runover=2) for point in document.key_points]
    blocks += body_blocks(printed(document.body), part, words)
    if document.faq:
        blocks.append(heading(words.plain("faq")))
        for item in document.faq:
            blocks.append(part(text_of(printed(item.question.html)), first=4, runover=4, space_before=True))
            blocks += body_blocks(printed(item.answer.html), part, words)
    if document.references:
        blocks.append(heading(words.plain("references")))
        blocks += [part(f"{reference.number}.", reference.text, unprinted=1, first=0, runover=2)
                   for reference in document.references]
    blocks += [heading(document.disclaimer.title), part(document.disclaimer.text)]
    return blocks


def text_of(html: str) -> str:
    return " ".join(lxml.html.fragment_fromstring(html, create_parent="div").text_content().split())


def body_blocks(html: str, part, labels: Labels) -> list[Block]:
    found: list[Block] = []
    for element in lxml.html.fragment_fromstring(html, create_parent="div"):
        found += element_blocks(element, part, labels, 0)
    return found


def element_blocks(element, part, labels: Labels, depth: int) -> list[Block]:
    """One element of the body as braille blocks; containers by their children."""
    tag, text = element.tag, " ".join(element.text_content().split())
    if element.get("aria-hidden") == "true":  # a picture's caption that repeats its alt text, read once
        return []
    if tag == "h2":
        return [part(text, first=0, centred=True, space_before=True)]
    if tag in ("h3", "h4", "h5", "h6"):
        return [part(text, first=4, runover=4, space_before=True)]
    if tag in ("ul", "ol"):
        return list_blocks(element, part, labels, depth)
    if tag == "table":
        return table_blocks(element, part, labels)
    if tag in ("div", "section", "blockquote", "figure", "dl", "aside") and len(element):
        return [block for kid in element for block in element_blocks(kid, part, labels, depth)]
    if tag == "img":
        text = element.get("alt", "")
    return [part(text, first=2 + 2 * depth, runover=2 * depth)] if text else []


def list_blocks(listing, part, labels: Labels, depth: int) -> list[Block]:
    found = []
    for number, item in enumerate(listing.findall("li"), start=1):
        nested = [kid for kid in item if kid.tag in ("ul", "ol")]
        for kid in nested:
            item.remove(kid)
        text = " ".join(item.text_content().split())
        markers = (f"{number}.",) if listing.tag == "ol" else ()  # the leaflet's list marker, not in its text
        found.append(part(*markers, text, unprinted=len(markers), first=2 * depth, runover=2 * depth + 2))
        for kid in nested:
            found += list_blocks(kid, part, labels, depth + 1)
    return found


def table_blocks(table, part, labels: Labels) -> list[Block]:
    """A transcriber's note, the caption, the column headings once, then each row: every cell
    after its column's heading."""
    rows = [[" ".join(cell.text_content().split()) for cell in row.findall("./th") + row.findall("./td")]
            for row in table.iter("tr")]
    head = rows[0] if table.find(".//thead") is not None and rows else []
    body = rows[1:] if head else rows
    caption = table.find("caption")
    found = [part(labels.plain("table-note"), first=6, runover=4, space_before=True)]
    if caption is not None:
        found.append(part(" ".join(caption.text_content().split()), first=2))
    if head:
        found.append(part(*head, first=0, runover=2))
    for row in body:
        for column, cell in enumerate(row):
            heading = head[column] if column < len(head) else ""
            pieces = (f"{heading}:", cell) if heading else (cell,)
            found.append(part(*pieces, unprinted=len(pieces) - 1, first=0 if column == 0 else 2, runover=4,
                              space_before=column == 0))
    return found


def with_page_changes(blocks: list[Block], starts: list[PageStart]) -> list[Block | PageChange]:
    """The blocks with each print page's change where the page begins: before the word it begins
    at where the block's braille has a word for each of its print words, else after the block."""
    starting: dict[int, list[PageStart]] = {}
    for start in starts:
        starting.setdefault(start.block, []).append(start)
    found: list[Block | PageChange] = []
    for index, block in enumerate(blocks):
        here = starting.get(index, [])
        found += [PageChange(start.number) for start in here if start.word == 0]
        unprinted = len(block.text[:block.shown_from].split())  # the words before what the leaflet prints here
        inside = [replace(start, word=start.word + unprinted) for start in here if start.word > 0]
        if inside and word_for_word(block):
            found += split_block(block, inside)
        else:
            found += [block, *(PageChange(start.number) for start in inside)]
    return found


def word_for_word(block: Block) -> bool:
    words = block.cells.split(BLANK)
    return "" not in words and len(words) == len(block.text.split())


def split_block(block: Block, starts: list[PageStart]) -> list[Block | PageChange]:
    """The block divided where each page begins, each part after the first running on."""
    words, found, begun = block.cells.split(BLANK), [], 0
    for start in starts:
        found += [part_of(block, words[begun:start.word], begun), PageChange(start.number)]
        begun = start.word
    return [*found, part_of(block, words[begun:], begun)]


def part_of(block: Block, words: list[str], begun: int) -> Block:
    cells = BLANK.join(words)
    return replace(block, cells=cells) if begun == 0 else \
        replace(block, cells=cells, first=block.runover, space_before=False)


def paginate(blocks: list[Block | PageChange], width: int, height: int, number_cells,
             print_pages: bool = False) -> list[list[str]]:
    """Pages of lines: each line at most `width` cells, `height` lines a page, the last of which
    holds the page's braille number at its right (`number_cells("12")`: the cells of a number).
    With `print_pages`, each page's first line holds the print page it begins in at its right
    (a continuation letter before it on the pages after the one it began on), and a print page
    that begins within a page has an indicator line: dots 3-6 across, its number at the end."""
    lines = deque(laid_out([block for block in blocks if print_pages or isinstance(block, Block)], width))
    pages, current, continued = [], 1, -1
    while lines or not pages:
        while lines and (lines[0] == "" or isinstance(lines[0], PageChange)):  # nothing begins a page empty
            change = lines.popleft()
            if isinstance(change, PageChange):
                current, continued = change.number, -1
        continued += 1
        page = [] if not print_pages else top_line(lines, continuation(continued) + str(current), width,
                                                   number_cells)
        while lines and len(page) < height - 1:
            if isinstance(lines[0], PageChange):
                if len(page) == height - 2:  # never on a page's last line: the next page's top says it
                    break
                current, continued = lines[0].number, 0
                label = number_cells(str(lines.popleft().number))
                page.append(PAGE_CHANGE * (width - len(label)) + label)
            else:
                page.append(lines.popleft())
        page += [""] * (height - 1 - len(page))
        label = number_cells(str(len(pages) + 1))
        pages.append([*page, BLANK * (width - len(label)) + label])
    return pages


def laid_out(blocks: list[Block | PageChange], width: int) -> list[str | PageChange]:
    lines: list[str | PageChange] = []
    for block in blocks:
        if isinstance(block, PageChange):
            lines.append(block)
            continue
        if block.space_before and lines and lines[-1] != "" and not isinstance(lines[-1], PageChange):
            lines.append("")
        lines += block_lines(block, width)
    while lines and (lines[-1] == "" or isinstance(lines[-1], PageChange)):  # no page is begun for nothing
        lines.pop()
    return lines


def top_line(lines: deque, label: str, width: int, number_cells) -> list[str]:
    """A page's first line with the print page number at its right, three cells or more after
    its text; or, when the text leaves no room, a line of the number alone above it."""
    cells = number_cells(label)
    if lines and isinstance(lines[0], str) and len(lines[0]) + 3 + len(cells) <= width:
        first = lines.popleft()
        return [first + BLANK * (width - len(first) - len(cells)) + cells]
    return [BLANK * (width - len(cells)) + cells]


def continuation(count: int) -> str:
    """The letter before a print page number on the braille pages after the one it began on: a
    to z, then aa, bb..."""
    return "" if count == 0 else chr(ord("a") + (count - 1) % 26) * ((count - 1) // 26 + 1)


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
