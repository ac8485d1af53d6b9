"""Links in a leaflet's tags: one Link per link as written, each described in words.

WeasyPrint draws a link that wraps onto the next line as one annotation per line and tags
each piece as a Link of its own, so a screen reader announced a long web address as two or
three links. And it describes every annotation by its raw target ("ref-nih-ods-b12", a full
URL). PDF/UA wants the description a person needs: "Reference 3", "Website: ods.od.nih.gov".
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote, urlsplit

import lxml.html

from pipeline.base.lazy import lazy_import
from pipeline.output import layout
from pipeline.render.pdf_tags import ParentTree, adopt, children, remove
from pipeline.source.theme import Labels, Theme
from pipeline.source.theme import labels as theme_labels

pikepdf = lazy_import("pikepdf")

DESCRIPTION_LENGTH = 80


def target(annotation) -> str:
    """Where a link annotation goes: '#name' for a place in the document, else its URI."""
    if "/Dest" in annotation:
        return "#" + str(annotation.Dest)
    action = annotation.get("/A")
    return str(action.get("/URI", "")) if action is not None else ""


def link_annotations(link) -> list:
    return [kid.Obj for kid in children(link, structure_only=False)
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"]


def link_target(link) -> str | None:
    annotations = link_annotations(link)
    return target(annotations[0]) if annotations else None


def reading_order(element):
    """("link", element) for each Link and ("content", None) for content outside links, in reading order."""
    for kid in children(element, structure_only=False):
        if not isinstance(kid, pikepdf.Dictionary):
            yield "content", None
        elif kid.get("/S") == "/Link":
            yield "link", kid
        elif "/S" in kid:
            yield from reading_order(kid)
        elif kid.get("/Type") == "/MCR":
            yield "content", None


def join_split_links(pdf: pikepdf.Pdf) -> None:
    """Fold each Link into the one before it when nothing stands between them and they go to the same place."""
    tree = ParentTree(pdf)
    previous = None
    for kind, link in list(reading_order(pdf.Root.StructTreeRoot)):
        if kind == "content":
            previous = None
        elif previous is not None and link_target(link) == link_target(previous):
            fold_link(previous, link, tree)
        else:
            previous = link


def fold_link(first, later, tree: ParentTree) -> None:
    """Move `later`'s content and annotations into `first`; the parent tree follows them."""
    for kid in children(later, structure_only=False):
        adopt(first, kid, tree, later.Pg)
    remove(later)


def describe_links(pdf: pikepdf.Pdf, html: str, theme: Theme) -> None:
    """Give every link annotation a /Contents a person understands, in the leaflet's language."""
    describe = descriptions(lxml.html.document_fromstring(html), theme)
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") == "/Link":
                annotation.Contents = pikepdf.String(describe(target(annotation)))


def descriptions(root, theme: Theme) -> Callable[[str], str]:
    """What each target is, in the leaflet's words: a reference or a note by its number, another
    place by its text, a web or mail address by its host or address."""
    labels = theme_labels(theme, root.get("lang") or "en")
    places = {}
    for name in {link.get("href")[1:] for link in root.xpath("//a[starts-with(@href, '#')]")}:
        found = root.xpath("//*[@id=$name]", name=name)
        places[name] = describe_place(found[0], labels) if found else name

    def describe(where: str) -> str:
        return places.get(where[1:], where[1:]) if where.startswith("#") else describe_address(where, labels)

    return describe


def describe_place(element, labels: Labels) -> str:
    if element.tag == "li" and layout.reference_key(element.get("id", "")) is not None and element.get("value"):
        return labels.format("reference-link", number=element.get("value"))
    if element.tag == "li" and element.xpath("ancestor::section[contains(concat(' ', @class, ' '), ' footnotes ')]"):
        return labels.format("note-link", number=len(element.xpath("preceding-sibling::li")) + 1)
    headings = element.xpath("self::h1|self::h2|self::h3|self::h4|self::h5|self::h6|h1|h2|h3|h4|h5|h6")
    text = " ".join((headings[0] if headings else element).text_content().split())
    return shorten(text) if text else element.get("id")


def shorten(text: str) -> str:
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0] + "…"


def describe_address(address: str, labels: Labels) -> str:
    parts = urlsplit(address)
    if parts.scheme == "mailto":
        return f"{labels.plain('email')}: {unquote(parts.path)}"
    if parts.scheme == "tel":
        return f"{labels.plain('phone')}: {unquote(parts.path)}"
    return f"{labels.plain('website')}: {parts.hostname or address}"
