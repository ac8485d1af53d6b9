"""Read an article back from a leaflet: its tagged structure tree, the text under each tag, its links.

WeasyPrint tags each HTML <section> as Sect (the templates give every part one, headed by
an H2 with a known label), the article body as Div, lists as L/LI with the bullet in Lbl,
and a table that breaks across pages as one Table per page, the later ones without a
Caption and with the header row again.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .reading import Reading, Table, normalise

CITATION = re.compile(r"\[\d+(?:\s*[,–-]\s*\d+)*\]")


@dataclass
class Labels:
    """The section headings of the print template, in the leaflet's language."""

    summary: str
    key_points: str
    faq: str
    references: str
    disclaimer: str


@dataclass
class Leaflet:
    """A leaflet's structure elements, the text of each page in reading order, and its links."""

    tree: list
    pages: dict = field(default_factory=dict)  # page number -> [(mcid or None, character)]
    links: list = field(default_factory=list)  # (link text, destination name)

    def text(self, element: dict, skip: frozenset = frozenset({"Lbl"})) -> str:
        """The element's text, line by line as laid out, with hyphenation undone."""
        wanted: dict[int, set] = defaultdict(set)
        for page, mcid in marked_content(element, skip):
            wanted[page].add(mcid)
        lines = [line for page in sorted(wanted) for line in page_lines(self.pages.get(page, []), wanted[page])]
        return join_lines(lines)


def page_lines(characters: list, mcids: set) -> list[str]:
    """The lines of a page's text that belong to the given marked content.

    pdfium's text page gives the characters in reading order, with the spaces and line
    breaks that positions imply marked as generated (mcid None)."""
    lines, gap = [""], ""
    for mcid, character in characters:
        if mcid is None or mcid not in mcids:
            if lines[-1]:  # a break between two of ours, or text of another element in between
                gap = "\n" if character in "\r\n" or gap == "\n" else (gap or (" " if mcid is None else ""))
            continue
        if gap == "\n":
            lines.append("")
        elif gap and not lines[-1].endswith(" ") and character != " ":
            lines[-1] += " "
        lines[-1] += character
        gap = ""
    return [line for line in lines if line]


def join_lines(lines: list[str]) -> str:
    """Undo line breaks: a line ending inside a word (after '-', '/' or a hyphenation point) runs on."""
    text = ""
    for line in (line.strip() for line in lines):
        if text.endswith("\u2010"):
            text = text[:-1] + line
        elif text.endswith(("-", "/")) or not text or (unspaced(text[-1]) and unspaced(line[:1])):
            text += line
        else:
            text += " " + line
    return text


def unspaced(character: str) -> bool:
    """A character of a script written without spaces between words (Chinese, Japanese), where a
    line break is no space."""
    return bool(character) and unicodedata.east_asian_width(character) in ("W", "F")


def marked_content(element: dict, skip: frozenset, page: int | None = None):
    """(page, mcid) of everything under a structure element, in order."""
    if element.get("type") in skip:
        return
    page = element.get("page_number", page)
    for mcid in element.get("mcids", []):
        yield page, mcid
    for child in element.get("children", []):
        yield from marked_content(child, skip, page)


def open_leaflet(path: Path) -> Leaflet:
    """The structure tree and link annotations through qpdf (pikepdf), the text through pdfium:
    both read a leaflet many times faster than a PDF parser written in Python."""
    import pikepdf  # noqa: PLC0415
    import pypdfium2  # noqa: PLC0415

    document = pypdfium2.PdfDocument(path)
    try:
        with pikepdf.open(path) as pdf:
            numbers = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
            root = pdf.Root.get("/StructTreeRoot")
            leaflet = Leaflet(structure(root, numbers)["children"] if root is not None else [])
            for number, (page, text_page) in enumerate(zip(pdf.pages, document), start=1):
                height = float(page.mediabox[3]) - float(page.mediabox[1])
                characters = page_characters(text_page, height)
                leaflet.pages[number] = [(mcid, character) for mcid, character, _box in characters]
                leaflet.links += page_links(page, characters, height)
        return leaflet
    finally:
        document.close()


def structure(element, numbers: dict, page: int | None = None) -> dict:
    """A structure element as {type, page_number, mcids, children}, its kids in order."""
    import pikepdf  # noqa: PLC0415

    if "/Pg" in element:
        page = numbers.get(element.Pg.objgen, page)
    node = {"type": str(element.get("/S", "/StructTreeRoot"))[1:], "page_number": page, "mcids": [], "children": []}
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
        if isinstance(kid, int):  # pikepdf gives integers as Python ints
            node["mcids"].append(kid)
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            node["children"].append(structure(kid, numbers, page))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":  # content on another page
            child_page = numbers.get(kid.Pg.objgen, page) if "/Pg" in kid else page
            node["children"].append({"type": "MCR", "page_number": child_page, "mcids": [int(kid.MCID)],
                                     "children": []})
    return node


def page_characters(page, height: float) -> list[tuple]:
    """(mcid or None, character, (x0, top, x1, bottom) from the page's top) in reading order."""
    import ctypes  # noqa: PLC0415

    import pypdfium2.raw as pdfium  # noqa: PLC0415

    text_page = page.get_textpage()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    found = []
    try:
        for index in range(pdfium.FPDFText_CountChars(text_page)):
            # pdfium marks a hyphen-minus that ends a line as U+0002; it is still the author's hyphen
            # (a hyphenation point is drawn as U+2010, which join_lines removes).
            character = chr(pdfium.FPDFText_GetUnicode(text_page, index)).replace("\x02", "-")
            source = None if pdfium.FPDFText_IsGenerated(text_page, index) else \
                pdfium.FPDFText_GetTextObject(text_page, index)
            mcid = pdfium.FPDFPageObj_GetMarkedContentID(source) if source else None
            pdfium.FPDFText_GetCharBox(text_page, index, left, right, bottom, top)
            found.append((mcid if mcid is None or mcid >= 0 else None, character,
                          (left.value, height - top.value, right.value, height - bottom.value)))
    finally:
        text_page.close()
    return found if not any(unicodedata.bidirectional(c) in RTL for _m, c, _b in found) else logical_lines(found)


RTL = ("R", "AL")


def logical_lines(characters: list[tuple]) -> list[tuple]:
    """A page with right-to-left text, in logical order: pdfium's own bidi pass splits words at
    marks and reverses ligatures, so rebuild the lines from the glyphs' positions instead."""
    kept = [(index, item) for index, item in enumerate(characters) if item[0] is not None]
    found: list[tuple] = []
    for line in visual_lines(kept):
        if found:
            found.append((None, "\n", found[-1][2]))
        found += logical_order(line)
    return found


def visual_lines(characters: list[tuple[int, tuple]]) -> list[list[tuple[int, tuple]]]:
    """Characters grouped into lines by their vertical centres, top to bottom, each line left to right."""
    lines: list[list] = []
    bottom = None
    for index, item in sorted(characters, key=lambda entry: (entry[1][2][1] + entry[1][2][3]) / 2):
        centre = (item[2][1] + item[2][3]) / 2
        if bottom is None or centre > bottom:
            lines.append([])
            bottom = item[2][3]
        elif not unicodedata.combining(item[1]):
            bottom = max(bottom, item[2][3])
        lines[-1].append((index, item))
    return [sorted(line, key=lambda entry: ((entry[1][2][0] + entry[1][2][2]) / 2, entry[0])) for line in lines]


def logical_order(line: list[tuple[int, tuple]]) -> list[tuple]:
    """One visual line in logical order: the line turned to its direction, the runs that go the other
    way turned back, brackets drawn mirrored read as written, and marks after their letter."""
    marks = [entry[1] for entry in line if unicodedata.combining(entry[1][1])]
    letters = [entry[1] for entry in line if not unicodedata.combining(entry[1][1])]
    kinds = [strength(item[1]) for item in letters]
    rtl = kinds.count("R") > kinds.count("L")
    order = list(range(len(letters)))[::-1] if rtl else list(range(len(letters)))
    turned = set(order) if rtl else set()  # characters drawn right to left
    for run in opposite_runs([kinds[i] for i in order], rtl):
        order[run] = order[run][::-1]
        turned.symmetric_difference_update(order[run])
    result = [(mcid, MIRRORED.get(c, c) if i in turned else c, box) for i in order for mcid, c, box in [letters[i]]]
    for mark in marks:
        centre = (mark[2][0] + mark[2][2]) / 2
        candidates = [i for i in range(len(result)) if not result[i][1].isspace()]
        base = min(candidates, key=lambda i: abs((result[i][2][0] + result[i][2][2]) / 2 - centre), default=None)
        result.insert(len(result) if base is None else base + 1, mark)
    return result


def opposite_runs(kinds: list[str], rtl: bool) -> list[slice]:
    """Runs against the line's direction: in right-to-left lines, words and numbers (neutrals join
    two letters, one separator joins two digits); in left-to-right lines, right-to-left words."""
    wanted = ("L", "D") if rtl else ("R",)
    runs, position = [], 0
    while position < len(kinds):
        if kinds[position] not in wanted:
            position += 1
            continue
        end = position
        for ahead in range(position + 1, len(kinds)):
            if kinds[ahead] in wanted and joins(kinds, end, ahead, rtl):
                end = ahead
            elif kinds[ahead] not in ("N", "S"):
                break
        runs.append(slice(position, end + 1))
        position = end + 1
    return runs


def joins(kinds: list[str], last: int, ahead: int, rtl: bool) -> bool:
    between = kinds[last + 1:ahead]
    if not between or not rtl:
        return True
    if kinds[last] == "D" and kinds[ahead] == "D":
        return between == ["S"]  # 1.5, 1,000
    return kinds[last] == "L" and kinds[ahead] in ("L", "D")


def strength(character: str) -> str:
    """L for left-to-right letters, D digits, R right-to-left letters, S number separators, N others."""
    kind = unicodedata.bidirectional(character)
    return {"R": "R", "AL": "R", "L": "L", "EN": "D", "AN": "D", "CS": "S", "ES": "S"}.get(kind, "N")


MIRRORED = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))


def page_links(page, characters: list, height: float) -> list[tuple[str, str]]:
    """Internal links on a page: the text under each (by character centres) and its named destination."""
    import pikepdf  # noqa: PLC0415

    found = []
    for annotation in page.get("/Annots") or []:
        destination = annotation.get("/Dest")
        if annotation.get("/Subtype") != "/Link" or not isinstance(destination, pikepdf.String):
            continue  # a link to a web address, not a named destination in the leaflet
        x0, y0, x1, y1 = (float(value) for value in annotation.Rect)
        inside = [character for mcid, character, (left, top, right, bottom) in characters
                  if mcid is not None and min(x0, x1) <= (left + right) / 2 <= max(x0, x1)
                  and height - max(y0, y1) <= (top + bottom) / 2 <= height - min(y0, y1)]
        found.append(("".join(inside).strip(), str(destination)))
    return found


def read_leaflet(path: Path, labels: Labels, numbers: dict[str, str]) -> Reading:
    """The article as a reader of the PDF sees it; `numbers` maps reference ids to numbers."""
    leaflet = open_leaflet(path)
    sections = top_level_sections(leaflet, labels)
    reading = Reading()
    heading = first_of(leaflet.tree, "H1")
    reading.title = leaflet.text(heading) if heading else ""
    reading.summary = " ".join(leaflet.text(e) for e in sections.get("summary", []))
    reading.key_points = [text for _label, text in list_items(leaflet, sections.get("key_points", []))]
    reading.tables = read_tables(leaflet, sections.get("body", []))
    reading.faq = read_faq(leaflet, sections.get("faq", []))
    reading.references = [(label.rstrip("."), text) for label, text in list_items(leaflet, sections.get("references", []))]
    reading.disclaimer = (labels.disclaimer if "disclaimer" in sections else "",
                          " ".join(leaflet.text(e) for e in sections.get("disclaimer", [])))
    reading.citations = read_citations(leaflet, sections)
    reading.link_problems = link_problems(leaflet, numbers)
    return reading


def top_level_sections(leaflet: Leaflet, labels: Labels) -> dict[str, list]:
    """The document's parts by name, each as the elements under its heading.

    A Sect opens the part its H2 names; a Sect without a known heading (the rest of a part
    on the next page) continues the part before it; a Div is article body.
    """
    names = {normalise(getattr(labels, name)): name for name in ("summary", "key_points", "faq", "references", "disclaimer")}
    sections: dict[str, list] = defaultdict(list)
    current = None
    for element in leaflet.tree[0].get("children", []) if leaflet.tree else []:
        kind = element.get("type")
        if kind == "Div":
            current = "body"
            sections[current].append(element)
        elif kind == "Sect":
            children = element.get("children", [])
            title = normalise(leaflet.text(children[0])) if children and children[0].get("type") == "H2" else None
            if title is not None and title in names:
                current = names[title]
                sections[current] += children[1:]
            elif title is None and current:
                sections[current] += children
            else:
                current = None  # a part verify does not compare (About this leaflet)
    return sections


def find(element: dict, kind: str):
    """Elements of a type under `element`, not looking inside matches."""
    if element.get("type") == kind:
        yield element
        return
    for child in element.get("children", []):
        yield from find(child, kind)


def first_of(elements: list, kind: str):
    return next((found for element in elements for found in find(element, kind)), None)


def list_items(leaflet: Leaflet, elements: list) -> list[tuple[str, str]]:
    """(label, text) of each list item; an item without a label continues the one before (page break)."""
    items: list[list[str]] = []
    for item in (li for element in elements for li in find(element, "LI")):
        label = first_of(item.get("children", []), "Lbl")
        if label is None and items:
            items[-1][1] = join_lines([items[-1][1], leaflet.text(item)])
        else:
            items.append([leaflet.text(label, skip=frozenset()).strip() if label else "", leaflet.text(item)])
    return [(label, text) for label, text in items]


def read_tables(leaflet: Leaflet, body: list) -> list[Table]:
    tables: list[Table] = []
    for element in body:
        for table in find(element, "Table"):
            caption = first_of(table.get("children", []), "Caption")
            head = [row_text(leaflet, row) for part in find_all(table, "THead") for row in find_all(part, "TR")]
            rows = [row_text(leaflet, row) for part in find_all(table, "TBody") for row in find_all(part, "TR")]
            continues = caption is None and tables and tables[-1].head == head
            if continues:
                tables[-1].body += rows
            else:
                tables.append(Table(leaflet.text(caption) if caption else "", head, rows))
    return tables


def find_all(element: dict, kind: str) -> list:
    return [found for child in element.get("children", []) for found in find(child, kind)]


def row_text(leaflet: Leaflet, row: dict) -> list[str]:
    return [leaflet.text(cell) for cell in row.get("children", []) if cell.get("type") in ("TH", "TD")]


def read_faq(leaflet: Leaflet, elements: list) -> list[tuple[str, str]]:
    """Questions are H3; everything up to the next H3 is the answer."""
    items: list[list[str]] = []
    for element in flatten_blocks(elements):
        if element.get("type") == "H3":
            items.append([leaflet.text(element), ""])
        elif items:
            items[-1][1] += " " + leaflet.text(element)
    return [(question, answer) for question, answer in items]


def flatten_blocks(elements: list):
    """Headings, paragraphs, lists and tables in order, opening plain containers."""
    for element in elements:
        if element.get("type") in ("Div", "Sect", "NonStruct", "Part", "Art"):
            yield from flatten_blocks(element.get("children", []))
        else:
            yield element


def read_citations(leaflet: Leaflet, sections: dict[str, list]) -> list[str]:
    """Citation labels in reading order, found in the text of the parts that cite."""
    text = " ".join(leaflet.text(e) for name in ("summary", "key_points", "body", "faq") for e in sections.get(name, []))
    return CITATION.findall(normalise(text))


def link_problems(leaflet: Leaflet, numbers: dict[str, str]) -> list[str]:
    """Every citation link must show the number of the entry it reaches (by its destination name)."""
    problems = []
    for shown, destination in leaflet.links:
        if not destination.startswith("ref-"):
            continue
        number = numbers.get(destination.removeprefix("ref-"))
        if number is None:
            problems.append(f"citation link '{shown}' reaches nothing (#{destination})")
        elif number != shown:
            problems.append(f"citation link '{shown}' reaches entry {number}")
    return problems
