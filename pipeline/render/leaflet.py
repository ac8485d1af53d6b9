"""PDF leaflets: standard and large print, tagged (PDF/UA-1), from the print templates."""

from __future__ import annotations

import gc
import io
import mimetypes
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import lxml.html

from pipeline.base.files import UnsafePath, inside
from pipeline.base.languages import direction
from pipeline.base.lazy import lazy_import
from pipeline.examine.document import Document
from pipeline.output import layout
from pipeline.output.editions import Editions
from pipeline.render.html import (
    drop_note_backlinks,
    edit_fragment,
    mark_header_cells,
    rebase_links,
    set_definitions_apart,
)
from pipeline.render.pdf_links import describe_links, join_split_links
from pipeline.render.pdf_tags import mend_tags
from pipeline.render.pdf_text import state_actual_text
from pipeline.render.statement import has_easy_read, other_formats
from pipeline.source.links import resolver, with_fragment
from pipeline.source.publication import Publication
from pipeline.source.theme import Theme, build_time, environment, labels

pikepdf = lazy_import("pikepdf")

PRINT = "print"
STYLESHEETS = {"standard": ("leaflet.css",), "large-print": ("leaflet.css", "large-print.css"),
               "booklet": ("leaflet.css", "booklet.css"), "book": ("book.css",)}


def render_leaflet(document: Document, publication: Publication, variant: str, page_size: str,
                   theme: Theme, manuscripts_dir: Path, editions: Editions | None = None, bleed: float = 0.0) -> bytes:
    """Lay out one leaflet; only files under manuscripts/ and the theme's folders can be read.
    With a `bleed` (points), its pages run past the trim, and the page's background with them."""
    return lay_out(leaflet_html(document, publication, variant, page_size, theme, editions), variant, theme,
                   manuscripts_dir, bleed)


def lay_out(html: str, variant: str, theme: Theme, manuscripts_dir: Path, bleed: float = 0.0) -> bytes:
    """Leaflet HTML to a tagged PDF, with this process's warm fonts and parsed stylesheets."""
    with collector_paused():
        return mend(tagged_pdf(pages_of(html, variant, theme, manuscripts_dir, bleed)), html, theme)


def lay_out_untagged(html: str, variant: str, theme: Theme, manuscripts_dir: Path, bleed: float = 0.0) -> bytes:
    """HTML to an untagged PDF (for the press, which keeps no tags), each run of text stating
    its characters (pdf_text)."""
    with collector_paused():
        return untagged_pdf(pages_of(html, variant, theme, manuscripts_dir, bleed))


def pages_of(html: str, variant: str, theme: Theme, manuscripts_dir: Path, bleed: float = 0.0):
    """The leaflet laid out into pages (WeasyPrint's Document), not yet written."""
    warm = warm_renderer(theme, theme.key(PRINT), manuscripts_dir)
    stylesheets = warm.stylesheets[variant] + ([bleed_sheet(bleed, warm.font_config)] if bleed else [])
    return parsed(html, manuscripts_dir.as_uri() + "/", warm.fetcher).render(
        stylesheets=stylesheets, font_config=warm.font_config, presentational_hints=False)


@lru_cache(maxsize=4)
def bleed_sheet(points: float, font_config):
    """Pages that run `points` past the trim on every side: WeasyPrint paints the page's
    background to the bleed's edge and sets TrimBox and BleedBox; no line moves."""
    from weasyprint import CSS  # noqa: PLC0415

    return CSS(string=f"@page {{ bleed: {points}pt }}", font_config=font_config)


def tagged_pdf(pages) -> bytes:
    """Laid-out pages written as PDF/UA, each run of text stating its characters (pdf_text)."""
    state_actual_text()
    return pages.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, uncompressed_pdf=True)


def untagged_pdf(pages) -> bytes:
    """Laid-out pages written without tags, each run of text stating its characters all the same,
    and the running footer's as an artifact (pdf_text): what verify reads a booklet by."""
    state_actual_text()
    return pages.write_pdf(uncompressed_pdf=True)


@contextmanager
def collector_paused():
    """No cycle collection while a leaflet is laid out, one after it. WeasyPrint allocates
    enough to run the collector hundreds of times per leaflet, and everything it leaves for
    the collector is garbage by the end (2-4% of the time, no more memory at peak)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(1)


def parsed(html: str, base_url: str, fetcher):
    """The leaflet as WeasyPrint's HTML document, parsed by libxml2 through lxml instead of by
    WeasyPrint's own HTML5 parser, which is pure Python and 3% of a leaflet's time.
    The HTML is the print template around pandoc's and nh3's output, well formed, where both
    parsers build the same tree (a test holds them to it on every fixture)."""
    import cssselect2  # noqa: PLC0415
    from weasyprint import HTML  # noqa: PLC0415

    document = HTML.__new__(HTML)  # what HTML.__init__ sets, from a tree already parsed
    document.base_url, document.url_fetcher, document.media_type = base_url, fetcher, "print"
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(element_tree(html), content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


def element_tree(html: str) -> ElementTree.Element:
    """The document parsed by lxml, as the standard library's elements that WeasyPrint reads:
    comments and processing instructions dropped, the text after them kept, white space
    placed as an HTML5 parser places it."""
    def convert(source) -> ElementTree.Element:
        element = ElementTree.Element(source.tag, dict(source.attrib))
        element.text, element.tail = source.text, source.tail
        previous = None
        for kid in source:
            if isinstance(kid.tag, str):
                previous = convert(kid)
                element.append(previous)
            elif kid.tail and previous is None:
                element.text = (element.text or "") + kid.tail
            elif kid.tail:
                previous.tail = (previous.tail or "") + kid.tail
        return element

    root = convert(lxml.html.document_fromstring(html))
    # HTML5 drops the white space before <head> and moves what follows </body>, and </html>, into the body.
    root.text, body = None, root[-1]
    after = (body.tail or "") + html[len(html.rstrip()):]
    if len(body):
        body[-1].tail = (body[-1].tail or "") + after
    else:
        body.text = (body.text or "") + after
    body.tail = None
    return root


def table_body_rows(html: str) -> list[int]:
    """The body rows of each table of the leaflet, in order: what a table broken across pages adds up to."""
    root = lxml.html.document_fromstring(html)
    return [len(table.xpath("./tbody/tr | ./tr")) for table in root.iter("table")]


def mend(data: bytes, html: str, theme: Theme) -> bytes:
    """WeasyPrint's PDF with its tags mended (pdf_tags) and its links made one each and described (pdf_links)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        mend_tags(pdf, table_body_rows(html))
        join_split_links(pdf)
        describe_links(pdf, html, theme)
        # WeasyPrint writes the PDF uncompressed, and qpdf compresses it here, once: its streams and,
        # in object streams, the thousands of small objects of the tags: 1-6% of a leaflet's time.
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return output.getvalue()


@dataclass
class WarmRenderer:
    fetcher: object
    font_config: object
    stylesheets: dict[str, list]


@lru_cache(maxsize=4)
def warm_renderer(theme: Theme, _print_key: str, manuscripts_dir: Path) -> WarmRenderer:
    """Font configuration, fetcher and parsed stylesheets, kept for as long as the print
    theme's files hash the same (the key is part of the cache's)."""
    from weasyprint import CSS  # noqa: PLC0415
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415

    fetcher, font_config = project_fetcher(manuscripts_dir, *theme.folders), FontConfiguration()
    stylesheets = {variant: [CSS(filename=str(theme.file(f"{PRINT}/{name}")), url_fetcher=fetcher,
                                 font_config=font_config) for name in names]
                   for variant, names in STYLESHEETS.items()}
    return WarmRenderer(fetcher, font_config, stylesheets)


def leaflet_html(document: Document, publication: Publication, variant: str, page_size: str,
                 theme: Theme, editions: Editions | None = None, padding: int = 0) -> str:
    """The leaflet's HTML; `padding` pages (a page for notes, then blanks) go before the last part."""
    env, words = environment(theme, PRINT), labels(theme, document.lang)
    modified = build_time(document.date)
    return env.get_template("leaflet.html").render(
        doc=document, publication=publication, labels=words, variant=variant,
        formats=other_formats(document.lang, publication, words, has_easy_read(document, editions)),
        dir=direction(document.lang), editions=editions or Editions(document.slug),
        page_size=page_size,  # A4, A5 or letter: CSS page size names already
        created=document.date.isoformat(), modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        body=print_html(document.body, publication.base_url), summary=print_html(document.summary.html, publication.base_url),
        key_points=[(point.title.html, print_html(point.text.html, publication.base_url)) for point in document.key_points],
        faq=[(item.question.html, print_html(item.answer.html, publication.base_url)) for item in document.faq],
        logo=publication.logo, qr_code=qr_code(document.url), padding=padding,
    )


@lru_cache(maxsize=32)  # both variants of a leaflet print the same body
def print_html(html: str, base_url: str) -> str:
    """A fragment as a leaflet prints it: a link to another article goes to its web page, and
    definitions are set apart from their terms."""
    def article_href(name: str, fragment: str) -> str:
        return with_fragment(layout.page_url(base_url, name), fragment)

    return edit_fragment(html, lambda root: (mark_header_cells(root), drop_note_backlinks(root),
                                             rebase_links(root, resolver(article_href)),
                                             set_definitions_apart(root)))


@lru_cache(maxsize=32)
def qr_code(url: str) -> str:
    """The web page's address as a QR code, an SVG data URI that prints sharp at any size."""
    import segno  # noqa: PLC0415

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#000000")


def project_fetcher(*roots: Path):
    """A WeasyPrint URL fetcher that serves data: URIs and regular files under `roots`, nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415

    class ProjectFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme != "file":
                raise ValueError(f"refused to fetch {url}: only project files are read")
            try:
                path = inside(Path(unquote(parts.path)), *roots)
            except UnsafePath as error:
                raise ValueError(f"refused to read it: {error}") from None
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return ProjectFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)
