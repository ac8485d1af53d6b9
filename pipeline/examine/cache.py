"""The document cache: each article's examination, under the input key it was made from.

check, build and verify all ask it first, so an unchanged article is converted once
between them; a build rebuilds the index and booklets from cached documents instead of
converting every article again. It also remembers each article's last publishable document,
whose outputs stay published while the manuscript has errors.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.examine.article import Article
from pipeline.examine.document import Document
from pipeline.output.writer import atomic_write


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

    # A process that builds again and again (publish serve) keeps the entries it has read, by
    # the file's identity and stamp: reading and validating each again costs a build about
    # 0.25 ms an article, a quarter of a second at 1,000 articles.
    kept: dict[Path, tuple[tuple, CacheEntry]] | None = None

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def keep_in_memory(cls) -> None:
        cls.kept = {}

    def path(self, slug: str) -> Path:
        return self.folder / f"{slug}.json"

    def load(self, slug: str) -> CacheEntry | None:
        path = self.path(slug)
        try:
            with path.open("rb") as file:
                stamp = os.fstat(file.fileno())
                stamp = (stamp.st_dev, stamp.st_ino, stamp.st_mtime_ns, stamp.st_size)
                if self.kept is not None and (kept := self.kept.get(path)) and kept[0] == stamp:
                    return kept[1]
                entry = entry_type().validate_json(file.read())
        except (OSError, ValueError):
            return None  # no entry, or one this version cannot read: the article is examined again
        if self.kept is not None:
            self.kept[path] = (stamp, entry)
        return entry

    def store(self, article: Article, previous: CacheEntry | None) -> CacheEntry:
        published = article.document or (previous.published if previous else None)
        entry = CacheEntry(article, published)
        atomic_write(self.path(article.slug), entry_type().dump_json(entry))
        return entry


def article_cache(project) -> ArticleCache:
    """The project's cache of examinations (output/.cache/articles, or --cache-dir's articles/)."""
    return ArticleCache(project.cache_root / "articles")
