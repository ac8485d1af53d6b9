"""The EPUB's page list (SPEC §16): a page-break marker where each page of the print edition
begins, so that "page 12" means the same place in both, and the navigation that lists them.

The print edition prints the EPUB's own documents, so each page's opening text is found among
the EPUB's blocks (print_pages.page_starts: by letters and digits, after the page before it),
and the marker goes before the word the page begins with, inside the block: a paragraph, list
item, table cell, heading or caption. A page that opens with nothing the EPUB holds (a table's
heading row repeated) is found by its next run; one whose text is not in the EPUB at all (a
blank verso) has no marker."""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

from pipeline.render.print_pages import PageStart, page_starts

UNITS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "caption", "figcaption"})
ROLE = "doc-pagebreak"


@dataclass(frozen=True)
class PageMark:
    """A marker: the page it names, and the document (by its index in reading order) it stands in."""

    number: int
    document: int

    @property
    def id(self) -> str:
        return page_id(self.number)


def page_id(number: int) -> str:
    return f"page-{number}"


def with_page_breaks(contents: list[str], openings: list[list[str]]) -> tuple[list[str], list[PageMark]]:
    """The EPUB's documents (title page, then chapters, as HTML) with a marker where each page
    of the print edition begins (`openings`: each page's runs of text), and the markers."""
    trees = [lxml.html.document_fromstring(content) for content in contents]
    units = [(index, element) for index, tree in enumerate(trees) for element in tree.iter() if is_unit(element)]
    if not units:
        return contents, []
    texts = [" ".join(element.text_content().split()) for _, element in units]
    starts = [PageStart(1, 0, 0), *page_starts(texts, openings)]
    for start in starts:
        insert_marker(units[start.block][1], start.word, start.number)
    return ([lxml.html.tostring(tree, encoding="unicode") for tree in trees],
            [PageMark(start.number, units[start.block][0]) for start in starts])


def is_unit(element) -> bool:
    return (isinstance(element.tag, str) and element.tag in UNITS
            and not any(isinstance(kid.tag, str) and kid.tag in UNITS for kid in element.iterdescendants()))


def insert_marker(unit, word: int, number: int) -> None:
    """A marker before the unit's `word`th word (counted as text_content splits them)."""
    # Parsed, not built: epub:type is an attribute only an HTML parser takes as a name.
    marker = lxml.html.fragment_fromstring(
        f'<span epub:type="pagebreak" role="{ROLE}" id="{page_id(number)}" title="{number}"></span>')
    offset = word_offset(unit.text_content(), word)
    for node, slot in text_slots(unit):
        text = getattr(node, slot) or ""
        if offset <= len(text):
            before, after = text[:offset], text[offset:]
            setattr(node, slot, before)
            marker.tail = after
            if slot == "text":
                node.insert(0, marker)
            else:
                node.addnext(marker)
            return
        offset -= len(text)
    unit.append(marker)


def word_offset(text: str, word: int) -> int:
    """Where the `word`th word (from 0) of the text begins; its end for a word past the last."""
    starts = [match.start() for match in re.finditer(r"\S+", text)]
    return starts[word] if word < len(starts) else len(text)


def text_slots(element):
    """Each place text stands under an element, in reading order: (node, "text" or "tail")."""
    yield element, "text"
    for kid in element:
        if isinstance(kid.tag, str):
            yield from text_slots(kid)
        yield kid, "tail"


def page_list_nav(marks: list[PageMark], hrefs: list[str], heading: str) -> str:
    """The navigation document's page list: every marker, by its document's file name."""
    items = "".join(f'<li><a href="{hrefs[mark.document]}#{mark.id}">{mark.number}</a></li>' for mark in marks)
    return f'<nav epub:type="page-list" id="page-list" hidden="hidden"><h2>{heading}</h2><ol>{items}</ol></nav>'
