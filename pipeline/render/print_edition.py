"""The print edition of a booklet (SPEC §16): its articles as one book, a title page with the
contents, then a chapter to each article on a recto page, the chapter's title at the head of
its pages and the folio at their foot, at the booklet's trim size; made ready for the press
(PDF/X-4, CMYK, bleed, crop marks) by the press files' machinery, and preflighted as they are.

Its pages hold the EPUB's own documents (its title page and chapters), so that the EPUB's page
list can say where each printed page begins (page_list, reading this file's text)."""

from __future__ import annotations

import io
from pathlib import Path

import lxml.html

from pipeline.base.languages import direction
from pipeline.examine.document import Document
from pipeline.render.booklet import booklet_language, chapter_name, epub_documents
from pipeline.render.leaflet import PRINT, lay_out_untagged
from pipeline.render.onix import PrintFacts
from pipeline.render.preflight import Problem
from pipeline.render.press import pressed
from pipeline.source.publication import POINTS, Booklet, Publication
from pipeline.source.theme import Theme, environment

BOOK = "book"  # the stylesheets it is laid out with (leaflet.STYLESHEETS)


def render_print_edition(booklet: Booklet, documents: list[Document], publication: Publication, theme: Theme,
                         manuscripts_dir: Path) -> tuple[bytes, list[Problem]]:
    """The print edition, ready for the press, and its preflight."""
    html = book_html(booklet, documents, publication, theme)
    return pressed(lambda bleed: lay_out_untagged(html, BOOK, theme, manuscripts_dir, bleed), publication.print_,
                   manuscripts_dir)


def print_facts(pdf: bytes) -> PrintFacts:
    """What the ONIX record says of the print edition, read from its file: its pages, and the
    trim (its first page's TrimBox) in millimetres."""
    import pikepdf  # noqa: PLC0415

    with pikepdf.open(io.BytesIO(pdf)) as book:
        left, bottom, right, top = (float(value) for value in book.pages[0].trimbox)
        return PrintFacts(len(book.pages), round((right - left) / POINTS["mm"], 1), round((top - bottom) / POINTS["mm"], 1))


def book_html(booklet: Booklet, documents: list[Document], publication: Publication, theme: Theme) -> str:
    """The EPUB's title page and chapters in one document, each chapter known by its name (the
    contents link there, and print each one's page number)."""
    title_page, chapters = epub_documents(booklet, documents, publication, theme)
    lang = booklet_language(documents)
    return environment(theme, PRINT).get_template("book.html").render(
        booklet=booklet, lang=lang, dir=direction(lang), trim=booklet.printed.trim_size(publication.leaflet.page_size),
        title_page=section_of(title_page, contents={chapter_name(document): f"#chapter-{document.slug}"
                                                    for document in documents}),
        chapters=[section_of(content, name=f"chapter-{document.slug}")
                  for document, content in zip(documents, chapters, strict=True)])


def section_of(content: str, name: str | None = None, contents: dict[str, str] | None = None) -> str:
    """An EPUB document's one section, as HTML to go in the book: named, its ids made the
    chapter's own (every chapter has a 'summary'), its links pointing into the book."""
    section = lxml.html.document_fromstring(content).find(".//section")
    prefix = f"{name}--" if name else ""
    for element in section.iter():
        if isinstance(element.tag, str) and element.get("id") and prefix:
            element.set("id", prefix + element.get("id"))
    if name:
        section.set("id", name)
    for link in section.iter("a"):
        href = link.get("href") or ""
        if contents and href in contents:
            link.set("href", contents[href])
        elif href.startswith("#") and prefix:
            link.set("href", f"#{prefix}{href[1:]}")
    return lxml.html.tostring(section, encoding="unicode")
