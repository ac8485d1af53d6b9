"""Small, structural edits to rendered HTML fragments, done with a real HTML parser."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
from markupsafe import escape


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
    """Header cells in <thead> head their column."""
    for cell in root.iter("th"):
        if cell.getparent() is not None and cell.getparent().getparent() is not None \
                and cell.getparent().getparent().tag == "thead":
            cell.set("scope", "col")


def mark_noterefs(root: lxml.html.HtmlElement) -> None:
    """EPUB: citation links are note references to the endnotes."""
    for link in root.xpath('.//span[contains(concat(" ", @class, " "), " citation ")]//a[starts-with(@href, "#ref-")]'):
        link.set("epub:type", "noteref")
        link.set("role", "doc-noteref")


def rebase_images(root: lxml.html.HtmlElement, relocate: Callable[[str], str]) -> None:
    """Point relative image sources (paths under manuscripts/) at where the page finds their copies."""
    for image in root.iter("img"):
        source = image.get("src", "")
        if source and ":" not in source and not source.startswith(("/", "#")):
            image.set("src", relocate(source))
