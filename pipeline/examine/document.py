"""The rendered document: what every renderer dresses, built once per article."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from pipeline.check.readability import word_count
from pipeline.convert.conversion import Converted, Part, linkable_ids, named_images
from pipeline.convert.facts import Heading
from pipeline.output import layout
from pipeline.source.manuscript import Manuscript
from pipeline.source.publication import Publication, Wording

WORDS_PER_MINUTE = 200  # a common estimate for adults reading plain health information


@dataclass(frozen=True)
class KeyPoint:
    title: Part
    text: Part


@dataclass(frozen=True)
class FaqEntry:
    question: Part
    answer: Part


@dataclass(frozen=True)
class Reviewer:
    name: str
    role: str | None
    date: date


@dataclass(frozen=True)
class Reference:
    """A numbered reference and the ids of the citations that point to it."""

    id: str
    number: str
    html: str
    text: str
    cited_by: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    """One article, converted once; the web, print and EPUB renderers only dress it."""

    slug: str
    lang: str
    title: Part
    subtitle: Part | None
    summary: Part
    key_points: tuple[KeyPoint, ...]
    body: str  # HTML
    faq: tuple[FaqEntry, ...]
    references: tuple[Reference, ...]
    disclaimer: Wording
    date: date
    review_date: date
    last_reviewed: date | None
    reviewed_by: tuple[Reviewer, ...]
    leaflet_id: str | None
    version: str | None
    authors: tuple[str, ...]
    headings: tuple[Heading, ...]  # the body's sections
    images: tuple[str, ...]  # paths relative to manuscripts/, in order of appearance
    reading_minutes: int
    url: str
    ids: tuple[str, ...]  # what a link to one of its elements may name, sorted
    also_known_as: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    @property
    def easy_read(self) -> bool:
        """An Easy Read edition: its rows are laid out picture beside text, large and plain."""
        return layout.is_easy_read(self.slug)


def build_document(manuscript: Manuscript, converted: Converted, publication: Publication) -> Document:
    front, body = manuscript.front, converted.body
    return Document(
        slug=manuscript.slug,
        lang=front.lang,
        title=converted.title.part,
        subtitle=converted.subtitle.part if converted.subtitle else None,
        summary=converted.summary.part,
        key_points=tuple(KeyPoint(title.part, text.part) for title, text in converted.key_points),
        body=body.part.html,
        faq=tuple(FaqEntry(question.part, answer.part) for question, answer in converted.faq),
        references=references(converted),
        disclaimer=publication.wording(front.disclaimer, front.lang),
        date=front.date,
        review_date=front.review_date,
        last_reviewed=front.last_reviewed,
        reviewed_by=tuple(Reviewer(review.name, review.role, review.date) for review in front.reviewed_by),
        leaflet_id=front.leaflet_id,
        version=front.version,
        authors=tuple(front.authors),
        headings=body.facts.headings,
        images=image_paths(converted),
        reading_minutes=max(1, math.ceil(word_count(converted) / WORDS_PER_MINUTE)),
        url=layout.page_url(publication.base_url, manuscript.slug),
        ids=linkable_ids(converted),
        also_known_as=tuple(front.also_known_as),
        topics=tuple(dict.fromkeys(front.topics)),
    )


def references(converted: Converted) -> tuple[Reference, ...]:
    cited_by: dict[str, list[str]] = {}
    for citation in converted.citations:
        for key in dict.fromkeys(citation.keys):
            cited_by.setdefault(key, []).append(citation.id)
    return tuple(Reference(r.id, r.number, r.html, r.text, tuple(cited_by.get(r.id, ())))
                 for r in converted.references)


def image_paths(converted: Converted) -> tuple[str, ...]:
    """Every image the article shows, in Markdown or in raw HTML, once each: the site and the
    booklets carry a copy of each."""
    return named_images(converted)
