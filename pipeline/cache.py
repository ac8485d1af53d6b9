"""The document cache: each article's examination, under the input key it was made from.

check, build and verify all ask it first, so an unchanged article is converted once
between them; a build rebuilds the index and booklets from cached documents instead of
converting every article again. It also remembers each article's last publishable document,
whose outputs stay published while the manuscript has errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .article import Article
from .document import Document
from .writer import atomic_write

CACHE = ".cache"  # inside output/


@dataclass
class CacheEntry:
    article: Article  # the latest examination
    published: Document | None  # the last document that could be published


@cache
def entry_type():
    from pydantic import TypeAdapter  # noqa: PLC0415

    return TypeAdapter(CacheEntry)


class ArticleCache:
    """One JSON file per article under a folder (output/.cache/articles, or --cache-dir's articles/)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, slug: str) -> Path:
        return self.folder / f"{slug}.json"

    def load(self, slug: str) -> CacheEntry | None:
        try:
            return entry_type().validate_json(self.path(slug).read_bytes())
        except (OSError, ValueError):
            return None  # no entry, or one this version cannot read: the article is examined again

    def store(self, article: Article, previous: CacheEntry | None) -> CacheEntry:
        published = article.document or (previous.published if previous else None)
        entry = CacheEntry(article, published)
        atomic_write(self.path(article.slug), entry_type().dump_json(entry))
        return entry
