"""One manuscript, examined: converted once, checked, and made ready for every format.

An examination depends only on its input key (output.keys.article_digest), so it is cached
and shared: check, build and verify convert an unchanged article once between them.
"""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.diagnostics import Diagnostic, Reporter, has_errors
from pipeline.base.fonts import describe, undrawable
from pipeline.check.content import TAG, ArticleLink, check_manuscript, megabytes
from pipeline.check.easy_read import check_easy_read
from pipeline.check.rare_words import RareWord, rare_words
from pipeline.check.readability import Measure, measures
from pipeline.check.translations import Block, blocks_of
from pipeline.convert.conversion import ConversionError, convert, named_images
from pipeline.examine.document import Document, build_document
from pipeline.examine.expected import expected_reading
from pipeline.examine.reading import Reading
from pipeline.output.layout import is_easy_read
from pipeline.source.manuscript import Manuscript, load_manuscript
from pipeline.source.publication import Limits, Publication


@dataclass
class Article:
    """What examining one manuscript found, and what its outputs are made from.

    The warnings that depend on the day, the readability targets or the glossary are added
    from it each time (see policy_diagnostics), so that the examination itself can be cached.
    """

    slug: str
    path: str  # as shown in diagnostics
    key: str = ""  # the input key it was examined under
    diagnostics: list[Diagnostic] = field(default_factory=list)
    converted: bool = False  # pandoc read it (a readability line is printed for it)
    media: tuple[str, ...] = ()  # every image it names, published or not: they are part of its key
    readability: tuple[Measure, ...] = ()
    rare_words: tuple[RareWord, ...] = ()  # below check.rare_words' ceiling, whatever the glossary says
    review_date: datetime.date | None = None
    review_position: tuple[int, int] = (1, 1)
    title_position: tuple[int, int] = (1, 1)
    reviews: tuple[tuple[str, datetime.date, tuple[int, int]], ...] = ()  # (what, date, where): not in the future
    version: str | None = None
    version_position: tuple[int, int] = (1, 1)
    lang: str = ""
    lang_position: tuple[int, int] = (1, 1)
    blocks: tuple[Block, ...] = ()  # for translations: structure and currency
    links: tuple[ArticleLink, ...] = ()  # to other articles: checked across the project
    topics: tuple[tuple[str, tuple[int, int]], ...] = ()  # (topic, where): spellings compared across the project
    document: Document | None = None  # None when it has errors and cannot be published
    expected: Reading | None = None  # what every format must show of it, for verify

    @property
    def failed(self) -> bool:
        return self.document is None


def examine(path: Path, slug: str, root: Path, citation_style: Path, publication: Publication | None) -> Article:
    """Load, convert (one pandoc call) and check one manuscript; build its document if it can be published."""
    reporter = Reporter(path, root)
    article = Article(slug, reporter.display_path, diagnostics=reporter.diagnostics)
    limits = publication.limits if publication else Limits()
    size = file_size(path)
    if size > limits.manuscript_bytes:
        reporter.error((1, 1), "manuscript-size", f"manuscript is {megabytes(size)}; the limit is "
                       f"{megabytes(limits.manuscript_bytes)}", "split it, or raise limits: manuscript-bytes")
        return article
    manuscript = load_manuscript(path, reporter)  # a file that vanished is reported as unreadable
    if manuscript is None:
        return article
    article.review_date = manuscript.front.review_date
    article.review_position = manuscript.yaml.position(("review-date",))
    article.title_position = manuscript.yaml.position(("title",))
    article.reviews = review_dates(manuscript)
    article.version, article.version_position = manuscript.front.version, manuscript.yaml.position(("version",))
    article.lang, article.lang_position = manuscript.front.lang, manuscript.yaml.position(("lang",))
    article.topics = tuple((topic, manuscript.yaml.position(("topics", index)))
                           for index, topic in enumerate(manuscript.front.topics))
    try:
        converted = convert(manuscript, citation_style, limits.seconds_per_article)
    except ConversionError as error:
        reporter.error((manuscript.body_first_line, 1), "pandoc", f"pandoc could not convert the manuscript: {error}")
        return article
    article.converted = True
    article.media = named_images(converted)
    article.links = check_manuscript(manuscript, converted, publication, path.parent, reporter)
    if is_easy_read(slug):
        check_easy_read(manuscript, converted, reporter)
    article.readability = measures(converted, manuscript.front.lang)
    article.rare_words = rare_words(manuscript, converted)
    article.blocks = blocks_of(manuscript, converted, publication)
    if publication is not None and not has_errors(reporter.diagnostics):
        document = build_document(manuscript, converted, publication)
        check_fonts(manuscript, document, reporter)
        if not has_errors(reporter.diagnostics):
            article.document = document
            article.expected = expected_reading(manuscript, converted, publication)
    return article


def file_size(path: Path) -> int:
    """The manuscript's size; 0 when it vanished (reading it then reports that, located)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def review_dates(manuscript) -> tuple[tuple[str, datetime.date, tuple[int, int]], ...]:
    """The dates of reviews that have happened, with where each is written."""
    front, yaml = manuscript.front, manuscript.yaml
    found = [(f"review by {review.name}", review.date, yaml.position(("reviewed-by", index, "date")))
             for index, review in enumerate(front.reviewed_by)]
    if front.last_reviewed:
        found.append(("last review", front.last_reviewed, yaml.position(("last-reviewed",))))
    return tuple(found)


def check_fonts(manuscript: Manuscript, document: Document, reporter: Reporter) -> None:
    """Every character the outputs print has an installed font: a leaflet would otherwise show
    boxes of missing glyphs. One error, at the first such character in the manuscript."""
    missing = undrawable(printed_text(document))
    if not missing:
        return
    first = next(((found, c) for c in missing if (found := manuscript.source.find(c, (1, 1)))), None)
    where, character = first or (manuscript.yaml.position(("disclaimer",)), missing[0])
    others = [describe(c) for c in missing if c != character]
    also = f"; nor {len(others)} more of its characters: {', '.join(others[:3])}{', ...' if len(others) > 3 else ''}"
    reporter.error(where, "missing-font",
                   f"no installed font has {describe(character)}"
                   + ("" if first else ", in the disclaimer wording in publication.yaml") + (also if others else ""),
                   "install a font for this script (Debian packs Noto fonts as fonts-noto-*; "
                   "fc-list lists what fontconfig finds), then build again")


def printed_text(document: Document) -> str:
    """The words a leaflet prints from the manuscript and its disclaimer (tags dropped, entities read)."""
    parts = [document.title.text, document.subtitle.text if document.subtitle else "", document.summary.text,
             *(f"{point.title.text} {point.text.text}" for point in document.key_points), document.body,
             *(f"{item.question.text} {item.answer.html}" for item in document.faq),
             *(reference.text for reference in document.references),
             document.disclaimer.title, document.disclaimer.text, document.disclaimer.short or ""]
    return html.unescape(TAG.sub(" ", " ".join(parts)))
