"""`publish check`: every chosen article examined and judged, every problem collected at once."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.diagnostics import Diagnostic, deduplicate
from pipeline.distribute.pool import InternalError, Workers, raise_bug
from pipeline.examine.article import Article
from pipeline.examine.run import examination_tasks, examine_articles, limit_diagnostic, preload_for_check
from pipeline.examine.verdicts import judge
from pipeline.source.project import Project, load_project


@dataclass
class CheckResult:
    project: Project
    articles: list[Article] = field(default_factory=list)  # every chosen manuscript, examined
    diagnostics: list[Diagnostic] = field(default_factory=list)
    held: set[str] = field(default_factory=set)  # chosen articles held back today (examine.verdicts)

    @property
    def failed(self) -> list[str]:
        """Slugs that cannot be published: errors in the manuscript or its file name, or a limit."""
        examined = {article.slug: article for article in self.articles}
        return [slug for slug in self.project.chosen if slug in self.project.unusable or slug in self.held
                or slug not in examined or examined[slug].failed]

    @property
    def good(self) -> list[Article]:
        return [a for a in self.articles if a.slug not in self.failed]

    @property
    def files_checked(self) -> int:
        return sum(len(self.project.sources[slug]) for slug in self.project.chosen)


def check_project(root: Path, slugs: tuple[str, ...] = (), today: datetime.date | None = None,
                  jobs: int | None = None, cache_dir: Path | None = None) -> CheckResult:
    """Validate publication.yaml and the manuscripts; collect every problem at once."""
    project = load_project(root, slugs, cache_dir)
    result = CheckResult(project)

    def examine_stale(stale: list[str], examined) -> None:
        def limited(slug: str, reason: str) -> None:
            result.diagnostics.append(limit_diagnostic(project, slug, reason))

        lost = workers.run(examination_tasks(project, stale),
                           lambda outcome: outcome.deliver(value=examined, limit=limited, bug=raise_bug))
        if lost:
            raise InternalError(", ".join(lost), "a worker process stopped before finishing (killed?)")

    usable = [name for name in project.with_sources(project.chosen)
              if name in project.chosen or name not in project.unusable]
    with Workers(jobs or os.cpu_count() or 1, preload_for_check) as workers:
        examined = examine_articles(project, usable, examine_stale)
    verdicts = judge(project, examined, today or datetime.date.today())
    result.articles = [examined[name] for name in project.chosen if name in examined]
    for article in result.articles:
        result.diagnostics += article.diagnostics + verdicts.problems[article.slug]
    result.held = {article.slug for article in result.articles if article.slug in verdicts.held}
    result.diagnostics = deduplicate(result.diagnostics + project.diagnostics)
    return result
