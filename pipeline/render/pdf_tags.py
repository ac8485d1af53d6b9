"""Mend the flaws of WeasyPrint's PDF tags that PDF/UA-1 readers and checkers meet, with pikepdf.

1. Header cells carry no /Scope: a TH in a table head now heads its column, in a body its row.
2. A table that breaks across pages is tagged as one Table per page, each later one with
   the header row again. The later parts are folded into the first: their body rows move
   over, and their repeated header becomes an artifact (drawn, but not read out twice).
3. The footer (the bottom page-margin box) is tagged, but hangs outside the structure tree:
   it becomes a pagination artifact, as page furniture should be.
4. A figure's bounding box is in CSS pixels from the page's top; PDF wants points from its bottom.
5. A definition list is tagged as a list whose items are its terms, with the definitions
   loose beside them (the print HTML makes each <dd> a <div> so that they can be told
   apart): each term becomes an item's Lbl, its definitions the item's LBody.
6. A list item of paragraphs, tables or notes holds them beside its Lbl; PDF wants an item
   to hold only Lbl and LBody, so they are gathered into one LBody.
"""

from __future__ import annotations

import re

from pipeline.base.lazy import lazy_import

pikepdf = lazy_import("pikepdf")

BLOCK_ROLES = frozenset({"/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/L", "/Table", "/Figure",
                         "/BlockQuote", "/Caption", "/Formula", "/TOC"})


PX = 0.75  # PDF points per CSS pixel: 72 per inch against 96
MARKED_CONTENT = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def mend_tags(pdf: pikepdf.Pdf, table_rows: list[int]) -> None:
    """Mend the tags; `table_rows` holds the body rows of each table of the leaflet's HTML, in order."""
    tree, found = ParentTree(pdf), Structure(pdf.Root.StructTreeRoot)
    mark_furniture(pdf, tree, found.reached)
    for table in found.roles.get("/Table", []):
        scope_header_cells(table)
    gone: set = set()  # what the repeated headers held: out of the tree, not to be mended
    for first, later in list(continuations(found.roles.get("/Table", []), table_rows)):
        gone.update(*(Structure(head).reached for head in parts(later, "/THead")))
        fold_table(pdf, first, later, tree)
    for figure in found.kept("/Figure", gone):
        place_figure(figure)
    for listing in found.kept("/L", gone):
        if any(kid.get("/S") == "/Div" for kid in children(listing)):
            pair_terms(pdf, listing, tree)
    # Pairing terms makes items, but each holds only its LBody: none needs gathering.
    for item in found.kept("/LI", gone):
        gather_item_body(pdf, item, tree)


class Structure:
    """The structure tree walked once (each step of pikepdf costs): its elements by role,
    outermost first; the blocks of content (not containers) in reading order; and every
    element's object number, as `reached`."""

    def __init__(self, root) -> None:
        self.roles: dict[str, list] = {}
        self.blocks: list = []
        self.reached: set = set()
        self.walk(root, in_block=False)

    def kept(self, role: str, gone: set) -> list:
        return [element for element in self.roles.get(role, []) if element.objgen not in gone]

    def walk(self, element, in_block: bool) -> None:
        for kid in children(element):
            role = kid.get("/S")
            if role is None:
                continue
            self.roles.setdefault(str(role), []).append(kid)
            self.reached.add(kid.objgen)
            block = str(role) in BLOCK_ROLES
            if block and not in_block:
                self.blocks.append(kid)
            self.walk(kid, in_block or block)


def children(element, structure_only: bool = True) -> list:
    """The element's kids: with `structure_only`, its elements and object references, not its content."""
    kids = element.get("/K")
    if kids is None:
        return []
    kids = kids if isinstance(kids, pikepdf.Array) else [kids]
    return [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) or not structure_only]


def remove(element) -> None:
    """Take an element out of its parent's kids."""
    parent = element.P
    parent.K = pikepdf.Array([kid for kid in children(parent, structure_only=False)
                              if not (isinstance(kid, pikepdf.Dictionary) and kid.objgen == element.objgen)])


class ParentTree:
    """The structure tree's way back from content: per page an array by MCID, per annotation one element."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.numbers = pdf.Root.StructTreeRoot.ParentTree.Nums
        self.index = {int(self.numbers[i]): i + 1 for i in range(0, len(self.numbers), 2)}

    def page(self, page) -> pikepdf.Array:
        return self.numbers[self.index[int(page.StructParents)]]

    def set(self, key: int, element) -> None:
        self.numbers[self.index[key]] = element


def parts(table, role: str) -> list:
    return [kid for kid in children(table) if kid.get("/S") == role]


def scope_header_cells(table) -> None:
    for section, scope in (("/THead", "/Column"), ("/TBody", "/Row")):
        for part in parts(table, section):
            for row in children(part):
                for cell in children(row):
                    if cell.get("/S") == "/TH":
                        attributes = cell.get("/A") or pikepdf.Dictionary(O=pikepdf.Name.Table)
                        attributes.Scope = pikepdf.Name(scope)
                        cell.A = attributes


def continuations(tables: list, table_rows: list[int]):
    """(first part, later part) for each part of a table that WeasyPrint broke across pages: the
    parts of one table add up to its rows in the HTML (two tables side by side, without captions
    or header rows, are two tables still). Where the parts and the HTML disagree, nothing more
    is folded, and verify reports the difference."""
    rows = iter(table_rows)
    first, left = None, 0
    for table in tables:
        own = body_rows(table)
        if first is not None and left > 0 and not parts(table, "/Caption"):
            yield first, table
            left -= own
        else:
            expected = next(rows, None)
            if expected is None or own > expected:
                return
            first, left = table, expected - own


def body_rows(table) -> int:
    return sum(len(children(body)) for body in parts(table, "/TBody"))


def fold_table(pdf: pikepdf.Pdf, first, later, tree: ParentTree) -> None:
    """Move `later`'s body rows into `first` and turn its repeated header into an artifact."""
    ids = {str(old.get("/ID")): new.get("/ID") for old, new in zip(header_cells(later), header_cells(first))}
    target = parts(first, "/TBody")[-1]
    for body in parts(later, "/TBody"):
        for row in children(body):
            row.P = target
            target.K.append(row)
            for cell in children(row):
                relink_headers(cell, ids)
    for head in parts(later, "/THead"):
        make_artifacts(pdf, head, tree)
    remove(later)


def header_cells(table) -> list:
    return [cell for head in parts(table, "/THead") for row in children(head) for cell in children(row)]


def relink_headers(cell, ids: dict) -> None:
    attributes = cell.get("/A")
    if attributes is not None and "/Headers" in attributes:
        attributes.Headers = pikepdf.Array([ids.get(str(h), h) for h in attributes.Headers])


def make_artifacts(pdf: pikepdf.Pdf, element, tree: ParentTree) -> None:
    """Mark the content of `element` as artifact in its page's content stream and untag it."""
    by_page: dict = {}
    for page, mcid in marked_content(element):
        by_page.setdefault(page.objgen, (page, set()))[1].add(mcid)
    for page, mcids in by_page.values():
        untag(pdf, page, mcids, tree)


def untag(pdf: pikepdf.Pdf, page, mcids: set[int], tree: ParentTree, properties=None) -> None:
    """Turn the page's marked content `mcids` into artifacts, with `properties` if given, and
    take them out of the parent tree."""
    artifact = b"/Artifact " + (properties.unparse() + b" BDC" if properties is not None else b"BMC")

    def swap(found: re.Match) -> bytes:
        return artifact if int(found[1]) in mcids else found[0]

    # The stream is rewritten as bytes, not parsed into operators and written back (a tenth of a
    # leaflet's time): WeasyPrint opens marked content only as `/Tag <</MCID n>> BDC`, and writes
    # text as hex strings, so nothing else in the stream can match.
    pikepdf.Page(page).contents_coalesce()  # one stream, however many the page had
    page.Contents = pdf.make_stream(MARKED_CONTENT.sub(swap, page.Contents.read_bytes()))
    entries = tree.page(page)
    for mcid in mcids:
        entries[mcid] = pikepdf.Object.parse(b"null")


def mark_furniture(pdf: pikepdf.Pdf, tree: ParentTree, reached: set) -> None:
    """Content whose element the structure tree does not reach (WeasyPrint's page-margin boxes)
    becomes a pagination artifact."""
    for page in pdf.pages:
        loose = {mcid for mcid, element in enumerate(tree.page(page))
                 if isinstance(element, pikepdf.Dictionary) and element.objgen not in reached}
        if loose:
            untag(pdf, page, loose, tree, pikepdf.Dictionary(Type=pikepdf.Name.Pagination))


def place_figure(figure) -> None:
    """The figure's box from CSS pixels, top down, to PDF points, bottom up (leaflets have no bleed)."""
    attributes = figure.get("/A")
    if attributes is None or "/BBox" not in attributes:
        return
    left, top, right, bottom = (float(value) for value in attributes.BBox)
    height = float(figure.Pg.MediaBox[3])
    attributes.BBox = pikepdf.Array([round(value, 3) for value in
                                     (left * PX, height - bottom * PX, right * PX, height - top * PX)])


def pair_terms(pdf: pikepdf.Pdf, listing, tree: ParentTree) -> None:
    """A definition list's items: each term (an LI around an LBody) gets the definitions after
    it (Divs) as its LBody, and the term's own LBody becomes its Lbl."""
    items = []
    for kid in children(listing):
        if kid.get("/S") != "/Div":
            if kid.get("/S") == "/LI":
                for part in children(kid):
                    part.S = pikepdf.Name.Lbl
            items.append(kid)
            continue
        if not items or items[-1].get("/S") != "/LI":  # definitions that begin a page
            items.append(new_element(pdf, "/LI", listing, kid.Pg))
        adopt(item_body(pdf, items[-1]), kid, tree, kid.Pg)
    listing.K = pikepdf.Array(items)
    listing.A = pikepdf.Dictionary(O=pikepdf.Name.List, ListNumbering=pikepdf.Name("/None"))


def gather_item_body(pdf: pikepdf.Pdf, item, tree: ParentTree) -> None:
    """Move whatever an item holds besides its Lbl and LBody into its LBody, in order."""
    strays = [kid for kid in children(item, structure_only=False)
              if not (isinstance(kid, pikepdf.Dictionary) and kid.get("/S") in ("/Lbl", "/LBody"))]
    if not strays:
        return
    body = item_body(pdf, item)
    for kid in strays:
        adopt(body, kid, tree, item.Pg)
    item.K = pikepdf.Array([kid for kid in children(item) if kid.get("/S") in ("/Lbl", "/LBody")])


def item_body(pdf: pikepdf.Pdf, item):
    """The item's LBody, made if it has none yet."""
    bodies = [part for part in children(item) if part.get("/S") == "/LBody"]
    if bodies:
        return bodies[0]
    body = new_element(pdf, "/LBody", item, item.Pg)
    item.K.append(body)
    return body


def adopt(parent, kid, tree: ParentTree, page) -> None:
    """Append `kid` (an element, an annotation's reference or content on `page`) to `parent`'s
    kids; the kid and the parent tree point back at the new parent."""
    if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
        kid.P = parent
    elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
        tree.set(int(kid.Obj.StructParent), parent)
    elif isinstance(kid, pikepdf.Dictionary):  # content on another page (MCR)
        tree.page(kid.Pg)[int(kid.MCID)] = parent
    else:
        tree.page(page)[int(kid)] = parent
        if page.objgen != parent.Pg.objgen:
            kid = pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page, MCID=int(kid))
    parent.K.append(kid)


def new_element(pdf: pikepdf.Pdf, role: str, parent, page):
    return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name(role), P=parent,
                                                K=pikepdf.Array(), Pg=page))


def marked_content(element, page=None):
    page = element.get("/Pg", page)
    kids = element.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary):
            yield from marked_content(kid, page)
        else:
            yield page, int(kid)
