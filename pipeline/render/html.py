"""Small, structural edits to rendered HTML fragments, done with a real HTML parser."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
from markupsafe import escape

from pipeline.output import layout


def edit_fragment(html: str, edit: Callable[[lxml.html.HtmlElement], None]) -> str:
    """Parse an HTML fragment, let `edit` change it in place, and write it back."""
    if not html.strip():
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    edit(root)
    head = str(escape(root.text)) if root.text else ""
    return head + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)


def wrap_tables(root: lxml.html.HtmlElement) -> None:
    """Let wide tables scroll in their own box, labelled by their caption, on narrow screens."""
    for table in list(root.iter("table")):
        caption = table.find("caption")
        wrapper = lxml.html.Element("div", {"class": "table-scroll", "role": "region", "tabindex": "0"})
        if caption is not None:
            wrapper.set("aria-label", caption.text_content().strip())
        table.addprevious(wrapper)
        wrapper.tail, table.tail = table.tail, None
        wrapper.append(table)


def mark_header_cells(root: lxml.html.HtmlElement) -> None:
    """Header cells in <thead> head their column; an empty one heads nothing, so it is a plain cell
    (a header without text is announced as nothing, and checkers flag it)."""
    for cell in list(root.iter("th")):
        if cell.getparent() is None or cell.getparent().getparent() is None \
                or cell.getparent().getparent().tag != "thead":
            continue
        if cell.text_content().strip() or len(cell):
            cell.set("scope", "col")
        else:
            cell.tag = "td"


def mark_noterefs(root: lxml.html.HtmlElement) -> None:
    """EPUB: citation links are note references to the endnotes."""
    for link in root.xpath('.//span[contains(concat(" ", @class, " "), " citation ")]//a[starts-with(@href, $target)]',
                           target="#" + layout.REFERENCE_PREFIX):
        link.set("epub:type", "noteref")
        link.set("role", "doc-noteref")


def rebase_images(root: lxml.html.HtmlElement, relocate: Callable[[str], str]) -> None:
    """Point relative image sources (paths under manuscripts/) at where the page finds their copies."""
    for image in root.iter("img"):
        source = image.get("src", "")
        if source and ":" not in source and not source.startswith(("/", "#")):
            image.set("src", relocate(source))


def rebase_links(root: lxml.html.HtmlElement, resolve: Callable[[str], str]) -> None:
    """Point links to other articles (written as their manuscripts, other.md#id) where this format
    finds them; `resolve` leaves every other link as it is."""
    for anchor in root.iter("a"):
        if anchor.get("href"):
            anchor.set("href", resolve(anchor.get("href")))


def drop_note_backlinks(root: lxml.html.HtmlElement) -> None:
    """Print: a footnote needs no arrow back to where it was cited."""
    for anchor in root.xpath('.//a[contains(concat(" ", @class, " "), " footnote-back ")]'):
        anchor.drop_tree()


def set_definitions_apart(root: lxml.html.HtmlElement) -> None:
    """Print: a definition becomes <div class="definition">. WeasyPrint tags <dt> and <dd> alike,
    as list items; a Div beside them lets the PDF's tags pair each term with its definitions."""
    for definition in list(root.iter("dd")):
        definition.tag = "div"
        definition.set("class", " ".join(filter(None, ["definition", definition.get("class")])))
