"""<slug>.md: the canonical manuscript, typed, with the source positions of its parts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, field_validator

from pipeline.base.diagnostics import Reporter
from pipeline.base.languages import canonical_case
from pipeline.output.layout import is_easy_read, split_name
from pipeline.source.schema import IsoDate, Label, LanguageTag, Model, Text, validate
from pipeline.source.text import SourceText, YamlDocument, parse_yaml, plain_text, read_source, split_front_matter

# Variables and types of CSL 1.0.2, as citeproc reads them from `references`.
CSL_VARIABLES = frozenset("""
abstract annote archive archive_collection archive_location archive-place authority call-number
chapter-number citation-key citation-label collection-number collection-title container-title
container-title-short dimensions division DOI edition event event-title event-place genre ISBN
ISSN issue jurisdiction keyword language license locator medium note number number-of-pages
number-of-volumes original-publisher original-publisher-place original-title page page-first
part part-title PMCID PMID printing publisher publisher-place references reviewed-genre
reviewed-title scale section source status supplement title title-short URL version volume
volume-title year-suffix accessed available-date event-date issued original-date submitted
author chair collection-editor compiler composer container-author contributor curator director
editor editorial-director editor-translator executive-producer guest host illustrator
interviewer narrator organizer original-author performer producer recipient reviewed-author
script-writer series-creator translator
""".split())
CSL_TYPES = frozenset("""
article article-journal article-magazine article-newspaper bill book broadcast chapter classic
collection dataset document entry entry-dictionary entry-encyclopedia event figure graphic
hearing interview legal_case legislation manuscript map motion_picture musical_score pamphlet
paper-conference patent performance periodical personal_communication post post-weblog
regulation report review review-book software song speech standard thesis treaty webpage
""".split())


class KeyPoint(Model):
    title: Text
    text: Text = Field(description="Markdown; may cite sources.")


class FaqItem(Model):
    question: Text
    answer: Text = Field(description="Markdown: paragraphs, lists, citations.")


class Reference(Model):
    """A CSL item; fields beyond these are passed to citeproc as written."""

    model_config = Model.model_config | {"extra": "allow", "alias_generator": None}
    other_known_keys = CSL_VARIABLES

    id: Text
    type: Text
    title: Text

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in CSL_TYPES:
            raise ValueError(f"'{value}' is not a CSL item type such as 'webpage' or 'article-journal'")
        return value


class Review(Model):
    """One clinical review of the content: who, in what role, and when."""

    name: Text
    role: Text | None = None
    date: IsoDate


class FrontMatter(Model):
    """The fields of a manuscript's YAML front matter."""

    title: Text
    subtitle: Text | None = None
    lang: LanguageTag = Field(description="BCP 47 language tag, e.g. en-GB.")
    date: IsoDate = Field(description="First published.")
    review_date: IsoDate = Field(description="When the content must be checked again.")
    leaflet_id: Label | None = None
    version: Label | None = None
    authors: list[Text] = []
    summary: Text = Field(description="Plain-language summary (Markdown).")
    key_points: list[KeyPoint] = []
    faq: list[FaqItem] = []
    references: list[Reference] = []
    disclaimer: Text = Field(description="A key of `disclaimers` in publication.yaml.")
    reviewed_by: list[Review] = Field([], description="The clinical reviews of this content.")
    last_reviewed: IsoDate | None = Field(None, description="When the content was last checked.")
    also_known_as: list[Text] = Field([], description="Other names readers look the subject up by (the A–Z lists them).")
    topics: list[Text] = Field([], description="Topics the article belongs to: a page each, and the index's groups.")


class EasyReadFrontMatter(FrontMatter):
    """An Easy Read edition's: its rows say it all, so it may go without a summary (SPEC §15)."""

    summary: Text = Field("", description="Plain-language summary (Markdown); optional in Easy Read.")


def front_matter_model(path: Path) -> type[FrontMatter]:
    return EasyReadFrontMatter if is_easy_read(manuscript_name(path)) else FrontMatter


@dataclass
class Manuscript:
    """One article as written: typed front matter, the Markdown body, and where each came from."""

    slug: str
    path: Path
    front: FrontMatter
    body: str
    body_first_line: int
    source: SourceText
    yaml: YamlDocument


def load_manuscript(path: Path, reporter: Reporter) -> Manuscript | None:
    """Read one manuscript; report every problem in its front matter."""
    return parse_manuscript(read_source(path, reporter), path, reporter)


def parse_manuscript(source: SourceText | None, path: Path, reporter: Reporter) -> Manuscript | None:
    """A manuscript from its text (the file's, or an earlier version's from git)."""
    parts = source and split_front_matter(source, reporter)
    doc = parts and parse_yaml(parts.yaml, parts.yaml_first_line, reporter)
    front = doc and validate(front_matter_model(path), doc, reporter)
    if not front:
        return None
    return Manuscript(manuscript_name(path), path, front, parts.body, parts.body_first_line, source, doc)


def manuscript_name(path: Path) -> str:
    """The NAME commands and outputs use: the slug, lower-cased, and a translation's language
    in BCP 47's usual case (`B12-Diet.zh-hans.md` is `b12-diet.zh-Hans`)."""
    slug, lang = split_name(path.stem.lower())
    return slug + ("." + canonical_case(lang) if lang else "")


def read_front_matter(path: Path) -> FrontMatter | None:
    """The front matter alone, quickly (libyaml, no positions), for commands that only list
    fields; None when it does not read cleanly, and load_manuscript then says where."""
    try:
        return front_matter_of(path.read_text(encoding="utf-8"), front_matter_model(path))
    except (OSError, UnicodeDecodeError):
        return None


def front_matter_of(text: str, model: type[FrontMatter] = FrontMatter) -> FrontMatter | None:
    """A manuscript text's front matter, read quickly; None when it does not read cleanly."""
    import yaml  # noqa: PLC0415 - PyYAML's C loader: ten times faster than a round-trip parse

    text = plain_text(text)
    head, fence, _body = text.removeprefix("---\n").partition("\n---\n")
    try:
        data = yaml.load(head, Loader=yaml.CSafeLoader) if text.startswith("---\n") and fence else None
        return model.model_validate(data) if isinstance(data, dict) else None
    except (yaml.YAMLError, ValueError):
        return None
