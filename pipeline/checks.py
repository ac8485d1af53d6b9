"""Content checks on a manuscript's converted Markdown: citations, images, unsafe HTML, tables."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .config import Publication
from .diagnostics import Reporter
from .manuscript import Manuscript
from .convert import Converted
from .pandoc_ast import attributes, stringify, table_text, walk
from .schema import did_you_mean

UNSAFE_TAGS = frozenset({"script", "iframe", "object", "embed", "form", "frame", "frameset",
                         "applet", "base", "meta", "link"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"})
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})


@dataclass
class Context:
    """What the checks of one manuscript need, and where they report."""

    manuscript: Manuscript
    converted: Converted
    manuscripts_dir: Path
    reporter: Reporter

    def anchor(self, loc: tuple) -> tuple[int, int]:
        """Where a fragment starts in the file."""
        return self.manuscript.yaml.position(loc) if loc else (self.manuscript.body_first_line, 1)

    def locate(self, loc: tuple, token: str) -> tuple[int, int]:
        """Where `token` first appears in a fragment, or the fragment's start."""
        start = self.anchor(loc)
        return (token and self.manuscript.source.find(token, start)) or start


def check_manuscript(manuscript: Manuscript, converted: Converted, publication: Publication | None,
                     manuscripts_dir: Path, reporter: Reporter) -> None:
    """Report every content problem of one manuscript."""
    context = Context(manuscript, converted, manuscripts_dir, reporter)
    check_references(context)
    for loc, nodes in converted.nodes.items():
        check_citations(context, loc, nodes)
        check_images(context, loc, nodes)
        check_unsafe_markup(context, loc, nodes)
    check_tables(context, converted.nodes[()])
    check_dates(manuscript, reporter)
    if publication is not None:
        check_disclaimer(manuscript, publication, reporter)


def cited_keys(converted: Converted) -> set[str]:
    return {c["citationId"] for node in walk(list(converted.nodes.values()))
            if node["t"] == "Cite" for c in node["c"][0]}


def check_references(context: Context) -> None:
    references = context.manuscript.front.references
    counts = Counter(ref.id for ref in references)
    cited = cited_keys(context.converted)
    for index, ref in enumerate(references):
        position = context.manuscript.yaml.position(("references", index, "id"))
        if counts[ref.id] > 1:
            context.reporter.error(position, "duplicate-reference", f"two references have the id '{ref.id}'")
        elif ref.id not in cited:
            context.reporter.warning(position, "uncited-reference", f"reference '{ref.id}' is never cited")


def check_citations(context: Context, loc: tuple, nodes: list) -> None:
    known = {ref.id for ref in context.manuscript.front.references}
    for node in walk(nodes):
        if node["t"] != "Cite":
            continue
        for citation in node["c"][0]:
            key = citation["citationId"]
            if key not in known:
                context.reporter.error(context.locate(loc, "@" + key), "unknown-citation",
                                       f"citation '@{key}' has no matching reference",
                                       did_you_mean(key, known) or "add it to 'references'")


def check_images(context: Context, loc: tuple, nodes: list) -> None:
    for node in walk(nodes):
        if node["t"] == "Image":
            source, alt = node["c"][2][0], stringify(node["c"][1])
            check_image(context, loc, source, alt)
        elif node["t"] in ("RawInline", "RawBlock") and _is_html(node["c"][0]):
            for source, alt in HtmlScan.of(node["c"][1]).images:
                check_image(context, loc, source, alt)


def check_image(context: Context, loc: tuple, source: str, alt: str) -> None:
    position = context.locate(loc, source)
    report = context.reporter
    parts = urlsplit(source)
    if source.startswith("//") or parts.scheme in ("http", "https", "ftp"):
        report.error(position, "remote-image", f"image '{source}' is remote",
                     "save a copy in manuscripts/media/ and link to that")
        return
    path = (context.manuscripts_dir / unquote(parts.path)).resolve()
    if parts.scheme or not path.is_relative_to(context.manuscripts_dir.resolve()):
        report.error(position, "image-outside-project", f"image '{source}' is outside the project",
                     "images must be files inside manuscripts/, e.g. media/figure.png")
    elif not path.is_file():
        report.error(position, "missing-image", f"image '{source}' does not exist")
    elif path.suffix.lower() not in IMAGE_TYPES:
        report.error(position, "image-type", f"image '{source}' is not a PNG, JPEG, GIF, SVG or WebP file")
    if not alt.strip():
        report.warning(position, "image-alt", f"image '{source}' has no alt text",
                       "describe it for readers who cannot see it: ![description](path)")


def check_unsafe_markup(context: Context, loc: tuple, nodes: list) -> None:
    for node in walk(nodes):
        kind = node["t"]
        if kind in ("RawInline", "RawBlock") and _is_html(node["c"][0]):
            raw = node["c"][1]
            for problem in HtmlScan.of(raw).problems:
                context.reporter.error(context.locate(loc, raw.strip()[:60]), "unsafe-html",
                                       f"raw HTML that could run script: {problem}")
        if kind == "Link" and _is_script_url(node["c"][2][0]):
            url = node["c"][2][0]
            context.reporter.error(context.locate(loc, url), "unsafe-html",
                                   f"link to a '{url.split(':')[0]}:' URL could run script")
        for name, _value in attributes(node):
            if name.lower().startswith("on"):
                context.reporter.error(context.locate(loc, name), "unsafe-html",
                                       f"event handler attribute '{name}' could run script")


def _is_html(raw_format: str) -> bool:
    return raw_format.lower().startswith("html") or raw_format.lower().startswith("epub")


def _is_script_url(url: str) -> bool:
    compact = "".join(ch for ch in url if ch > " ").lower()
    return compact.startswith(SCRIPT_SCHEMES)


class HtmlScan(HTMLParser):
    """What a snippet of raw HTML contains that matters here: script vectors and images."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.images: list[tuple[str, str]] = []

    @classmethod
    def of(cls, html: str) -> "HtmlScan":
        scan = cls()
        scan.feed(html)
        scan.close()
        return scan

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in UNSAFE_TAGS:
            self.problems.append(f"<{tag}> element")
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"event handler attribute '{name}'")
            elif name in URL_ATTRIBUTES and _is_script_url(value):
                self.problems.append(f"'{value.split(':')[0]}:' URL in '{name}'")
        if tag == "img" and "src" in values and not _is_script_url(values["src"]):
            self.images.append((values["src"], values.get("alt", "")))


def check_tables(context: Context, blocks: list) -> None:
    """Tables need a caption (it is compared across formats) and a header row."""
    start = (context.manuscript.body_first_line, 1)
    for node in walk(blocks):
        if node["t"] != "Table":
            continue
        table = table_text(node)
        first_cell = next((cell for row in table.head + table.body for cell in row if cell), "")
        start = context.manuscript.source.find(first_cell, start) or start
        if not table.caption:
            context.reporter.warning(start, "table-caption", "table without a caption",
                                     "add a line ': Caption {#tbl-name}' below the table")
        if not any(cell for row in table.head for cell in row):
            context.reporter.warning(start, "table-header", "table without a header row")


def check_dates(manuscript: Manuscript, reporter: Reporter) -> None:
    """A review date before publication is a mistake; one that has passed is a warning of its own."""
    front, position = manuscript.front, manuscript.yaml.position(("review-date",))
    if front.review_date < front.date:
        reporter.error(position, "review-date", f"review date {front.review_date} is before the date {front.date}")


def check_disclaimer(manuscript: Manuscript, publication: Publication, reporter: Reporter) -> None:
    key = manuscript.front.disclaimer
    if key not in publication.disclaimers:
        reporter.error(manuscript.yaml.position(("disclaimer",)), "unknown-disclaimer",
                       f"unknown disclaimer '{key}'",
                       did_you_mean(key, publication.disclaimers) or "define it under 'disclaimers' in publication.yaml")
