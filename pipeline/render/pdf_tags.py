"""Mend two flaws in WeasyPrint's PDF tags, with pikepdf.

1. Header cells carry no /Scope: a TH in a table head now heads its column, in a body its row.
2. A table that breaks across pages is tagged as one Table per page, each later one with
   the header row again. The later parts are folded into the first: their body rows move
   over, and their repeated header becomes an artifact (drawn, but not read out twice).
"""

from __future__ import annotations

import io

import pikepdf

BLOCK_ROLES = frozenset({"/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/L", "/Table", "/Figure",
                         "/BlockQuote", "/Caption", "/Formula", "/TOC"})


def repair_structure(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return data
        blocks = list(block_elements(pdf.Root.StructTreeRoot))
        tables = [block for block in blocks if block.S == "/Table"]
        for table in tables:
            scope_header_cells(table)
        for first, later in continuations(blocks):
            fold_table(pdf, first, later)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True)
        return output.getvalue()


def children(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return [kid for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]) if isinstance(kid, pikepdf.Dictionary)]


def block_elements(element):
    """Structure elements that are blocks of content (not containers), in reading order."""
    for kid in children(element):
        if kid.get("/S") in BLOCK_ROLES:
            yield kid
        elif "/S" in kid:
            yield from block_elements(kid)


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


def continuations(blocks: list):
    """(first part, later part) for each table part that continues the table just before it."""
    first = None
    for previous, block in zip([None, *blocks], blocks):
        if block.S != "/Table":
            first = None
            continue
        if previous is not None and previous.S == "/Table" and first is not None \
                and not parts(block, "/Caption") and header_width(block) == header_width(first):
            yield first, block
        else:
            first = block


def header_width(table) -> int:
    return sum(len(children(row)) for head in parts(table, "/THead") for row in children(head))


def fold_table(pdf: pikepdf.Pdf, first, later) -> None:
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
        make_artifacts(pdf, head)
    parent = later.P
    kids = parent.K if isinstance(parent.K, pikepdf.Array) else [parent.K]
    parent.K = pikepdf.Array([kid for kid in kids if not (isinstance(kid, pikepdf.Dictionary) and kid.objgen == later.objgen)])


def header_cells(table) -> list:
    return [cell for head in parts(table, "/THead") for row in children(head) for cell in children(row)]


def relink_headers(cell, ids: dict) -> None:
    attributes = cell.get("/A")
    if attributes is not None and "/Headers" in attributes:
        attributes.Headers = pikepdf.Array([ids.get(str(h), h) for h in attributes.Headers])


def make_artifacts(pdf: pikepdf.Pdf, element) -> None:
    """Mark the content of `element` as artifact in its page's content stream and untag it."""
    by_page: dict = {}
    for page, mcid in marked_content(element):
        by_page.setdefault(page.objgen, (page, set()))[1].add(mcid)
    numbers = pdf.Root.StructTreeRoot.ParentTree.Nums
    for page, mcids in by_page.values():
        page_object = pikepdf.Page(page)
        instructions = []
        for operands, operator in pikepdf.parse_content_stream(page_object):
            if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) \
                    and int(operands[1].get("/MCID", -1)) in mcids:
                operands, operator = [pikepdf.Name.Artifact], pikepdf.Operator("BMC")
            instructions.append((operands, operator))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        key = int(page.StructParents)
        for index in range(0, len(numbers), 2):
            if int(numbers[index]) == key:
                for mcid in mcids:
                    numbers[index + 1][mcid] = pikepdf.Object.parse(b"null")


def marked_content(element, page=None):
    page = element.get("/Pg", page)
    kids = element.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary):
            yield from marked_content(kid, page)
        else:
            yield page, int(kid)
