"""The PDF gate: a leaflet's tags, metadata, fonts and footers, as PDF/UA-1 readers need them.

Returns the problems it finds, like the other gates (gates.py). It reads the files with
pikepdf for the structure and pdfplumber (from the test extra) for where things are drawn.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

from pipeline.examine.reading import normalise
from pipeline.render.pdf_links import link_target, reading_order, target
from pipeline.render.pdf_tags import children
from pipeline.verify.read_pdf import page_text

LIST_KIDS = {"/L": {"/LI", "/L", "/Caption"}, "/LI": {"/Lbl", "/LBody"}}
SLACK = 1.0  # points a figure's drawing may stand outside its stated box (rounding, stroke widths)


def struct_roles(pdf: pikepdf.Pdf) -> dict[str, list]:
    """Every structure element of a tagged PDF, by role."""
    roles: dict[str, list] = {}
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        element = stack.pop()
        kids = element.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                roles.setdefault(str(kid.S), []).append(kid)
                stack.append(kid)
    return roles


def pdf_problems(path: Path, footer: str, page_label: str = "Page {page} of {pages}") -> list[str]:
    """Tagged structure, metadata, embedded fonts, bookmarks, footers, text inside the page."""
    import pdfplumber  # noqa: PLC0415 - from the test extra

    with pikepdf.open(path) as pdf:
        if "/StructTreeRoot" not in pdf.Root or not bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False)):
            return ["not a tagged PDF"]
        roles = struct_roles(pdf)
        problems = structure_problems(pdf, roles) + metadata_problems(pdf) + unembedded_fonts(pdf)
        problems += footer_problems(pdf, footer, page_label) + loose_content(pdf, roles)
        problems += link_problems(pdf)
        with pdfplumber.open(path) as drawn:
            problems += drawing_problems(pdf, roles, drawn)
    return problems


def structure_problems(pdf: pikepdf.Pdf, roles: dict[str, list]) -> list[str]:
    problems = [f"no {role} in the structure tree" for role in ("/H1", "/H2", "/L", "/LI", "/P") if role not in roles]
    for table in roles.get("/Table", []):
        headers = [kid for kid in flatten(table) if kid.get("/S") == "/TH"]
        if not headers:
            problems.append("a table has no header cells")
        if any("/Scope" not in (cell.get("/A") or {}) for cell in headers):
            problems.append("a header cell has no /Scope")
    if sum(len(list(flatten(t, "/THead"))) for t in roles.get("/Table", [])) > len(roles.get("/Table", [])):
        problems.append("a table is tagged with its header more than once")
    if split_tables(pdf.Root.StructTreeRoot):
        problems.append("a table that breaks across pages is tagged as separate tables")
    for figure in roles.get("/Figure", []):
        if not str(figure.get("/Alt", "")).strip():
            problems.append("a figure has no alt text")
    for role, allowed in LIST_KIDS.items():
        strays = {str(kid.S) for element in roles.get(role, []) for kid in flatten(element, deep=False)} - allowed
        problems += [f"a {role[1:]} holds a {stray[1:]}" for stray in sorted(strays)]
    return problems


def metadata_problems(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    if not str(pdf.Root.get("/Lang", "")):
        problems.append("no document language")
    if not pdf.open_metadata().get("dc:title"):
        problems.append("no title in the metadata")
    if not bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        problems.append("viewers are not told to show the title")
    with pdf.open_outline() as outline:
        if not outline.root:
            problems.append("no bookmarks")
    return problems


def footer_problems(pdf: pikepdf.Pdf, footer: str, page_label: str) -> list[str]:
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        text = normalise(page_text(page))
        label = normalise(page_label.format(page=number, pages=len(pdf.pages)))
        if normalise(footer) not in text or label not in text:
            problems.append(f"page {number} has no footer")
    return problems


def loose_content(pdf: pikepdf.Pdf, roles: dict[str, list]) -> list[str]:
    """Tagged content must belong to an element of the tree; page furniture is an artifact instead."""
    reached = {element.objgen for elements in roles.values() for element in elements}
    numbers = pdf.Root.StructTreeRoot.ParentTree.Nums
    entries = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        owners = entries.get(int(page.get("/StructParents", -1)), [])
        for operands, _operator in pikepdf.parse_content_stream(page, "BDC"):
            properties = operands[1]
            if not isinstance(properties, pikepdf.Dictionary) or "/MCID" not in properties:
                continue
            mcid = int(properties.MCID)
            owner = owners[mcid] if mcid < len(owners) else None
            if not isinstance(owner, pikepdf.Dictionary) or owner.objgen not in reached:
                problems.append(f"page {number} has tagged content outside the structure tree (MCID {mcid})")
                break
    return problems


def link_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Every link says in words where it goes, and a link broken over lines is still one link."""
    problems = set()
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            raw = target(annotation).removeprefix("#")
            described = str(annotation.get("/Contents", "")).strip()
            if described in ("", raw):
                problems.add(f"a link to {raw} is described by {'its raw target' if described else 'nothing'}")
    previous = None
    for kind, link in reading_order(pdf.Root.StructTreeRoot):
        if kind == "link" and previous is not None and link_target(link) == link_target(previous):
            problems.add(f"a link to {link_target(link)} is tagged as two links in a row")
        previous = link if kind == "link" else None
    return sorted(problems)


def drawing_problems(pdf: pikepdf.Pdf, roles: dict[str, list], drawn) -> list[str]:
    """Text inside the page, and each figure's box (PDF points from the bottom left) around its drawing."""
    problems = []
    for number, page in enumerate(drawn.pages, start=1):
        outside = [c["text"] for c in page.chars if c["x0"] < 0 or c["top"] < 0
                   or c["x1"] > page.width + 0.5 or c["bottom"] > page.height + 0.5]
        if outside:
            problems.append(f"page {number} has text outside the page: {''.join(outside)[:30]}")
    pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
    for figure in roles.get("/Figure", []):
        box = figure.get("/A", {}).get("/BBox")
        page = drawn.pages[pages[figure.Pg.objgen]]
        if box is None:
            problems.append(f"a figure on page {page.page_number} has no bounding box")
        elif not around(box, figure_drawing(figure, page), page):
            problems.append(f"a figure's bounding box on page {page.page_number} is not where it is drawn")
    return problems


def figure_drawing(figure, page) -> tuple[float, float, float, float] | None:
    """The box, in PDF points from the bottom left, of everything drawn in the figure's marked content."""
    mcids = {int(kid) for kid in children(figure, structure_only=False) if not isinstance(kid, pikepdf.Dictionary)}
    drawn = [item for items in page.objects.values() for item in items if item.get("mcid") in mcids]
    if not drawn:
        return None
    return (min(d["x0"] for d in drawn), page.height - max(d["bottom"] for d in drawn),
            max(d["x1"] for d in drawn), page.height - min(d["top"] for d in drawn))


def around(box, drawing, page) -> bool:
    left, bottom, right, top = (float(value) for value in box)
    if left < -SLACK or bottom < -SLACK or right > page.width + SLACK or top > page.height + SLACK:
        return False
    return drawing is None or (left <= drawing[0] + SLACK and bottom <= drawing[1] + SLACK
                               and right >= drawing[2] - SLACK and top >= drawing[3] - SLACK)


BLOCKS = frozenset({"/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/L", "/Table", "/Figure", "/BlockQuote"})


def split_tables(root) -> bool:
    """A Table straight after a Table, without a caption of its own: a page break split one table."""
    blocks = []

    def collect(element) -> None:
        for kid in flatten(element, None, deep=False):
            if kid.S in BLOCKS:
                blocks.append(kid)
            else:
                collect(kid)

    collect(root)
    return any(a.S == b.S == "/Table" and not any(k.S == "/Caption" for k in flatten(b, "/Caption", deep=False))
               for a, b in zip(blocks, blocks[1:]))


def flatten(element, role: str | None = None, deep: bool = True):
    kids = element.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if role is None or kid.S == role:
                yield kid
            if deep:
                yield from flatten(kid, role)


def unembedded_fonts(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    for page in pdf.pages:
        for name, font in (page.Resources.get("/Font") or {}).items():
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
            if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"font {font.get('/BaseFont', name)} is not embedded")
    return sorted(set(problems))
