"""Reading pandoc's JSON AST: the one module that does, once per fragment, into typed facts.

Checks, readability, the document and verify ask these facts; none of them walks the AST. The
facts that diagnostics point at carry where the manuscript writes them (convert/positions.py
places them once, at conversion): no check searches the manuscript's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.convert.raw_html import HtmlScan
from pipeline.output import layout

Position = tuple[int, int]  # line and column in the manuscript, from 1

BLOCKS = frozenset({"Para", "Plain", "Header", "Div", "BlockQuote"})
NESTING = frozenset({"BulletList", "OrderedList", "BlockQuote", "Div", "DefinitionList"})
QUOTE_MARKS = {"DoubleQuote": ("\u201c", "\u201d"), "SingleQuote": ("\u2018", "\u2019")}
SENTENCE_ENDS = (".", "!", "?", ":", ";", "…")


@dataclass(frozen=True)
class SourceRow:
    """A row of a pipe or grid table as the Markdown writes it."""

    cells: int  # as written
    columns: int  # the table's, from its rule line
    position: Position


@dataclass(frozen=True)
class TableText:
    """A table as a reader sees it: caption, header rows and body rows of cells."""

    caption: str
    head: tuple[tuple[str, ...], ...]
    body: tuple[tuple[str, ...], ...]
    position: Position | None = field(default=None, compare=False)
    rows: tuple[SourceRow, ...] = field(default=(), compare=False)  # a pipe or grid table's, as written

    @property
    def first_cell(self) -> str:
        return next((cell for row in self.head + self.body for cell in row if cell), "")


@dataclass(frozen=True)
class Heading:
    """A section heading (level 2) of the body, for the contents list and the EPUB's navigation."""

    id: str
    text: str


@dataclass(frozen=True)
class Section:
    """The body split at its level-2 headings: a heading ("" for the lead before any) and its text."""

    heading: str
    text: str
    position: Position | None = field(default=None, compare=False)  # of the heading


@dataclass(frozen=True)
class Image:
    source: str
    alt: str
    position: Position | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Row:
    """A paragraph of the body as an Easy Read edition reads it: the picture it starts with, if
    any, and its text."""

    picture: Image | None
    text: str
    position: Position | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Citation:
    """One key cited, as `@key` or `[@key]`."""

    key: str
    position: Position | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Link:
    href: str
    position: Position | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Attribute:
    """A key-value attribute of any element: `{key=value}` in Markdown."""

    name: str
    value: str
    position: Position | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RawHtml:
    """A piece of raw HTML, the images it shows and what in it could run script or load files."""

    text: str
    images: tuple[Image, ...] = ()
    hazards: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    ids: tuple[str, ...] = ()
    tables: int = 0
    position: Position | None = field(default=None, compare=False)

    @classmethod
    def read(cls, text: str) -> "RawHtml":
        scan = HtmlScan.of(text)
        return cls(text, tuple(Image(source, alt) for source, alt in scan.images), tuple(scan.problems),
                   tuple(Link(href) for href in scan.links), tuple(scan.ids), scan.tables)


@dataclass(frozen=True)
class FragmentFacts:
    """What one Markdown fragment holds, as later stages ask it."""

    text: str  # the text a reader sees, quotes and resolved citations included
    prose: tuple[str, ...]  # each paragraph or list item as one sentence-ended line, citations left out
    citations: tuple[Citation, ...]  # every key cited, in order
    citation_labels: tuple[str, ...]  # each in-text citation as citeproc shows it: "[1, 3]"
    images: tuple[Image, ...]  # Markdown images (raw HTML's are in raw_html)
    raw_html: tuple[RawHtml, ...]
    links: tuple[Link, ...]  # Markdown links (citeproc's links to the references left out)
    ids: tuple[str, ...]  # every element id, as the reader made them unique
    blank_headings: tuple[Position | None, ...]  # headings with no text (no contents entry or bookmark can name them)
    block_kinds: tuple[str, ...]  # the fragment's top-level blocks: ("Para",) for one paragraph
    notes: int  # footnotes
    attributes: tuple[Attribute, ...]
    tables: tuple[TableText, ...]
    headings: tuple[Heading, ...]
    sections: tuple[Section, ...]
    depth: int  # deepest nesting of lists, quotes and divisions
    headless_tables: tuple[Position, ...] = ()  # pipe tables written without a header row, which pandoc reads as text
    rows: tuple[Row, ...] = ()  # the top-level paragraphs, each with the picture it starts with

    @property
    def cited_keys(self) -> tuple[str, ...]:
        return tuple(citation.key for citation in self.citations)

    @property
    def every_image(self) -> tuple[Image, ...]:
        """Markdown's images, then raw HTML's: every output shows both."""
        return (*self.images, *(image for raw in self.raw_html for image in raw.images))

    @property
    def every_link(self) -> tuple[Link, ...]:
        return (*self.links, *(link for raw in self.raw_html for link in raw.links))

    @property
    def every_id(self) -> tuple[str, ...]:
        """The ids of Markdown's elements (the reader made them unique) and those raw HTML gives."""
        return (*self.ids, *(identifier for raw in self.raw_html for identifier in raw.ids))


def read_fragment(blocks: list) -> FragmentFacts:
    """Collect the facts of one fragment's blocks."""
    facts = {name: [] for name in ("citations", "citation_labels", "images", "raw_html", "links",
                                   "attributes", "tables", "headings", "ids", "blank_headings")}
    depth = 0
    found_notes = [node for node, _level in walk(blocks) if node["t"] == "Note"]
    notes = {id(node): number for number, node in enumerate(found_notes, start=1)}  # as the HTML writer numbers them
    for node, level in walk(blocks):
        depth = max(depth, level)
        collect(node, facts, notes)
    generated = {"#" + layout.reference_id(cited.key) for cited in facts["citations"]}  # citeproc's, to each entry
    facts["links"] = [link for link in facts["links"] if link.href not in generated]
    prose: list[str] = []
    _paragraphs(blocks, prose)
    return FragmentFacts(text=reading_text(blocks, found_notes, notes), prose=tuple(prose), depth=depth,
                         notes=len(notes),
                         block_kinds=tuple(block.get("t", "") for block in blocks if isinstance(block, dict)),
                         sections=sections(blocks), rows=rows(blocks),
                         **{name: tuple(found) for name, found in facts.items()})


def rows(blocks: list) -> tuple[Row, ...]:
    """Each top-level paragraph, with the picture it starts with; a picture alone (a figure) is a
    row without text."""
    found = []
    for block in blocks:
        if block.get("t") in ("Para", "Plain"):
            inlines = block["c"]
            starts = bool(inlines) and inlines[0]["t"] == "Image"
            picture = image_of(inlines[0]) if starts else None
            text = stringify(inlines[1:] if starts else inlines, skip=frozenset({"Note", "Cite"}))
            found.append(Row(picture, " ".join(text.split())))
        elif block.get("t") == "Figure":
            image = next((node for node, _level in walk(block["c"][2]) if node["t"] == "Image"), None)
            found.append(Row(image and image_of(image), ""))
    return tuple(found)


def image_of(node: dict) -> Image:
    """An Image node's source and alt text."""
    return Image(node["c"][2][0], stringify(node["c"][1]))


def sections(blocks: list) -> tuple[Section, ...]:
    """The blocks split at level-2 headings: (heading text, text under it)."""
    found: list[tuple[str, list]] = [("", [])]
    for block in blocks:
        if block.get("t") == "Header" and block["c"][0] == 2:
            found.append((stringify(block["c"][2], quotes=True), []))
        else:
            found[-1][1].append(block)
    return tuple(Section(heading, stringify(content, quotes=True)) for heading, content in found if heading or content)


def reading_text(blocks: list, found_notes: list[dict], notes: dict[int, int]) -> str:
    """The text a reader sees: each footnote's number where it is cited (`notes`: number by node
    identity), the notes themselves at the end."""
    text = stringify(blocks, quotes=True, notes=notes)
    return " ".join([text, *(stringify(node["c"], quotes=True) for node in found_notes)])


def collect(node: dict, facts: dict, notes: dict[int, int]) -> None:
    kind, content = node["t"], node.get("c")
    if kind == "Cite":
        facts["citations"] += [Citation(citation["citationId"]) for citation in content[0]]
        facts["citation_labels"].append(stringify(content[1], quotes=True))
    elif kind == "Image":
        facts["images"].append(image_of(node))
    elif kind == "Link":
        facts["links"].append(Link(content[2][0]))
    elif kind in ("RawInline", "RawBlock") and content[0].lower().startswith(("html", "epub")):
        facts["raw_html"].append(RawHtml.read(content[1]))
    elif kind == "Table":
        facts["tables"].append(table_text(node, notes))
    elif kind == "Header":
        text = stringify(content[2])
        facts["blank_headings"] += [] if text.strip() else [None]
        if content[0] == 2:
            facts["headings"].append(Heading(content[1][0], text))
    facts["attributes"] += [Attribute(name, value) for name, value in attributes(node)]
    facts["ids"] += [identifier] if (identifier := element_id(node)) else []


def walk(root):
    """Every AST element (a dict with 't') inside `root` with its nesting level, in document order.

    Iterative, so that a deeply nested manuscript cannot exhaust the stack.
    """
    stack = [(root, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            if "t" in item:
                level += item["t"] in NESTING
                yield item, level
            stack.extend((value, level) for value in reversed(list(item.values())) if isinstance(value, (list, dict)))
        elif isinstance(item, list):
            stack.extend((value, level) for value in reversed(item) if isinstance(value, (list, dict)))


def stringify(node, skip: frozenset = frozenset({"Note"}), quotes: bool = False, notes: dict | None = None) -> str:
    """Plain text of AST nodes; with `quotes`, quotation marks as the reader sees them; with
    `notes`, each footnote as its number."""
    parts: list[str] = []
    _collect_text(node, parts, skip, quotes, notes or {})
    return "".join(parts).strip()


def _collect_text(node, parts: list[str], skip: frozenset, quotes: bool, notes: dict) -> None:
    if isinstance(node, list):
        for item in node:
            _collect_text(item, parts, skip, quotes, notes)
        return
    if isinstance(node, dict) and id(node) in notes:
        parts.append(str(notes[id(node)]))
        return
    if not isinstance(node, dict) or node.get("t") in skip:
        return
    kind, content = node.get("t"), node.get("c")
    if kind in ("Str", "Code", "Math"):
        parts.append(content if kind == "Str" else content[-1])
    elif kind in ("Space", "SoftBreak", "LineBreak"):
        parts.append(" ")
    elif kind in ("Cite", "Link", "Image"):
        _collect_text(content[1], parts, skip, quotes, notes)
    elif kind == "Quoted" and quotes:
        opening, closing = QUOTE_MARKS[content[0]["t"]]
        parts.append(opening)
        _collect_text(content[1], parts, skip, quotes, notes)
        parts.append(closing)
    elif kind in BLOCKS:
        if parts and not parts[-1].endswith("\n"):
            parts.append("\n")
        _collect_text(content, parts, skip, quotes, notes)
    else:
        _collect_text(content, parts, skip, quotes, notes)


def _paragraphs(blocks: list, lines: list[str]) -> None:
    """Running text, one paragraph or list item per line (tables and headings are not prose)."""
    for node in blocks:
        kind, content = node["t"], node.get("c")
        if kind in ("Para", "Plain"):
            _add_sentence(stringify(content, skip=frozenset({"Note", "Cite"})), lines)
        elif kind in ("BulletList", "OrderedList", "BlockQuote", "Div"):
            for child in _child_blocks(kind, content):
                _paragraphs(child, lines)
        elif kind == "DefinitionList":
            for _term, definitions in content:
                for definition in definitions:
                    _paragraphs(definition, lines)


def _child_blocks(kind: str, content: list) -> list:
    """The block lists inside a container: list items, or the one list a quote or div holds."""
    if kind == "BulletList":
        return content
    if kind == "OrderedList":
        return content[1]
    return [content] if kind == "BlockQuote" else [content[1]]


def _add_sentence(text: str, lines: list[str]) -> None:
    # A list item without a full stop would otherwise run into the next as one long sentence.
    text = " ".join(text.split())
    if text:
        lines.append(text if text.endswith(SENTENCE_ENDS) else text + ".")


def attributes(node: dict) -> list[tuple[str, str]]:
    """Key-value attributes of an element that has an Attr ([id, classes, pairs])."""
    attr = _attr(node)
    return [tuple(pair) for pair in attr[2]] if attr else []


def element_id(node: dict) -> str:
    """The id of an element that has an Attr, or ''."""
    attr = _attr(node)
    return attr[0] if attr else ""


def _attr(node: dict) -> list | None:
    content = node.get("c")
    candidates = content if isinstance(content, list) else []
    return next((candidate for candidate in candidates[:2] if _is_attr(candidate)), None)


def _is_attr(value) -> bool:
    return (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and isinstance(value[1], list) and isinstance(value[2], list)
            and all(isinstance(pair, list) and len(pair) == 2 for pair in value[2]))


def table_text(node: dict, notes: dict | None = None) -> TableText:
    """Read a pandoc Table node (attr, caption, colspecs, head, bodies, foot) as text; a footnote
    in it shows as its number."""
    _attr, caption, _colspecs, head, bodies, _foot = node["c"]
    body_rows = [row for body in bodies for row in body[2] + body[3]]
    return TableText(stringify(caption[1], quotes=True, notes=notes), _rows(head[1], notes), _rows(body_rows, notes))


def _rows(rows: list, notes: dict | None) -> tuple[tuple[str, ...], ...]:
    # A row is [attr, cells]; a cell is [attr, alignment, rowspan, colspan, blocks].
    return tuple(tuple(stringify(cell[4], quotes=True, notes=notes) for cell in row[1]) for row in rows)
