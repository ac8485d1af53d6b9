"""A project: its publication.yaml, theme and manuscripts, loaded, and its articles examined."""

from __future__ import annotations

import datetime
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pipeline.examine.article import Article, examine, policy_diagnostics
from pipeline.examine.cache import CACHE, ArticleCache, CacheEntry
from pipeline.source.publication import PUBLICATION_FILE, Publication, TranslationPolicy, load_publication
from pipeline.base.diagnostics import Diagnostic, Reporter, UsageError, deduplicate, has_errors
from pipeline.output.keys import article_digest, file_digest, publication_digest
from pipeline.base.fonts import installed_fonts_digest
from pipeline.base.languages import problem_with
from pipeline.check.translations import currency, currency_diagnostics, read_lock, structure_problems
from pipeline.output import layout
from pipeline.output.layout import RESERVED_SLUGS, split_name
from pipeline.source.manuscript import manuscript_name
from pipeline.source.theme import Theme
from pipeline.source.schema import did_you_mean
from pipeline.output.writer import OUTPUT

MANUSCRIPTS = "manuscripts"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ProjectError(UsageError):
    """The project cannot be worked on as asked (no manuscripts/, an unknown name)."""


@dataclass
class Project:
    """Everything a command reads before it examines an article."""

    root: Path
    theme: Theme
    publication: Publication | None
    sources: dict[str, list[Path]]  # every manuscript file, by slug
    chosen: list[str]  # the slugs this command works on
    diagnostics: list[Diagnostic] = field(default_factory=list)  # publication.yaml's, and bad file names
    unusable: set[str] = field(default_factory=set)  # chosen slugs whose file names are errors
    cache_dir: Path | None = None  # where the document cache lives; default output/.cache

    @property
    def manuscripts(self) -> Path:
        return self.root / MANUSCRIPTS

    @property
    def output(self) -> Path:
        return self.root / OUTPUT

    @property
    def cache_root(self) -> Path:
        return self.cache_dir or self.output / CACHE

    @cached_property
    def cache(self) -> ArticleCache:
        return ArticleCache(self.cache_root / "articles")

    def path(self, slug: str) -> Path:
        return self.sources[slug][0]

    def canonical(self, name: str) -> str:
        return canonical_name(name)

    @cached_property
    def families(self) -> dict[str, list[str]]:
        """Every name by its slug: an article in every language."""
        found: dict[str, list[str]] = defaultdict(list)
        for name in self.sources:
            found[split_name(name)[0]].append(name)
        return {slug: sorted(names, key=lambda n: (n != slug, n)) for slug, names in found.items()}

    def family(self, name: str) -> list[str]:
        """An article in every language: its source first, then its translations."""
        return self.families.get(split_name(name)[0], [])

    def with_sources(self, names: list[str]) -> list[str]:
        """The names, and the sources of the translations among them (a translation is checked against its source)."""
        extra = [split_name(n)[0] for n in names if split_name(n)[1] and split_name(n)[0] in self.sources]
        return list(dict.fromkeys([*names, *extra]))

    def article_key(self, slug: str, media: tuple[str, ...]) -> str:
        return article_digest(slug, self.path(slug), media, self.manuscripts, self.publication_key,
                              self.citation_style_key, installed_fonts_digest())

    @cached_property
    def repository(self):
        """The git repository the project is in, when it is in one with its full history."""
        from pipeline.source.history import HistoryError, Repository  # noqa: PLC0415

        try:
            repository = Repository.of(self.root)
        except HistoryError:
            return None
        return None if repository.shallow else repository

    @cached_property
    def citation_style_key(self) -> str:
        return file_digest(self.theme.citation_style)

    @cached_property
    def publication_key(self) -> str:
        return publication_digest(self.publication, self.manuscripts) if self.publication else "none"


@dataclass
class CheckResult:
    project: Project
    articles: list[Article] = field(default_factory=list)  # every chosen manuscript, examined
    diagnostics: list[Diagnostic] = field(default_factory=list)
    held: set[str] = field(default_factory=set)  # held back by a policy today (overdue, future review dates)

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


def manuscripts_dir(root: Path) -> Path:
    folder = root / MANUSCRIPTS
    if not folder.is_dir():
        raise ProjectError(f"no {MANUSCRIPTS}/ folder in {root}: run from the project's root or pass --project")
    return folder


def manuscript_paths(folder: Path) -> dict[str, list[Path]]:
    """Manuscript files by name (slug, or slug.lang for a translation), sorted."""
    paths: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(folder.glob("*.md")):
        paths[manuscript_name(path)].append(path)
    return dict(paths)


def canonical_name(name: str) -> str:
    """A NAME as typed (`b12-diet.ZH-hans`) as the project spells it."""
    return manuscript_name(Path(name + ".md"))


def select(paths: dict[str, list[Path]], slugs: tuple[str, ...]) -> list[str]:
    """Only the requested names (case as typed does not matter); an unknown one is a usage error."""
    slugs = tuple(canonical_name(slug) for slug in slugs)
    for slug in slugs:
        if slug not in paths:
            hint = did_you_mean(slug, paths)
            raise ProjectError(f"no manuscript '{slug}' in {MANUSCRIPTS}/" + (f": {hint}" if hint else ""))
    return list(dict.fromkeys(slugs)) if slugs else list(paths)


def load_project(root: Path, slugs: tuple[str, ...] = (), cache_dir: Path | None = None) -> Project:
    """Read publication.yaml and the list of manuscripts; check both, and the file names.
    `cache_dir` keeps the document cache outside output/ (CI can keep it between runs)."""
    root = root.resolve()
    sources = manuscript_paths(manuscripts_dir(root))
    chosen = select(sources, slugs)
    publication, diagnostics = check_publication(root, set(sources))
    project = Project(root, Theme.of(root), publication, sources, chosen, diagnostics,
                      cache_dir=cache_dir.resolve() if cache_dir else None)
    for slug in chosen:
        problems = check_name(slug, sources, root)
        project.diagnostics += problems
        if has_errors(problems):
            project.unusable.add(slug)
    return project


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
    cache = project.cache
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


def check_project(root: Path, slugs: tuple[str, ...] = (), today: datetime.date | None = None,
                  jobs: int | None = None, cache_dir: Path | None = None) -> CheckResult:
    """Validate publication.yaml and the manuscripts; collect every problem at once."""
    from pipeline.distribute.pool import InternalError, Workers, examination_tasks, preload_for_check  # noqa: PLC0415

    project = load_project(root, slugs, cache_dir)
    result = CheckResult(project)

    def examine_stale(stale: list[str], examined) -> None:
        def receive(outcome) -> None:
            if outcome.bug:
                raise InternalError(outcome.slug, outcome.bug)
            if outcome.limit:
                result.diagnostics.append(limit_diagnostic(project, outcome.slug, outcome.limit))
            else:
                examined(outcome.value)

        lost = workers.run(examination_tasks(project, stale), receive)
        if lost:
            raise InternalError(", ".join(lost), "a worker process stopped before finishing (killed?)")

    usable = [name for name in project.with_sources(project.chosen)
              if name in project.chosen or name not in project.unusable]
    with Workers(jobs or os.cpu_count() or 1, preload_for_check) as workers:
        examined = examine_articles(project, usable, examine_stale)
    result.articles = [examined[name] for name in project.chosen if name in examined]
    versions = committed_version_problems(project, result.articles)
    translated, linked = translation_problems(project, examined), across_articles(project, examined)
    for article in result.articles:
        dated = policy_diagnostics(article, project.publication, today or datetime.date.today())
        dated += versions.get(article.slug, []) + translated.get(article.slug, []) + label_problems(project, article)
        dated += linked.get(article.slug, [])
        result.diagnostics += article.diagnostics + dated
        if has_errors(dated):
            result.held.add(article.slug)
    result.diagnostics = deduplicate(result.diagnostics + project.diagnostics)
    return result


def committed_version_problems(project: Project, articles: list[Article]) -> dict[str, list[Diagnostic]]:
    """Compare each article's version with git history; nothing to compare outside git or in a
    shallow clone."""
    from pipeline.source.history import HistoryError, version_problems  # noqa: PLC0415

    if project.repository is None or not articles:
        return {}
    try:
        histories = project.repository.histories(project.manuscripts, [project.path(a.slug) for a in articles])
        return {a.slug: version_problems(histories[project.path(a.slug)], project.root, a.version, a.version_position)
                for a in articles}
    except HistoryError:
        return {}


def translation_problems(project: Project, examined: dict[str, Article], lock=None) -> dict[str, list[Diagnostic]]:
    """Each examined translation against its source: structure, and currency by translations.lock.
    A translation whose source cannot be examined cleanly cannot be compared, so it is held."""
    lock = read_lock(project.manuscripts) if lock is None else lock
    critical = project.publication.translations.critical if project.publication else list(TranslationPolicy().critical)
    found: dict[str, list[Diagnostic]] = {}
    for name, article in examined.items():
        slug, lang = split_name(name)
        if lang is None or not article.blocks:
            continue
        source = examined.get(slug)
        path, source_path = project.path(name), f"{slug}.md"
        if source is None or source.document is None:
            found[name] = [Reporter(path, project.root).error_diagnostic(
                (1, 1), "translation-source", f"its source {source_path} has errors; it cannot be compared with it",
                f"fix {source_path} first")]
            continue
        state = currency(name, source.blocks, lock)
        found[name] = (structure_problems(list(article.blocks), list(source.blocks), path, source_path, project.root)
                       + currency_diagnostics(state, article.blocks, path, critical, project.root))
    return found


def across_articles(project: Project, examined: dict[str, Article]) -> dict[str, list[Diagnostic]]:
    """What only the whole project shows: links between articles, and topics spelt two ways."""
    found = link_problems(project, examined)
    for name, diagnostics in topic_problems(project, examined).items():
        found.setdefault(name, []).extend(diagnostics)
    return found


def topic_problems(project: Project, examined: dict[str, Article]) -> dict[str, list[Diagnostic]]:
    """A topic written in ways that differ only in case or spacing would make two topics of one:
    each rarer spelling is warned about, with the usual one (the commonest; of equals, the first)."""
    usual = layout.usual_spellings(topic for article in examined.values() for topic, _position in article.topics)
    found: dict[str, list[Diagnostic]] = {}
    for name, article in examined.items():
        reporter = Reporter(project.path(name), project.root)
        for topic, position in article.topics:
            expected = usual[layout.topic_key(topic)]
            if topic != expected:
                reporter.warning(position, "topic-spelling", f"topic '{topic}' differs from '{expected}' only in "
                                 "case or spacing", f"did you mean '{expected}'?")
        found[name] = reporter.diagnostics
    return found


def link_problems(project: Project, examined: dict[str, Article]) -> dict[str, list[Diagnostic]]:
    """Links between articles: the other manuscript exists, and so does the element a link names
    in it (when that article was examined and can be published)."""
    found: dict[str, list[Diagnostic]] = {}
    for name, article in examined.items():
        reporter = Reporter(project.path(name), project.root)
        for link in article.links:
            other = examined.get(link.name)
            if link.name not in project.sources:
                reporter.error(link.position, "link", f"link '{link.href}' goes nowhere: manuscripts/ has no "
                               f"{link.name}.md", did_you_mean(link.name, project.sources) or "")
            elif link.fragment and other and other.document and link.fragment not in other.document.ids:
                reporter.error(link.position, "link", f"link '{link.href}' goes nowhere: {link.name}.md has no "
                               f"element with the id '{link.fragment}'",
                               did_you_mean(link.fragment, other.document.ids) or "")
        found[name] = reporter.diagnostics
    return found


def label_problems(project: Project, article: Article) -> list[Diagnostic]:
    """A language the theme has no words for: its pages print those words in English. A translation
    whose language has no feedback line: its pages print the line as written."""
    from pipeline.source.theme import labels  # noqa: PLC0415

    reporter = Reporter(project.path(article.slug), project.root)
    missing = labels(project.theme, article.lang).missing if article.lang else []
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        reporter.warning(article.lang_position, "labels", f"styles/labels.yaml has no '{article.lang}' words for: "
                         f"{shown}; they are printed in English", f"add them under '{article.lang}:' in styles/labels.yaml")
    publication = project.publication
    if split_name(article.slug)[1] and article.lang and publication and publication.feedback_in(article.lang) is None:
        reporter.warning(article.lang_position, "feedback-translation", f"publication.yaml has no feedback line in "
                         f"'{article.lang}'; this translation prints it as written",
                         f"add it under feedback-translations: in publication.yaml, as '{article.lang}: ...'")
    return reporter.diagnostics


def limit_diagnostic(project: Project, slug: str, reason: str) -> Diagnostic:
    """An article stopped at a resource limit: its located error."""
    return Reporter(project.path(slug), project.root).error_diagnostic(
        (1, 1), "resource-limit", f"article {reason}", "limits: seconds-per-article in publication.yaml")


def check_publication(root: Path, slugs: set[str]) -> tuple[Publication | None, list[Diagnostic]]:
    """publication.yaml on its own, and against the manuscripts that exist."""
    folder = root / MANUSCRIPTS
    reporter = Reporter(folder / PUBLICATION_FILE, root)
    publication, yaml = load_publication(folder, reporter)
    if publication is not None:
        check_booklets(publication, yaml, slugs, reporter)
        check_logo(publication, yaml, folder, reporter)
    return publication, reporter.diagnostics


def check_name(name: str, sources: dict[str, list[Path]], root: Path) -> list[Diagnostic]:
    """A name must be usable as a file name in every output, belong to one manuscript, and a
    translation's must name a language and a source that exist."""
    slug, lang = split_name(name)
    paths = sources[name]
    diagnostics = []
    for path in paths:
        reporter = Reporter(path, root)
        if lang is not None:
            check_translation_name(path, slug, lang, sources, reporter)
        if not SLUG.match(slug):
            reporter.error((1, 1), "slug", f"file name '{path.name}' is not a valid slug",
                           "use lowercase letters, digits and single hyphens, e.g. low-b12.md")
        elif slug in RESERVED_SLUGS:
            reporter.error((1, 1), "slug", f"the slug '{slug}' is reserved for {RESERVED_SLUGS[slug]}")
        if len(paths) > 1:
            others = ", ".join(p.name for p in paths if p != path)
            reporter.error((1, 1), "duplicate-slug", f"two manuscripts have the slug '{slug}': also {others}")
        diagnostics += reporter.diagnostics
    return diagnostics


def check_translation_name(path: Path, slug: str, lang: str, sources: dict, reporter: Reporter) -> None:
    problem = problem_with(lang)
    if problem:
        reporter.error((1, 1), "translation-name", f"file name '{path.name}': {problem}",
                       "name a translation <slug>.<language tag>.md, e.g. low-b12.ar.md or low-b12.zh-Hans.md")
    elif slug not in sources:
        reporter.error((1, 1), "translation-source", f"'{path.name}' is a translation, but its source "
                       f"{slug}.md does not exist", did_you_mean(slug, [s for s in sources if "." not in s]))


def check_booklets(publication: Publication, yaml, slugs: set[str], reporter: Reporter) -> None:
    seen: set[str] = set()
    for index, booklet in enumerate(publication.booklets):
        if booklet.id in seen:
            reporter.error(yaml.position(("booklets", index, "id")), "duplicate-booklet",
                           f"two booklets have the id '{booklet.id}'")
        seen.add(booklet.id)
        if booklet.manuscripts == "all":
            continue
        for item, slug in enumerate(booklet.manuscripts):
            if slug not in slugs:
                reporter.error(yaml.position(("booklets", index, "manuscripts", item)), "unknown-manuscript",
                               f"booklet '{booklet.id}' names manuscript '{slug}', which does not exist",
                               did_you_mean(slug, slugs))


def check_logo(publication: Publication, yaml, folder: Path, reporter: Reporter) -> None:
    """The logo is printed on every leaflet, so it must be a file inside manuscripts/."""
    if publication.logo is None:
        return
    path = (folder / publication.logo).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        reporter.error(yaml.position(("logo",)), "logo", f"logo '{publication.logo}' is not a file inside manuscripts/")
