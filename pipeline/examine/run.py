"""Examining articles: each from the cache when its input key still holds, else afresh, in
worker processes when there are many. An examination that stops at a resource limit is the
article's located error."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.base.diagnostics import Diagnostic, Reporter
from pipeline.check.rare_words import preload_word_list
from pipeline.check.readability import preload_dictionaries
from pipeline.distribute.pool import spare_the_collector
from pipeline.examine.article import Article, examine, file_size
from pipeline.examine.cache import CacheEntry, article_cache
from pipeline.source.project import Project
from pipeline.source.publication import Limits


@dataclass
class ExamineTask:
    project: Project
    slug: str
    limit: float
    size: int = 0

    def __call__(self):
        return examine_fresh(self.project, self.slug)

    @staticmethod
    def preload() -> None:
        preload_for_check()


def preload_for_check() -> None:
    """Pay examination's one-off cost (the pronouncing dictionary English readability
    needs, wordfreq's English list) before any article's clock starts."""
    preload_dictionaries()
    preload_word_list("en")
    spare_the_collector()


def cached_examination(project: Project, slug: str, entry: CacheEntry | None) -> Article | None:
    """The cached examination when it was made from exactly today's inputs."""
    if entry is None or entry.article.key != project.article_key(slug, entry.article.media):
        return None
    return entry.article


def examine_fresh(project: Project, slug: str) -> Article:
    article = examine(project.path(slug), slug, project.root, project.theme.citation_style, project.publication)
    article.key = project.article_key(slug, article.media)
    return article


def examine_articles(project: Project, slugs: list[str], run=None,
                     entries: dict[str, CacheEntry | None] | None = None) -> dict[str, Article]:
    """Each article's examination: from the cache when its key still holds, else made now (by
    `run(slugs, examined)` when given, e.g. in worker processes) and cached. An article that
    could not be examined at all (a resource limit, a bug) is left out."""
    cache = article_cache(project)
    entries = entries if entries is not None else {slug: cache.load(slug) for slug in slugs}
    found = {slug: article for slug in slugs
             for article in [cached_examination(project, slug, entries.get(slug))] if article is not None}

    def examined(article: Article) -> None:
        found[article.slug] = article
        entries[article.slug] = cache.store(article, entries.get(article.slug))

    stale = [slug for slug in slugs if slug not in found]
    if run is None:
        for slug in stale:
            examined(examine_fresh(project, slug))
    elif stale:
        run(stale, examined)
    return {slug: found[slug] for slug in slugs if slug in found}


def limit_diagnostic(project: Project, slug: str, reason: str) -> Diagnostic:
    """An article stopped at a resource limit: its located error."""
    return Reporter(project.path(slug), project.root).error_diagnostic(
        (1, 1), "resource-limit", f"article {reason}", "limits: seconds-per-article in publication.yaml")


def examination_tasks(project: Project, slugs: list[str]) -> list[ExamineTask]:
    """One task per article, each carrying the project cut down to that article (a task is
    pickled to its worker: a thousand tasks must not carry a thousand manuscript lists)."""
    limits = project.publication.limits if project.publication else Limits()
    return [ExamineTask(replace(project, sources={slug: project.sources[slug]}, chosen=[slug]), slug,
                        limits.seconds_per_article, file_size(project.path(slug))) for slug in slugs]
