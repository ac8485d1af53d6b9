"""One pandoc conversion per article: every Markdown part, citations numbered, to HTML and AST."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.base.languages import direction, long_date
from pipeline.convert.facts import FragmentFacts, read_fragment
from pipeline.convert.pandoc_process import ConversionError, converted
from pipeline.convert.positions import blank_out, headless_pipe_tables, place
from pipeline.convert.sanitize import clean_html
from pipeline.output import layout
from pipeline.source.manuscript import Manuscript, Reference

CITATION_STYLE = "numeric.csl"  # in the styles folder
BODY_KEY = "body"
CSL_DATES = frozenset({"accessed", "available-date", "event-date", "issued", "original-date", "submitted"})
CSL_NAMES = frozenset({"author", "editor", "translator", "container-author", "collection-editor",
                       "compiler", "contributor", "director", "illustrator", "interviewer", "recipient"})


@dataclass(frozen=True)
class Fragment:
    """Markdown written in one front-matter field, or the body."""

    loc: tuple  # YAML path of the field; () for the body
    text: str


@dataclass(frozen=True)
class Part:
    """One front-matter fragment, rendered: sanitised HTML and pandoc's plain text of it."""

    html: str
    text: str


@dataclass(frozen=True)
class ConvertedFragment:
    """One fragment as pandoc made it: HTML for the renderers, facts from its AST for the rest."""

    loc: tuple  # YAML path of the field; () for the body
    part: Part
    facts: FragmentFacts


@dataclass(frozen=True)
class RenderedReference:
    id: str
    number: str
    html: str
    text: str


@dataclass(frozen=True)
class Citation:
    """One in-text citation: its element id, the fragment it is in, and the keys it cites."""

    id: str
    fragment: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Converted:
    """Everything pandoc made of one manuscript, fragments in reading order."""

    fragments: tuple[ConvertedFragment, ...]
    references: tuple[RenderedReference, ...]
    citations: tuple[Citation, ...]

    def field(self, *loc) -> ConvertedFragment | None:
        """The fragment written at a YAML path, e.g. field("faq", 0, "answer")."""
        return next((fragment for fragment in self.fragments if fragment.loc == loc), None)

    @property
    def title(self) -> ConvertedFragment:
        return self.field("title")

    @property
    def subtitle(self) -> ConvertedFragment | None:
        return self.field("subtitle")

    @property
    def summary(self) -> ConvertedFragment:
        return self.field("summary")

    @property
    def body(self) -> ConvertedFragment:
        return self.field()

    @property
    def key_points(self) -> list[tuple[ConvertedFragment, ConvertedFragment]]:
        """(title, text) of each key point."""
        return self._pairs("key-points", "title", "text")

    @property
    def faq(self) -> list[tuple[ConvertedFragment, ConvertedFragment]]:
        """(question, answer) of each FAQ item."""
        return self._pairs("faq", "question", "answer")

    def _pairs(self, name: str, first: str, second: str) -> list[tuple[ConvertedFragment, ConvertedFragment]]:
        count = sum(1 for fragment in self.fragments if fragment.loc[:1] == (name,) and fragment.loc[-1] == first)
        return [(self.field(name, index, first), self.field(name, index, second)) for index in range(count)]


def markdown_fragments(manuscript: Manuscript) -> list[Fragment]:
    """Every piece of Markdown in reading order: title, summary, key points, body, FAQ."""
    front = manuscript.front
    fragments = [Fragment(("title",), front.title)]
    if front.subtitle:
        fragments.append(Fragment(("subtitle",), front.subtitle))
    fragments.append(Fragment(("summary",), front.summary))
    for index, point in enumerate(front.key_points):
        fragments += [Fragment(("key-points", index, "title"), point.title),
                      Fragment(("key-points", index, "text"), point.text)]
    fragments.append(Fragment((), manuscript.body))
    for index, item in enumerate(front.faq):
        fragments += [Fragment(("faq", index, "question"), item.question),
                      Fragment(("faq", index, "answer"), item.answer)]
    return fragments


def fragment_key(loc: tuple) -> str:
    return "/".join(str(part) for part in loc) or BODY_KEY


def convert(manuscript: Manuscript, citation_style: Path, timeout: float | None = None) -> Converted:
    """Convert a manuscript with pandoc, sandboxed: it reads no file but its own scripts and style."""
    fragments = markdown_fragments(manuscript)
    article = {
        "lang": manuscript.front.lang,
        "reserved-ids": layout.RESERVED_IDS,
        "reserved-patterns": layout.RESERVED_ID_PATTERNS,
        "fragments": [{"key": fragment_key(f.loc), "text": f.text} for f in fragments],
        "references": [csl_item(ref) for ref in manuscript.front.references],
        "accessed": accessed_dates(manuscript.front.references, manuscript.front.lang),
        "csl": str(citation_style),
    }
    try:
        parts = read_parts(converted(article, timeout), {fragment_key(f.loc): f.loc for f in fragments})
    except RecursionError:  # pandoc's answer, or the facts read from it, nested too deeply
        raise ConversionError("the content is nested too deeply to read") from None
    blanked = blank_out(manuscript.source.text)
    return replace(parts, fragments=tuple(placed(manuscript, blanked, fragment) for fragment in parts.fragments))


def placed(manuscript: Manuscript, blanked: str, fragment: ConvertedFragment) -> ConvertedFragment:
    """A fragment whose facts say where the manuscript writes them."""
    start = fragment_start(manuscript, fragment.loc)
    facts = place(fragment.facts, manuscript.source, blanked, start)
    if not fragment.loc:  # the body, which runs to the end of the file
        facts = replace(facts, headless_tables=headless_pipe_tables(blanked, start))
    return replace(fragment, facts=facts)


def fragment_start(manuscript: Manuscript, loc: tuple) -> tuple[int, int]:
    """Where a fragment starts in the file: its front-matter field, or the body's first line."""
    return manuscript.yaml.position(loc) if loc else (manuscript.body_first_line, 1)


def read_parts(output: dict, locs: dict[str, tuple]) -> Converted:
    """pandoc's output, sanitised, with each fragment's AST read once into facts."""
    fragments = tuple(ConvertedFragment(locs[f["key"]], Part(clean_html(f["html"]), f.get("text", "").strip()),
                                        read_fragment(f["blocks"])) for f in output["fragments"])
    references = tuple(RenderedReference(r["id"], r["number"], clean_html(r["html"]), r["text"])
                       for r in output["references"])
    citations = tuple(Citation(c["id"], c["fragment"], tuple(c["keys"])) for c in output["citations"])
    return Converted(fragments, references, citations)


def accessed_dates(references: list[Reference], lang: str) -> dict[str, str]:
    """Each reference's access date as the article's language writes every other date: citeproc
    knows fewer languages than an article may be in, and writes dates its own way."""
    found = {}
    for reference in references:
        day = as_date((reference.model_extra or {}).get("accessed"))
        if isinstance(day, datetime.date):
            written = long_date(day, lang)
            # A right-to-left date in a reference written left to right (or the other way round)
            # keeps its own order: isolated, as a run of its own direction.
            found[reference.id] = f"\u2068{written}\u2069" if direction(lang) == "rtl" else written
    return found


def csl_item(reference: Reference) -> dict:
    """A reference as CSL JSON: dates as date-parts, plain-string names as literals."""
    item = {"id": reference.id, "type": reference.type, "title": reference.title}
    for key, value in (reference.model_extra or {}).items():
        if key in CSL_DATES:
            item[key] = csl_date(value)
        elif key in CSL_NAMES:
            item[key] = [name if isinstance(name, dict) else {"literal": str(name)}
                         for name in (value if isinstance(value, list) else [value])]
        else:
            item[key] = json.loads(json.dumps(value, default=str))
    return item


def as_date(value):
    """A date written YYYY-MM-DD as a date; anything else as it is."""
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value


def csl_date(value) -> dict:
    value = as_date(value)
    if isinstance(value, str):
        return {"raw": value}
    if isinstance(value, datetime.date):
        return {"date-parts": [[value.year, value.month, value.day]]}
    if isinstance(value, int):
        return {"date-parts": [[value]]}
    return value


def linkable_ids(converted: Converted) -> tuple[str, ...]:
    """The ids a link may name in every format: its own elements', the parts every format prints,
    and the references (citations link to them)."""
    own = {identifier for fragment in converted.fragments for identifier in fragment.facts.every_id}
    parts = ["summary", "disclaimer"] + ["key-points"] * bool(converted.key_points) + ["faq"] * bool(converted.faq)
    references = [layout.reference_id(reference.id) for reference in converted.references]
    return tuple(sorted(own | set(parts + references + ["references"] * bool(converted.references))))


def named_images(converted: Converted) -> tuple[str, ...]:
    """Every image source a manuscript names, in Markdown or in raw HTML, once each, in order."""
    return tuple(dict.fromkeys(image.source for fragment in converted.fragments for image in fragment.facts.every_image))
