"""The build cache (output/.cache/): each article's check result and document, by input key.

With it, a build that changes one article rebuilds the index and the booklets from cached
documents instead of converting every article again.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from .article import ArticleCheck
from .diagnostics import Diagnostic, Severity
from .document import Document, document_from_json, document_to_json
from .writer import atomic_write

CACHE = ".cache"


@dataclass
class CachedArticle:
    key: str
    check: ArticleCheck
    document: Document | None


def cache_path(output: Path, slug: str) -> Path:
    return output / CACHE / "articles" / f"{slug}.json"


def load_cached(output: Path, slug: str) -> CachedArticle | None:
    try:
        data = json.loads(cache_path(output, slug).read_text(encoding="utf-8"))
        return CachedArticle(data["key"], check_from_json(data["check"]),
                             document_from_json(data["document"]) if data["document"] else None)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no cache, or one this version cannot read: the article is simply rebuilt


def store_cached(output: Path, article: CachedArticle) -> None:
    data = {"key": article.key, "check": check_to_json(article.check),
            "document": document_to_json(article.document) if article.document else None}
    atomic_write(cache_path(output, article.check.slug), json.dumps(data, sort_keys=True).encode("utf-8"))


def check_to_json(check: ArticleCheck) -> dict:
    return {"slug": check.slug, "path": check.path, "grade": check.grade,
            "review_date": check.review_date.isoformat() if check.review_date else None,
            "review_position": list(check.review_position), "title_position": list(check.title_position),
            "diagnostics": [d.as_dict() for d in check.diagnostics]}


def check_from_json(data: dict) -> ArticleCheck:
    diagnostics = [Diagnostic(d["path"], d["line"], d["column"], Severity(d["severity"]), d["code"],
                              d["message"], d["hint"]) for d in data["diagnostics"]]
    review = datetime.date.fromisoformat(data["review_date"]) if data["review_date"] else None
    return ArticleCheck(data["slug"], data["path"], diagnostics, data["grade"], review,
                        tuple(data["review_position"]), tuple(data["title_position"]))
