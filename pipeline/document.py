"""The rendered document: what every renderer dresses, built once per article."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .config import Disclaimer, Publication
from .convert import Converted, Part
from .files import read_inside
from .manuscript import Manuscript
from .pandoc_ast import stringify, walk
from .readability import word_count

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
class Heading:
    id: str
    level: int
    text: str


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
    body: Part
    faq: tuple[FaqEntry, ...]
    references: tuple[Reference, ...]
    disclaimer: Disclaimer
    date: date
    review_date: date
    leaflet_id: str | None
    version: str | None
    authors: tuple[str, ...]
    headings: tuple[Heading, ...]
    images: tuple[str, ...]  # paths relative to manuscripts/, in order of appearance
    reading_minutes: int
    url: str
    source_hash: str


def build_document(manuscript: Manuscript, converted: Converted, publication: Publication,
                   manuscripts_dir: Path) -> Document:
    front, parts = manuscript.front, converted.parts
    images = image_paths(converted)
    return Document(
        slug=manuscript.slug,
        lang=front.lang,
        title=parts[("title",)],
        subtitle=parts.get(("subtitle",)),
        summary=parts[("summary",)],
        key_points=tuple(KeyPoint(parts[("key-points", i, "title")], parts[("key-points", i, "text")])
                         for i in range(len(front.key_points))),
        body=parts[()],
        faq=tuple(FaqEntry(parts[("faq", i, "question")], parts[("faq", i, "answer")])
                  for i in range(len(front.faq))),
        references=references(converted),
        disclaimer=publication.disclaimers[front.disclaimer],
        date=front.date,
        review_date=front.review_date,
        leaflet_id=front.leaflet_id,
        version=front.version,
        authors=tuple(front.authors),
        headings=headings(converted.nodes[()]),
        images=images,
        reading_minutes=max(1, math.ceil(word_count(converted) / WORDS_PER_MINUTE)),
        url=f"{publication.base_url}{manuscript.slug}.html",
        source_hash=source_hash(manuscript, manuscripts_dir, images),
    )


def references(converted: Converted) -> tuple[Reference, ...]:
    cited_by: dict[str, list[str]] = {}
    for citation in converted.citations:
        for key in dict.fromkeys(citation.keys):
            cited_by.setdefault(key, []).append(citation.id)
    return tuple(Reference(r.id, r.number, r.html, r.text, tuple(cited_by.get(r.id, ())))
                 for r in converted.references)


def headings(blocks: list) -> tuple[Heading, ...]:
    """The body's section headings (levels 2 and 3), for the contents list and bookmarks."""
    return tuple(Heading(node["c"][1][0], node["c"][0], stringify(node["c"][2]))
                 for node in walk(blocks) if node["t"] == "Header" and node["c"][0] in (2, 3))


def image_paths(converted: Converted) -> tuple[str, ...]:
    found = [node["c"][2][0] for node in walk(list(converted.nodes.values())) if node["t"] == "Image"]
    return tuple(dict.fromkeys(found))


def source_hash(manuscript: Manuscript, manuscripts_dir: Path, images: tuple[str, ...]) -> str:
    """Hash of what the article's outputs are made from: its text and the images it shows."""
    digest = hashlib.sha256(manuscript.source.text.encode("utf-8"))
    for image in images:
        digest.update(image.encode("utf-8"))
        digest.update(read_inside(manuscripts_dir / image, manuscripts_dir))
    return digest.hexdigest()


def document_to_json(document: Document) -> dict:
    """A Document as plain JSON, for the build cache."""
    data = dataclasses.asdict(document)
    data["disclaimer"] = document.disclaimer.model_dump()
    return json.loads(json.dumps(data, default=str))


def document_from_json(data: dict) -> Document:
    def part(value):
        return Part(**value) if value else None

    return Document(
        **{**data,
           "title": part(data["title"]), "subtitle": part(data["subtitle"]),
           "summary": part(data["summary"]), "body": part(data["body"]),
           "key_points": tuple(KeyPoint(part(k["title"]), part(k["text"])) for k in data["key_points"]),
           "faq": tuple(FaqEntry(part(f["question"]), part(f["answer"])) for f in data["faq"]),
           "references": tuple(Reference(**{**r, "cited_by": tuple(r["cited_by"])}) for r in data["references"]),
           "disclaimer": Disclaimer(**data["disclaimer"]),
           "date": date.fromisoformat(data["date"]), "review_date": date.fromisoformat(data["review_date"]),
           "authors": tuple(data["authors"]),
           "headings": tuple(Heading(**h) for h in data["headings"]),
           "images": tuple(data["images"])})
