"""Read an article back from a leaflet: its tagged structure tree, the text under each tag, its links.

WeasyPrint tags each HTML <section> as Sect (the templates give every part one, headed by
an H2 with a known label), the article body as Div, lists as L/LI with the bullet in Lbl,
and a table that breaks across pages as one Table per page, the later ones without a
Caption and with the header row again.
"""

from __future__ import annotations

import re
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
    """A leaflet's structure elements with the text each one covers."""

    tree: list
    chars: dict = field(default_factory=dict)  # (page number, mcid) -> chars
    links: list = field(default_factory=list)  # (link text, destination name)

    def text(self, element: dict, skip: frozenset = frozenset({"Lbl"})) -> str:
        """The element's text, laid out line by line from the characters' positions."""
        from pdfplumber.utils import extract_text  # noqa: PLC0415

        by_page: dict[int, list] = defaultdict(list)
        for page, mcid in marked_content(element, skip):
            by_page[page] += self.chars.get((page, mcid), [])
        lines = [line for page in sorted(by_page) for line in extract_text(by_page[page]).split("\n")]
        return join_lines(lines)


def join_lines(lines: list[str]) -> str:
    """Undo line breaks: a line ending inside a word (after '-', '/' or a hyphenation point) runs on."""
    text = ""
    for line in (line.strip() for line in lines):
        if text.endswith("\u2010"):
            text = text[:-1] + line
        elif text.endswith(("-", "/")) or not text:
            text += line
        else:
            text += " " + line
    return text


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
    import pdfplumber  # noqa: PLC0415

    with pdfplumber.open(path) as pdf:
        chars = defaultdict(list)
        links = []
        for page in pdf.pages:
            for char in page.chars:
                if char.get("mcid") is not None:
                    chars[(page.page_number, char["mcid"])].append(char)
            links += page_links(page)
        return Leaflet(pdf.structure_tree, dict(chars), links)


def page_links(page) -> list[tuple[str, str]]:
    """Internal links on a page: the text under each (by character centres) and its named destination."""
    found = []
    for annotation in page.annots:
        destination = (annotation.get("data") or {}).get("Dest")
        if not isinstance(destination, bytes):
            continue
        inside = [c for c in page.chars
                  if annotation["x0"] <= (c["x0"] + c["x1"]) / 2 <= annotation["x1"]
                  and annotation["top"] <= (c["top"] + c["bottom"]) / 2 <= annotation["bottom"]]
        found.append(("".join(c["text"] for c in inside).strip(), destination.decode("utf-8", "replace")))
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
