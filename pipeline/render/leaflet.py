"""PDF leaflets: standard and large print, tagged (PDF/UA-1), from the print templates."""

from __future__ import annotations

import io
import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..config import Publication
from ..document import Document
from ..editions import Editions
from ..languages import direction
from ..files import UnsafePath, inside
from .. import layout
from ..links import resolver, with_fragment
from .html import drop_note_backlinks, edit_fragment, mark_header_cells, rebase_links, set_definitions_apart
from .theme import Theme, build_time, environment, labels

PRINT = "print"
STYLESHEETS = {"standard": ("leaflet.css",), "large-print": ("leaflet.css", "large-print.css")}


def render_leaflet(document: Document, publication: Publication, variant: str, page_size: str,
                   theme: Theme, manuscripts_dir: Path, editions: Editions | None = None) -> bytes:
    """Lay out one leaflet; only files under manuscripts/ and the theme's folders can be read."""
    return lay_out(leaflet_html(document, publication, variant, page_size, theme, editions), variant, theme,
                   manuscripts_dir)


def lay_out(html: str, variant: str, theme: Theme, manuscripts_dir: Path) -> bytes:
    """Leaflet HTML to a tagged PDF, with this process's warm fonts and parsed stylesheets."""
    from weasyprint import HTML  # noqa: PLC0415 - slow to import; only builds need it

    from .pdf_text import state_actual_text  # noqa: PLC0415

    state_actual_text()
    warm = warm_renderer(theme, theme.key(PRINT), manuscripts_dir)
    pdf = HTML(string=html, base_url=manuscripts_dir.as_uri() + "/", url_fetcher=warm.fetcher).write_pdf(
        stylesheets=warm.stylesheets[variant], font_config=warm.font_config,
        pdf_variant="pdf/ua-1", presentational_hints=False)
    return mend(pdf, html, theme)


def mend(data: bytes, html: str, theme: Theme) -> bytes:
    """WeasyPrint's PDF with its tags mended (pdf_tags) and its links made one each and described (pdf_links)."""
    import pikepdf  # noqa: PLC0415

    from .pdf_links import describe_links, join_split_links  # noqa: PLC0415
    from .pdf_tags import mend_tags  # noqa: PLC0415

    with pikepdf.open(io.BytesIO(data)) as pdf:
        mend_tags(pdf)
        join_split_links(pdf)
        describe_links(pdf, html, theme)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True)
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
                 theme: Theme, editions: Editions | None = None) -> str:
    env = environment(theme, PRINT)
    modified = build_time(document.date)
    return env.get_template("leaflet.html").render(
        doc=document, publication=publication, labels=labels(theme, document.lang), variant=variant,
        dir=direction(document.lang), editions=editions or Editions(document.slug),
        page_size=page_size,  # A4, A5 or letter: CSS page size names already
        created=document.date.isoformat(), modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        body=print_html(document.body, publication.base_url), summary=print_html(document.summary.html, publication.base_url),
        key_points=[(point.title.html, print_html(point.text.html, publication.base_url)) for point in document.key_points],
        faq=[(item.question.html, print_html(item.answer.html, publication.base_url)) for item in document.faq],
        logo=publication.logo, qr_code=qr_code(document.url),
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
