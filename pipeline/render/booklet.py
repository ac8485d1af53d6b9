"""EPUB 3 booklets: cover, title page, one chapter per article, navigation, accessibility metadata."""

from __future__ import annotations

import io
import posixpath
import zipfile
from datetime import date, datetime
from pathlib import Path

from pipeline.base.files import read_inside
from pipeline.base.languages import direction
from pipeline.examine.document import Document
from pipeline.output import layout
from pipeline.render.accessibility import accessibility_of
from pipeline.render.cover import cover_png
from pipeline.render.html import edit_fragment, mark_header_cells, mark_noterefs, rebase_links
from pipeline.render.page_list import page_list_nav, with_page_breaks
from pipeline.source.distribution import isbn13
from pipeline.source.links import resolver, with_fragment
from pipeline.source.publication import Booklet, Publication
from pipeline.source.theme import Theme, build_time, environment, labels

EPUB = "epub"
NAVIGATION = "EPUB/nav.xhtml"
STYLESHEET = "booklet.css"
MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}
PACKAGE_NAMESPACES = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "opf": "http://www.idpf.org/2007/opf",
                      "dc": "http://purl.org/dc/elements/1.1/", "epub": "http://www.idpf.org/2007/ops"}


class Afresh:
    """No chapter kept: every chapter rendered (a booklet made outside a build, e.g. by a test)."""

    def get(self, _slug: str) -> str | None:
        return None

    def put(self, _slug: str, _content: str) -> None:
        pass


def chapter_name(document: Document) -> str:
    return layout.chapter(document.slug)


def render_booklet(booklet: Booklet, documents: list[Document], publication: Publication,
                   theme: Theme, manuscripts_dir: Path, kept=None, print_openings: list | None = None) -> bytes:
    """Assemble one EPUB from already converted documents, byte-reproducibly; `kept` hands back
    the chapters rendered before, by slug, and keeps those rendered now (get and put). With the
    print edition's pages (`print_openings`: each page's runs of text), it has a page list."""
    from ebooklib import epub  # noqa: PLC0415 - only builds need it

    env, lang = environment(theme, EPUB), booklet_language(documents)
    words = labels(theme, lang)
    modified = build_time(max(document.date for document in documents))
    book, text_direction = epub.EpubBook(), direction(lang)
    describe(book, booklet, publication, lang, documents)
    if text_direction == "rtl":  # pages turn right to left
        book.set_direction(text_direction)
    css = epub.EpubItem(uid="style", file_name=f"styles/{STYLESHEET}", media_type="text/css",
                        content=theme.file(f"{EPUB}/{STYLESHEET}").read_bytes())
    book.add_item(css)
    book.set_cover("cover.png", cover_png(booklet, publication, lang), create_page=False)
    cover = epub.EpubHtml(uid="cover-page", title=words.format("cover-alt", title=booklet.title),
                          file_name="cover.xhtml", lang=lang, direction=text_direction)
    cover.content = env.get_template("cover.html").render(booklet=booklet, labels=words)
    resolve = booklet_links(documents, publication.base_url)
    chapters = [chapter(env, document, theme, css, resolve, kept or Afresh()) for document in documents]
    title_page = epub.EpubHtml(uid="title-page", title=words.title_page, file_name="title-page.xhtml", lang=lang,
                                direction=text_direction)
    title_page.content = title_page_content(env, booklet, documents, publication, words)
    title_page.add_item(css)
    for item in [cover, title_page, *chapters, *images(documents, manuscripts_dir)]:
        book.add_item(item)
    book.toc = [epub.Link("title-page.xhtml", words.title_page, "toc-title-page"),
                *[toc_entry(epub, document) for document in documents]]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav(direction=text_direction))
    book.guide = [
        {"type": "cover", "href": "cover.xhtml", "title": words.format("cover-alt", title=booklet.title)},
        {"type": "toc", "href": "nav.xhtml", "title": words.contents},
        {"type": "text", "href": chapter_name(documents[0]), "title": words.start_reading},
    ]
    book.spine = [cover, title_page, "nav", *chapters]
    page_list = ""
    if print_openings:  # the print edition's pages, marked where each begins
        documents_in_order = [title_page, *chapters]
        contents, marks = with_page_breaks([item.content for item in documents_in_order], print_openings)
        for item, content in zip(documents_in_order, contents, strict=True):
            item.content = content
        page_list = page_list_nav(marks, [item.file_name for item in documents_in_order], words.plain("page-list"))
    return write_reproducibly(epub, book, modified, words.contents, lang, page_list)


def describe(book, booklet: Booklet, publication: Publication, lang: str, documents: list[Document]) -> None:
    """Booklet metadata and the accessibility metadata retailers and the EAA expect."""
    book.set_identifier(booklet.identifier)
    isbn = f"urn:isbn:{isbn13(booklet.isbn)}" if booklet.isbn else None
    if isbn and booklet.identifier != isbn:
        book.add_metadata("DC", "identifier", isbn)
    book.set_title(booklet.title)
    book.set_language(lang)
    authors = [person.name for person in booklet.contributors if person.role == "author"]
    for name in authors or [publication.publisher]:
        book.add_author(name)
    for person in (person for person in booklet.contributors if person.role != "author"):
        book.add_metadata("DC", "contributor", person.name)
    book.add_metadata("DC", "publisher", publication.publisher)
    book.add_metadata("DC", "date", publishing_date(booklet, documents).isoformat())
    if booklet.description:
        book.add_metadata("DC", "description", booklet.description)
    facts = accessibility_of(documents, publication.publisher, booklet.page_break_source)
    for mode in facts.modes:
        book.add_metadata(None, "meta", mode, {"property": "schema:accessMode"})
    for mode in facts.sufficient:
        book.add_metadata(None, "meta", mode, {"property": "schema:accessModeSufficient"})
    for feature in facts.features:
        book.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    for hazard in facts.hazards:
        book.add_metadata(None, "meta", hazard, {"property": "schema:accessibilityHazard"})
    book.add_metadata(None, "meta", facts.summary, {"property": "schema:accessibilitySummary"})
    book.add_metadata(None, "meta", facts.conforms_to, {"property": "dcterms:conformsTo"})
    book.add_metadata(None, "meta", facts.certified_by, {"property": "a11y:certifiedBy"})
    if facts.page_break_source:
        book.add_metadata(None, "meta", facts.page_break_source, {"property": "pageBreakSource"})


def title_page_content(env, booklet: Booklet, documents: list[Document], publication: Publication, words) -> str:
    return env.get_template("title-page.html").render(
        booklet=booklet, publication=publication, labels=words,
        chapters=[(document, chapter_name(document)) for document in documents])


def epub_documents(booklet: Booklet, documents: list[Document], publication: Publication,
                   theme: Theme) -> tuple[str, list[str]]:
    """The booklet's title page and chapters as the EPUB has them (the print edition prints them)."""
    env = environment(theme, EPUB)
    resolve = booklet_links(documents, publication.base_url)
    return (title_page_content(env, booklet, documents, publication, labels(theme, booklet_language(documents))),
            [chapter_content(env, document, theme, resolve) for document in documents])


def booklet_language(documents: list[Document]) -> str:
    """The language a booklet is in: its articles' (a booklet with `lang` gathers that language's)."""
    return documents[0].lang


def publishing_date(booklet: Booklet, documents: list[Document]) -> date:
    """The day the booklet is published: publication.yaml's, else its articles' latest."""
    return booklet.publishing_date or max(document.date for document in documents)


def chapter(env, document: Document, theme: Theme, css, resolve, kept):
    from ebooklib import epub  # noqa: PLC0415

    item = epub.EpubHtml(uid=f"chapter-{document.slug}", title=document.title.text,
                         file_name=chapter_name(document), lang=document.lang,
                         direction=direction(document.lang))
    item.content = kept.get(document.slug)
    if item.content is None:
        item.content = chapter_content(env, document, theme, resolve)
        kept.put(document.slug, item.content)
    item.add_item(css)
    return item


def chapter_content(env, document: Document, theme: Theme, resolve) -> str:
    return env.get_template("chapter.html").render(
        doc=document, labels=labels(theme, document.lang),
        body=epub_html(document.body, resolve),
        faq=[(entry.question.html, epub_html(entry.answer.html, resolve)) for entry in document.faq],
        summary=epub_html(document.summary.html, resolve),
        key_points=[(point.title.html, epub_html(point.text.html, resolve)) for point in document.key_points],
    )


def epub_html(html: str, resolve) -> str:
    return edit_fragment(html, lambda root: (mark_header_cells(root), mark_noterefs(root), rebase_links(root, resolve)))


def booklet_links(documents: list[Document], base_url: str):
    """Links to another article go to its chapter when the booklet has it, else to its web page."""
    inside = {document.slug for document in documents}

    def article_href(name: str, fragment: str) -> str:
        return with_fragment(layout.chapter(name) if name in inside else layout.page_url(base_url, name), fragment)

    return resolver(article_href)


def toc_entry(epub, document: Document):
    """A chapter, with its sections beneath it when it has any (an empty section fails EPUBCheck)."""
    link = epub.Link(chapter_name(document), document.title.text, f"toc-{document.slug}")
    sections = [epub.Link(f"{chapter_name(document)}#{heading.id}", heading.text, f"toc-{document.slug}-{heading.id}")
                for heading in document.headings]
    return (epub.Section(document.title.text, chapter_name(document)), sections) if sections else link


def images(documents: list[Document], manuscripts_dir: Path):
    from ebooklib import epub  # noqa: PLC0415

    paths = dict.fromkeys(image for document in documents for image in document.images)
    return [epub.EpubItem(uid=f"image-{index}", file_name=path,
                          media_type=MEDIA_TYPES[Path(path).suffix.lower()],
                          content=read_inside(manuscripts_dir / path, manuscripts_dir))
            for index, path in enumerate(paths, start=1)]


def write_reproducibly(epub, book, modified: datetime, landmarks_title: str, lang: str, page_list: str = "") -> bytes:
    """Write the EPUB, then rewrite its zip with fixed entry times (mimetype first, stored), the
    package's language stated and the page list (a nav element) in the navigation document."""
    raw = io.BytesIO()
    epub.write_epub(raw, book, {"mtime": modified, "epub3_pages": False, "raise_exceptions": True,
                                  "landmark_title": landmarks_title})
    stamp = modified.timetuple()[:6]
    result = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, zipfile.ZipFile(result, "w") as target:
        names = sorted(source.namelist(), key=lambda name: (name != "mimetype", name))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            content = source.read(name)
            if name.endswith(".opf"):
                content = with_package_language(content, lang)
            elif name == NAVIGATION and page_list:
                content = content.replace(b"</body>", page_list.encode("utf-8") + b"</body>", 1)
            target.writestr(info, content)
    return result.getvalue()


def read_package(book: zipfile.ZipFile):
    """An EPUB's package document (as lxml's tree) and the folder its hrefs are relative to,
    found through META-INF/container.xml as reading systems find it."""
    from lxml import etree  # noqa: PLC0415

    container = etree.fromstring(book.read("META-INF/container.xml"))
    path = container.find(".//c:rootfile", PACKAGE_NAMESPACES).get("full-path")
    return etree.fromstring(book.read(path)), posixpath.dirname(path)


def with_package_language(opf: bytes, lang: str) -> bytes:
    """The package document says its own language (xml:lang), which ebooklib leaves out."""
    from lxml import etree  # noqa: PLC0415

    root = etree.fromstring(opf)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
