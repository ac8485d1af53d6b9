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
from pipeline.render.leaflet import collector_paused, leaflet_html, mend, pages_of, tagged_pdf
from pipeline.source.publication import Publication
from pipeline.source.theme import Theme

pikepdf = lazy_import("pikepdf")

SHEETS = {"A4": (841.89, 595.28), "letter": (792.0, 612.0)}  # landscape, in points
VARIANT = layout.OFFICE_BOOKLET


def render_office_booklet(document: Document, publication: Publication, theme: Theme, manuscripts_dir: Path,
                          editions: Editions | None = None) -> bytes:
    paper = publication.print_.booklet_paper(publication.leaflet.page_size)
    pages = padded_pages(document, publication, layout.OFFICE_PAGES[paper], theme, manuscripts_dir, editions)
    return impose(pages, SHEETS[paper], direction(document.lang) == "rtl")


def padded_pages(document: Document, publication: Publication, page_size: str, theme: Theme,
                 manuscripts_dir: Path, editions: Editions | None) -> bytes:
    """The leaflet's pages at the booklet's size, laid out again with the pages it lacks when it
    lacks some (their footers number them with the rest); written once."""
    def laid_out(padding: int):
        html = leaflet_html(document, publication, VARIANT, page_size, theme, editions, padding)
        return html, pages_of(html, VARIANT, theme, manuscripts_dir)

    with collector_paused():
        html, pages = laid_out(0)
        padding = -len(pages.pages) % 4
        if padding:
            html, pages = laid_out(padding)
        if len(pages.pages) % 4:
            raise RuntimeError(f"the booklet has {len(pages.pages)} pages after {padding} were added: not a multiple of 4")
        return mend(tagged_pdf(pages), html, theme)


def sides(pages: int, right_to_left: bool = False) -> list[tuple[int, int]]:
    """The page numbers on the left and right of each side of the sheets, in printing order: for
    8 pages 8|1, 2|7, 6|3, 4|5 (mirrored when the booklet binds on the right)."""
    order = [(pages - i, i + 1) if i % 2 == 0 else (i + 1, pages - i) for i in range(pages // 2)]
    return [(right, left) for left, right in order] if right_to_left else order


def impose(pdf: bytes, sheet: tuple[float, float], right_to_left: bool) -> bytes:
    """Two pages to each side of a landscape sheet, each scaled into its half."""
    width, height = sheet
    with pikepdf.open(io.BytesIO(pdf)) as source, pikepdf.new() as booklet:
        forms = [booklet.copy_foreign(page.as_form_xobject()) for page in source.pages]
        for left, right in sides(len(forms), right_to_left):
            booklet.add_blank_page(page_size=(width, height))
            side = booklet.pages[-1]
            for number, x in ((left, 0.0), (right, width / 2)):
                side.add_overlay(forms[number - 1], pikepdf.Rectangle(x, 0.0, x + width / 2, height))
        booklet.docinfo = booklet.copy_foreign(source.docinfo)
        if "/Lang" in source.Root:
            booklet.Root.Lang = source.Root.Lang
        output = io.BytesIO()
        booklet.save(output, deterministic_id=True, compress_streams=True)
        return output.getvalue()
