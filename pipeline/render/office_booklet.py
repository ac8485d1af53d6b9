"""The office booklet: the standard leaflet laid out at half the paper's size, its pages made a
multiple of four (a page for the patient's notes, then blanks, before the back page), and
imposed two to a side in saddle-stitch order, so that the sheets printed duplex (flipped on the
short edge), folded once and stapled read in order. Right-to-left leaflets bind on the right."""

from __future__ import annotations

import io
from pathlib import Path

from pipeline.base.languages import direction
from pipeline.base.lazy import lazy_import
from pipeline.examine.document import Document
from pipeline.output import layout
from pipeline.output.editions import Editions
from pipeline.render.leaflet import collector_paused, leaflet_html, pages_of, untagged_pdf
from pipeline.source.publication import Publication
from pipeline.source.theme import Theme

pikepdf = lazy_import("pikepdf")

SHEETS = {"A4": (841.89, 595.28), "letter": (792.0, 612.0)}  # landscape, in points
VARIANT = layout.OFFICE_BOOKLET
MOST_PADDING = 3  # pages a booklet may lack: 4 - 1


def render_office_booklet(document: Document, publication: Publication, theme: Theme, manuscripts_dir: Path,
                          editions: Editions | None = None) -> bytes:
    paper = publication.print_.booklet_paper(publication.leaflet.page_size)
    pages = padded_pages(document, publication, layout.OFFICE_PAGES[paper], theme, manuscripts_dir, editions)
    with pikepdf.open(io.BytesIO(pages)) as pdf:
        return impose(pdf, SHEETS[paper], direction(document.lang) == "rtl")


def padded_pages(document: Document, publication: Publication, page_size: str, theme: Theme,
                 manuscripts_dir: Path, editions: Editions | None) -> bytes:
    """The leaflet's pages at the booklet's size, in fours: laid out once with the most pages it
    can lack (a page for notes, two blanks), then those it does not lack taken out. Each starts a
    page of its own, and only the unnumbered back page follows them, so no other page moves.
    Written untagged: imposing keeps no structure tree (nor links)."""
    html = leaflet_html(document, publication, VARIANT, page_size, theme, editions, MOST_PADDING)
    with collector_paused():
        pages = pages_of(html, VARIANT, theme, manuscripts_dir)
        first = padding_start(pages.pages)
        lacking = -(len(pages.pages) - MOST_PADDING) % 4
        del pages.pages[first + lacking:first + MOST_PADDING]
        return untagged_pdf(pages)


def padding_start(pages: list) -> int:
    """Where the padding pages begin: the notes, then each blank, a page each."""
    names = ["notes", *(f"blank-{number}" for number in range(1, MOST_PADDING))]
    found = [next((index for index, page in enumerate(pages) if name in page.anchors), None) for name in names]
    if found[0] is None or found != list(range(found[0], found[0] + MOST_PADDING)):
        raise RuntimeError(f"the booklet's padding is not a page each, in order: {dict(zip(names, found, strict=True))}")
    return found[0]


def sides(pages: int, right_to_left: bool = False) -> list[tuple[int, int]]:
    """The page numbers on the left and right of each side of the sheets, in printing order: for
    8 pages 8|1, 2|7, 6|3, 4|5 (mirrored when the booklet binds on the right)."""
    order = [(pages - i, i + 1) if i % 2 == 0 else (i + 1, pages - i) for i in range(pages // 2)]
    return [(right, left) for left, right in order] if right_to_left else order


def impose(source, sheet: tuple[float, float], right_to_left: bool) -> bytes:
    """Two pages of a PDF (pikepdf's) to each side of a landscape sheet, each scaled into its half."""
    width, height = sheet
    with pikepdf.new() as booklet:
        forms = [booklet.copy_foreign(page.as_form_xobject()) for page in source.pages]
        for left, right in sides(len(forms), right_to_left):
            booklet.add_blank_page(page_size=(width, height))
            side = booklet.pages[-1]
            for number, x in ((left, 0.0), (right, width / 2)):
                place(side, forms[number - 1], f"/Page{number}", pikepdf.Rectangle(x, 0.0, x + width / 2, height))
        booklet.docinfo = booklet.copy_foreign(source.docinfo)
        if "/Lang" in source.Root:
            booklet.Root.Lang = source.Root.Lang
        output = io.BytesIO()
        booklet.save(output, deterministic_id=True, compress_streams=True)
        return output.getvalue()


def place(side, form, name: str, where) -> None:
    """Draw a page's form into a rectangle of the side, under a name of our own: pikepdf's
    add_overlay names it at random, and the same booklet would not be the same bytes twice."""
    side.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(name))
    side.contents_add(side.calc_form_xobject_placement(form, pikepdf.Name(name), where, allow_expand=True))
