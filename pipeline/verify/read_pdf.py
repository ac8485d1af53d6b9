"""Read an article back from a leaflet: its tagged structure tree, the text under each tag, its links.

WeasyPrint tags each HTML <section> as Sect (the templates give every part one, headed by
an H2 with a known label), the article body as Div, lists as L/LI with the bullet in Lbl,
and a table that breaks across pages as one Table per page, which render/pdf_tags.py folds
back into one: each Table read here is one table of the article. Each run of text is a marked-content sequence of its
own and states its characters as /ActualText (render/pdf_text.py), so the text is read as
written, in logical order, in any script and direction, with no guessing from glyphs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.languages import wide
from pipeline.examine.reading import Reading, Table, normalise
from pipeline.output import layout
from pipeline.render.pdf_text import Run, page_runs

CITATION = re.compile(r"\[\d+(?:\s*[,–-]\s*\d+)*\]")
# Elements whose text is a block of its own: their texts are joined by a space, in any script.
BLOCKS = frozenset({"P", "H1", "H2", "H3", "H4", "H5", "H6", "LI", "Lbl", "LBody", "TD", "TH", "Caption",
                    "BlockQuote", "Figure"})


@dataclass
class SectionHeadings:
    """The section headings of the print template, in the leaflet's language (from the theme's Labels)."""

    summary: str
    key_points: str
    faq: str
    references: str
    disclaimer: str


@dataclass
class Leaflet:
    """A leaflet's structure elements, its runs of text by (page, mcid), and its links."""

    tree: list
    runs: dict = field(default_factory=dict)
    links: list = field(default_factory=list)  # (link text, destination name)

    def text(self, element: dict, skip: frozenset = frozenset({"Lbl"})) -> str:
        """The element's text: each block's lines joined with hyphenation undone, blocks with a space."""
        blocks = [join_lines(lines_of([self.runs[key] for key in block if key in self.runs]))
                  for block in blocks_under(element, skip)]
        return " ".join(text for text in blocks if text)


def blocks_under(element: dict, skip: frozenset) -> list[list[tuple]]:
    """The (page, mcid) of everything under an element, grouped by the blocks they stand in."""
    blocks: list[list[tuple]] = [[]]
    for key in marked_content(element, skip):
        if key is not None:
            blocks[-1].append(key)
        elif blocks[-1]:
            blocks.append([])
    return blocks


def marked_content(element: dict, skip: frozenset, page: int | None = None):
    """(page, mcid) of everything under a structure element in order, and None where a block begins or ends."""
    if element.get("type") in skip and not element.get("term"):
        return
    block = element.get("type") in BLOCKS
    if block:
        yield None
    page = element.get("page_number", page)
    for mcid in element.get("mcids", []):
        yield page, mcid
    for child in element.get("children", []):
        yield from marked_content(child, skip, page)
    if block:
        yield None


def lines_of(runs: list[Run]) -> list[str]:
    """Runs joined into lines: a run whose baseline is within half a font size of the one before
    (a citation set higher, a word in a smaller size) stands on the same line."""
    lines: list[str] = []
    last = None
    for run in runs:
        if last is not None and abs(run.baseline - last.baseline) < max(run.size, last.size) / 2:
            lines[-1] += run.text
        else:
            lines.append(run.text)
        last = run
    return lines


def join_lines(lines: list[str]) -> str:
    """Undo line breaks: a line ending inside a word (after '-', '/' or a hyphenation point) runs on,
    and so does a line that ends or begins in a script written without spaces (Chinese, Japanese)."""
    text = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if text.endswith("\u2010"):
            text = text[:-1] + line
        elif not text or text.endswith(("-", "/")) or wide(text[-1]) or wide(line[0]):
            text += line
        else:
            text += " " + line
    return text


def open_leaflet(path: Path) -> Leaflet:
    """The structure tree, the runs of text and the links, through qpdf (pikepdf)."""
    import pikepdf  # noqa: PLC0415

    with pikepdf.open(path) as pdf:
        numbers = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        root = pdf.Root.get("/StructTreeRoot")
        leaflet = Leaflet(structure(root, numbers)["children"] if root is not None else [])
        for number, page in enumerate(pdf.pages, start=1):
            leaflet.runs.update(((number, mcid), run) for mcid, run in page_runs(page) if mcid is not None)
    links = (link for element in leaflet.tree for link in find(element, "Link") if "destination" in link)
    leaflet.links = [(leaflet.text(link, skip=frozenset()), link["destination"]) for link in links]
    return leaflet


def structure(element, numbers: dict, page: int | None = None, terms: bool = False) -> dict:
    """A structure element as {type, page_number, mcids, children, and a link's destination}, kids in order.
    A label in a list numbered /None is a definition list's term ("term": True): text, not a bullet."""
    import pikepdf  # noqa: PLC0415

    if "/Pg" in element:
        page = numbers.get(element.Pg.objgen, page)
    node = {"type": str(element.get("/S", "/StructTreeRoot"))[1:], "page_number": page, "mcids": [], "children": []}
    if node["type"] == "Lbl" and terms:
        node["term"] = True
    terms = (node["type"] == "LI" and terms) or \
        (node["type"] == "L" and str(element.get("/A", {}).get("/ListNumbering", "")) == "/None")
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
        if isinstance(kid, int):  # pikepdf gives integers as Python ints
            node["mcids"].append(kid)
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            node["children"].append(structure(kid, numbers, page, terms))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":  # content on another page
            child_page = numbers.get(kid.Pg.objgen, page) if "/Pg" in kid else page
            node["children"].append({"type": "MCR", "page_number": child_page, "mcids": [int(kid.MCID)],
                                     "children": []})
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":  # a link's annotation
            destination = kid.Obj.get("/Dest")
            if isinstance(destination, pikepdf.String):  # a place in the leaflet, not a web address
                node["destination"] = str(destination)
    return node


def page_text(page) -> str:
    """Everything a page says, tagged or not, as one line."""
    return " ".join(run.text for _mcid, run in page_runs(page))


def read_leaflet(path: Path, headings: SectionHeadings, numbers: dict[str, str], links: bool = True) -> Reading:
    """The article as a reader of the PDF sees it; `numbers` maps reference ids to numbers. Without
    `links` (a press file has none), a citation is its label in the text."""
    leaflet = open_leaflet(path)
    sections = top_level_sections(leaflet, headings)
    reading = Reading()
    heading = first_of(leaflet.tree, "H1")
    reading.title = leaflet.text(heading) if heading else ""
    reading.summary = " ".join(leaflet.text(e) for e in sections.get("summary", []))
    reading.key_points = [text for _label, text in list_items(leaflet, sections.get("key_points", []))]
    reading.tables = read_tables(leaflet, sections.get("body", []))
    reading.faq = read_faq(leaflet, sections.get("faq", []))
    reading.references = [(label.rstrip("."), text) for label, text in list_items(leaflet, sections.get("references", []))]
    reading.disclaimer = (headings.disclaimer if "disclaimer" in sections else "",
                          " ".join(leaflet.text(e) for e in sections.get("disclaimer", [])))
    reading.citations = read_citations(leaflet, sections, links)
    reading.link_problems = link_problems(leaflet, numbers) if links else []
    return reading


def top_level_sections(leaflet: Leaflet, headings: SectionHeadings) -> dict[str, list]:
    """The document's parts by name, each as the elements under its heading.

    A Sect opens the part its H2 names; a Sect without a known heading (the rest of a part
    on the next page) continues the part before it; a Div is article body.
    """
    names = {normalise(getattr(headings, name)): name for name in ("summary", "key_points", "faq", "references", "disclaimer")}
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


def read_citations(leaflet: Leaflet, sections: dict[str, list], links: bool = True) -> list[str]:
    """Citation labels in reading order, found in the text of the parts that cite. A label counts
    when its numbers are the next links to reference entries: text that only looks like a
    citation ("[1]" written out) links nowhere."""
    text = " ".join(leaflet.text(e) for name in ("summary", "key_points", "body", "faq") for e in sections.get(name, []))
    if not links:
        return CITATION.findall(normalise(text))
    linked = [number for shown, destination in leaflet.links if layout.reference_key(destination) is not None
              for number in re.findall(r"\d+", shown)]
    found = []
    for label in CITATION.findall(normalise(text)):
        numbers = re.findall(r"\d+", label)
        if linked[:len(numbers)] == numbers:
            found.append(label)
            del linked[:len(numbers)]
    return found


def link_problems(leaflet: Leaflet, numbers: dict[str, str]) -> list[str]:
    """Every citation link must show the number of the entry it reaches (by its destination name)."""
    problems = []
    for shown, destination in leaflet.links:
        key = layout.reference_key(destination)
        if key is None:
            continue
        number = numbers.get(key)
        if number is None:
            problems.append(f"citation link '{shown}' reaches nothing (#{destination})")
        elif number != shown:
            problems.append(f"citation link '{shown}' reaches entry {number}")
    return problems
