"""A project: its publication.yaml, theme and manuscripts, loaded and checked as files."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pipeline.base.braille import table_exists
from pipeline.base.diagnostics import Diagnostic, Reporter, UsageError, has_errors
from pipeline.base.languages import problem_with
from pipeline.output.keys import article_digest, file_digest, publication_digest
from pipeline.output.layout import CACHE, EASY_READ, OUTPUT, RESERVED_SLUGS, is_easy_read, source_of, split_name
from pipeline.source.folders import MANUSCRIPTS
from pipeline.source.history import HistoryError, Repository
from pipeline.source.manuscript import manuscript_name
from pipeline.source.publication import PUBLICATION_FILE, Publication, load_publication
from pipeline.source.schema import did_you_mean
from pipeline.source.theme import Theme

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
    booklet_positions: dict[str, tuple[int, int]] = field(default_factory=dict)  # each booklet's id in publication.yaml

    @property
    def manuscripts(self) -> Path:
        return self.root / MANUSCRIPTS

    @property
    def output(self) -> Path:
        return self.root / OUTPUT

    @property
    def cache_root(self) -> Path:
        return self.cache_dir or self.output / CACHE

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
        extra = [source_of(n) for n in names if source_of(n) in self.sources]
        return list(dict.fromkeys([*names, *extra]))

    def article_key(self, slug: str, media: tuple[str, ...]) -> str:
        return article_digest(slug, self.path(slug), media, self.manuscripts, self.publication_key,
                              self.citation_style_key)

    @cached_property
    def repository(self):
        """The git repository the project is in, when it is in one with its full history."""
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
    publication, diagnostics, positions = check_publication(root, set(sources))
    project = Project(root, Theme.of(root), publication, sources, chosen, diagnostics,
                      cache_dir=cache_dir.resolve() if cache_dir else None, booklet_positions=positions)
    for slug in chosen:
        problems = check_name(slug, sources, root)
        project.diagnostics += problems
        if has_errors(problems):
            project.unusable.add(slug)
    return project


def check_publication(root: Path, slugs: set[str]) -> tuple[Publication | None, list[Diagnostic], dict]:
    """publication.yaml on its own, and against the manuscripts that exist; and where each
    booklet stands in it (what is found in a booklet's files later is told there)."""
    folder = root / MANUSCRIPTS
    reporter = Reporter(folder / PUBLICATION_FILE, root)
    publication, yaml = load_publication(folder, reporter)
    if publication is None:
        return None, reporter.diagnostics, {}
    check_booklets(publication, yaml, slugs, reporter)
    check_logo(publication, yaml, folder, reporter)
    check_profile(publication, yaml, folder, reporter)
    check_braille_tables(publication, yaml, reporter)
    positions = {booklet.id: yaml.position(("booklets", index, "id"))
                 for index, booklet in enumerate(publication.booklets)}
    return publication, reporter.diagnostics, positions


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
        elif is_easy_read(name) and source_of(name) not in sources:
            reporter.error((1, 1), "easy-read-source", f"'{path.name}' is an Easy Read edition, but the article "
                           f"it is made from, {source_of(name)}.md, does not exist",
                           did_you_mean(source_of(name), [s for s in sources if "." not in s]))
        if not SLUG.match(slug.removesuffix("." + EASY_READ)):
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


def check_profile(publication: Publication, yaml, folder: Path, reporter: Reporter) -> None:
    """The print shop's profile converts every colour of the press files: a CMYK ICC profile inside manuscripts/."""
    profile = publication.print_.profile
    if profile is None:
        return
    path = (folder / profile).resolve()
    where = yaml.position(("print", "profile"))
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        reporter.error(where, "profile", f"profile '{profile}' is not a file inside manuscripts/")
    elif icc_colour_space(path) != "CMYK":
        reporter.error(where, "profile", f"profile '{profile}' is not a CMYK ICC profile",
                       "ask the print shop for theirs, e.g. a FOGRA39 or GRACoL profile")


def check_braille_tables(publication: Publication, yaml, reporter: Reporter) -> None:
    """A braille table publication.yaml names must be one liblouis has."""
    for lang, table in publication.braille.tables.items():
        if not table_exists(table):
            reporter.error(yaml.position(("braille", "tables", lang)), "braille-table-unknown",
                           f"liblouis has no braille table '{table}' (for '{lang}')",
                           "name one of /usr/share/liblouis/tables/, e.g. en-ueb-g1.ctb")


def icc_colour_space(path: Path) -> str | None:
    from PIL import ImageCms  # noqa: PLC0415 - only a project that names a profile needs Pillow's colour management

    try:
        return ImageCms.getOpenProfile(str(path)).profile.xcolor_space.strip()
    except (OSError, ImageCms.PyCMSError):
        return None


def check_logo(publication: Publication, yaml, folder: Path, reporter: Reporter) -> None:
    """The logo is printed on every leaflet, so it must be a file inside manuscripts/."""
    if publication.logo is None:
        return
    path = (folder / publication.logo).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        reporter.error(yaml.position(("logo",)), "logo", f"logo '{publication.logo}' is not a file inside manuscripts/")
