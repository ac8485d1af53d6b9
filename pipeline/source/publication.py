"""manuscripts/publication.yaml: what every article of a publication shares."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field

from pipeline.base.diagnostics import Reporter
from pipeline.output.layout import is_translation
from pipeline.source.distribution import Distribution, isbn13, valid_isbn
from pipeline.source.schema import LanguageTag, Model, Text, validate
from pipeline.source.text import parse_yaml, read_source

PUBLICATION_FILE = "publication.yaml"
MOST_COMMON_RARE_WORD = 4.0  # examination keeps the words below this Zipf frequency (check/rare_words.py)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _slug(value: Any) -> Any:
    if isinstance(value, str) and not SLUG.match(value):
        raise ValueError(f"'{value}' should use only lowercase letters, digits and single hyphens")
    return value


Slug = Annotated[str, BeforeValidator(_slug)]


class Contact(Model):
    """How patients reach the publisher; printed on every leaflet."""

    phone: Text | None = None
    email: Text | None = None
    address: Text | None = None
    url: Text | None = None


class Wording(Model):
    """One approved wording of a disclaimer, used verbatim in every format."""

    title: Text
    text: Text
    short: Text | None = Field(None, description="Short form for leaflet footers; defaults to `text`.")


class Disclaimer(Wording):
    """A disclaimer, with its approved wording in each language articles are published in."""

    translations: dict[LanguageTag, Wording] = Field(
        {}, description="The approved wording per language (a BCP 47 tag), e.g. `ar: {title, text, short}`.")

    def wording(self, lang: str) -> Wording | None:
        """The approved wording for a language: its own tag's, else its base language's."""
        return in_language(self.translations, lang)


def in_language(translations: dict, lang: str):
    """A translation for a language tag: its own, else its base language's (ar-EG reads ar)."""
    found = {tag.lower(): value for tag, value in translations.items()}
    return found.get(lang.lower()) or found.get(lang.split("-")[0].lower())


BLOCK_KINDS = ("title", "summary", "key-points", "faq", "tables", "sections", "disclaimer")


class TranslationPolicy(Model):
    """How far a translation may fall behind its source."""

    critical: list[Literal[BLOCK_KINDS]] = Field(
        ["tables", "disclaimer"], description="Kinds of block whose change makes an unaccepted translation "
        "an error (not built) rather than a warning.")


class LanguageReadability(Model):
    """One language's own targets; what it leaves out is the publication's."""

    target: float | None = Field(None, description="The target of the language's readability formula, in that "
                                 "formula's own scale (a grade, or a reading ease).")
    words_per_sentence: float | None = Field(None, gt=0)
    long_words: float | None = Field(None, ge=0, le=100)
    rare_below: float | None = Field(None, ge=0, le=MOST_COMMON_RARE_WORD)


class Readability(Model):
    """How plain the articles must read: `publish check` warns past each target."""

    target_grade: float = Field(8, description="The highest school grade a grade formula may give (English, "
                                "Spanish, German, Polish).")
    target_ease: float = Field(60, description="The lowest reading ease an ease formula may give (French, "
                               "Portuguese, Turkish, Arabic).")
    words_per_sentence: float = Field(20, gt=0, description="The most words a sentence may average, in a "
                                      "language without a formula (a Chinese character counts as a word).")
    long_words: float = Field(30, ge=0, le=100, description="The largest share of long words (7 letters or "
                              "more), in percent, in a language without a formula.")
    rare_below: float | None = Field(None, ge=0, le=MOST_COMMON_RARE_WORD, description="A word whose frequency "
                                     "in its language is below this on wordfreq's Zipf scale (2: once in 10 million "
                                     "words) is a warning, unless the glossary lists it. Default: each language's "
                                     "own (check/rare_words.py).")
    languages: dict[LanguageTag, LanguageReadability] = Field({}, description="Targets of one language, "
                                                              "e.g. `ar: {rare-below: 2}`.")

    def of(self, lang: str) -> LanguageReadability:
        """The targets a language is held to: its own where it has them, the publication's otherwise."""
        own = in_language(self.languages, lang) or LanguageReadability()
        return LanguageReadability(
            target=own.target,
            words_per_sentence=own.words_per_sentence or self.words_per_sentence,
            long_words=self.long_words if own.long_words is None else own.long_words,
            rare_below=self.rare_below if own.rare_below is None else own.rare_below)  # None: the language's usual


def _identifier(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value.startswith("urn:uuid:"):
        try:
            uuid.UUID(value.removeprefix("urn:uuid:"))
            return value
        except ValueError:
            raise ValueError(f"'{value}' is not a valid UUID") from None
    if value.startswith("urn:isbn:"):
        valid_isbn(value.removeprefix("urn:isbn:"))
        return value
    raise ValueError("should start with 'urn:uuid:' or 'urn:isbn:'")


def _manuscript_list(value: Any) -> Any:
    if value == "all":
        return value
    if isinstance(value, str) or not isinstance(value, list):
        raise ValueError("should be a list of manuscript slugs, or 'all'")
    return value


class LeafletOptions(Model):
    """How leaflets are printed."""

    page_size: Literal["A4", "A5", "letter"] = Field("A4", description="Paper size of the PDF leaflets.")


LENGTH = re.compile(r"^(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)$")
POINTS = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0}


def _length(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = f"{value}mm"
    if isinstance(value, str) and not LENGTH.match(value.strip()):
        raise ValueError(f"'{value}' should be a length such as 3mm, 0.125in or 9pt")
    return value.strip() if isinstance(value, str) else value


Length = Annotated[str, BeforeValidator(_length)]


class PrintOptions(Model):
    """What is made for printing beside the digital leaflets."""

    booklet: bool = Field(False, description="An office booklet of every leaflet (print/<name>.booklet.pdf): its "
                          "pages at A5 (half-Letter), imposed two to a side of the paper, to print duplex (flip on the "
                          "short edge), fold and staple.")
    press: bool = Field(False, description="Print-shop files of every leaflet (print/<name>.press.pdf and "
                        "<name>.large-print.press.pdf): PDF/X-4, CMYK, bleed and crop marks, preflighted.")
    bleed: Length = Field("3mm", description="How far the press files' pages run past the trim.")
    marks: list[Literal["crop"]] = Field(["crop"], description="Printer's marks outside the bleed: [crop] or [].")
    profile: Text | None = Field(None, description="The print shop's CMYK ICC profile, a file in manuscripts/ "
                                 "(default: Ghostscript's default_cmyk.icc).")
    paper: Literal["A4", "letter"] | None = Field(None, description="The sheets the office booklet is printed on; "
                                                  "default: letter for Letter leaflets, else A4.")

    def booklet_paper(self, page_size: str) -> str:
        return self.paper or ("letter" if page_size == "letter" else "A4")

    @property
    def bleed_points(self) -> float:
        number, unit = LENGTH.match(self.bleed).groups()
        return float(number) * POINTS[unit]


class BrailleOptions(Model):
    """How the braille files are made."""

    tables: dict[LanguageTag, Text] = Field({}, description="A liblouis table per language, over the pipeline's "
                                            "choice (`en: en-ueb-g1.ctb` for uncontracted English).")
    cells: int = Field(40, ge=20, le=60, description="Cells a braille line holds.")
    lines: int = Field(25, ge=10, le=50, description="Lines a braille page holds, its page number's included.")
    print_pages: bool = Field(True, description="Mark where each page of the standard leaflet begins (when it "
                              "has more than one), as transcribers do.")


class Booklet(Distribution):
    """An EPUB that bundles several articles, and what retailers read of it."""

    id: Slug
    title: Text
    subtitle: Text | None = None
    identifier: Annotated[str, BeforeValidator(_identifier)]
    description: Text | None = None
    lang: LanguageTag | None = Field(None, description="Gather this language's articles: the manuscripts' "
                                     "translations into it, or those written in it.")
    manuscripts: Annotated[str | list[str], BeforeValidator(_manuscript_list)] = "all"

    @property
    def page_break_source(self) -> str | None:
        """What the EPUB's page list follows: its print edition, by ISBN where it has one."""
        if self.printed is None:
            return None
        return f"urn:isbn:{isbn13(self.print_isbn)}" if self.print_isbn else f"{self.title} (print edition)"


def _base_url(value: Any) -> Any:
    if isinstance(value, str):
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"'{value}' should be an absolute http(s) URL")
        return value if value.endswith("/") else value + "/"
    return value


class ReviewPolicy(Model):
    """The planned review cycle."""

    warn_days: int = Field(90, ge=0, description="`publish status` calls an article due-soon this many days ahead.")
    overdue: Literal["warn", "error"] = Field("warn", description="Whether an overdue article is still built.")


class Limits(Model):
    """Bounds that turn a pathological manuscript into a located error instead of a stuck build."""

    seconds_per_article: float = Field(120, gt=0, description="Time to convert and lay out one article.")
    manuscript_bytes: int = Field(2_000_000, gt=0, description="Largest manuscript file.")
    image_bytes: int = Field(20_000_000, gt=0, description="Largest image file.")
    table_rows: int = Field(1000, gt=0, description="Most rows in one table.")
    nesting_depth: int = Field(20, gt=0, description="Deepest nesting of lists, quotes and divisions.")


class Publication(Model):
    """Everything the articles of one project share."""

    publisher: Text
    contact: Contact
    base_url: Annotated[str, BeforeValidator(_base_url)]
    feedback: Text
    feedback_translations: dict[LanguageTag, Text] = Field(
        {}, description="The feedback line per language (a BCP 47 tag), for translations: `ar: ...`.")
    logo: Text | None = Field(None, description="Image in manuscripts/ printed at the top of leaflets.")
    leaflet: LeafletOptions = LeafletOptions()
    print_: PrintOptions = Field(PrintOptions(), alias="print")
    braille: BrailleOptions = BrailleOptions()
    readability: Readability = Readability()
    glossary: dict[LanguageTag, list[Text]] = Field({}, description="Words readers of a language are expected "
                                                    "to know or are taught, never warned of as rare, e.g. "
                                                    "`en: [vitamin B12, anaemia]`.")
    review: ReviewPolicy = ReviewPolicy()
    limits: Limits = Limits()
    translations: TranslationPolicy = TranslationPolicy()
    disclaimers: dict[str, Disclaimer] = Field(min_length=1)
    booklets: list[Booklet] = []

    def wording(self, key: str, lang: str) -> Wording:
        """The approved wording of a disclaimer in a language; its own where it has none in it."""
        disclaimer = self.disclaimers[key]
        return disclaimer.wording(lang) or disclaimer

    def glossary_in(self, lang: str) -> frozenset[str]:
        """The glossary's words in a language (its own tag's and its base language's), casefolded."""
        lists = [words for tag, words in self.glossary.items() if tag.lower() in (lang.lower(), lang.split("-")[0].lower())]
        return frozenset(word.casefold() for words in lists for phrase in words for word in phrase.split())

    def feedback_in(self, lang: str) -> str | None:
        """The feedback line in a language (its own tag's, else its base language's), if written."""
        return in_language(self.feedback_translations, lang)


def load_publication(manuscripts_dir: Path, reporter: Reporter) -> tuple[Publication | None, Any]:
    """Read and validate publication.yaml; return the model and its YAML (for positions)."""
    source = read_source(manuscripts_dir / PUBLICATION_FILE, reporter)
    doc = source and parse_yaml(source.text, 1, reporter)
    if not doc:
        return None, None
    return validate(Publication, doc, reporter), doc


def booklets_of(publication: Publication, names: list[str]) -> list[tuple[Booklet, list[str]]]:
    """Each booklet with the manuscripts it holds; one booklet of every article when none is defined.
    A booklet with `lang` holds its manuscripts' translations into that language. `all` is every
    article, not their Easy Read editions: a booklet holds one where it names it."""
    booklets = publication.booklets or [Booklet(
        id="all-articles", title=f"{publication.publisher}: all articles",
        identifier=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, publication.base_url)}")]
    return [(booklet, booklet_names(booklet, names)) for booklet in booklets]


def booklet_names(booklet: Booklet, names: list[str]) -> list[str]:
    sources = sorted(n for n in names if "." not in n) if booklet.manuscripts == "all" else list(booklet.manuscripts)
    if booklet.lang is None:
        return sources
    by_lower = {name.lower(): name for name in names}
    wanted = (f"{name}.{booklet.lang}".lower() if not is_translation(name) else name.lower() for name in sources)
    return [by_lower[name] for name in wanted if name in by_lower]
