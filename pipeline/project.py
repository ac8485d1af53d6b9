"""A project: its publication.yaml and manuscripts, loaded and checked together."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .article import Examined, examine, policy_warnings
from .config import PUBLICATION_FILE, Publication, load_publication
from .diagnostics import Diagnostic, Reporter, deduplicate, has_errors
from .schema import did_you_mean

MANUSCRIPTS = "manuscripts"
STYLES = "styles"
DEFAULT_STYLES = Path(__file__).parent.parent / STYLES
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = frozenset({"index"})  # output/web/index.html is the site's front page


class ProjectError(Exception):
    """The command cannot run at all here (a usage problem, not a content one)."""


@dataclass
class CheckResult:
    publication: Publication | None
    articles: list[Examined] = field(default_factory=list)  # every manuscript that was examined
    failed: list[str] = field(default_factory=list)  # slugs that did not load or have errors
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0

    @property
    def good(self) -> list[Examined]:
        """The examined articles that can be built."""
        return [a for a in self.articles if a.converted is not None and a.check.slug not in self.failed]


def manuscripts_dir(root: Path) -> Path:
    folder = root / MANUSCRIPTS
    if not folder.is_dir():
        raise ProjectError(f"no {MANUSCRIPTS}/ folder in {root}: run from the project's root or pass --project")
    return folder


def styles_dir(root: Path) -> Path:
    """The project's own themes, or the ones this tool ships with."""
    own = root / STYLES
    return own if own.is_dir() else DEFAULT_STYLES


def manuscript_paths(folder: Path) -> dict[str, list[Path]]:
    """Manuscript files by slug (the lower-cased file name), sorted."""
    paths: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(folder.glob("*.md")):
        paths[path.stem.lower()].append(path)
    return dict(paths)


def select(paths: dict[str, list[Path]], slugs: tuple[str, ...]) -> dict[str, list[Path]]:
    """Only the requested slugs; an unknown one is a usage error."""
    if not slugs:
        return paths
    for slug in slugs:
        if slug not in paths:
            hint = did_you_mean(slug, paths)
            raise ProjectError(f"no manuscript '{slug}' in {MANUSCRIPTS}/" + (f": {hint}" if hint else ""))
    return {slug: paths[slug] for slug in slugs}


def check_project(root: Path, slugs: tuple[str, ...] = (), today: datetime.date | None = None) -> CheckResult:
    """Validate publication.yaml and the manuscripts; collect every problem at once."""
    folder = manuscripts_dir(root)
    all_paths = manuscript_paths(folder)
    chosen = select(all_paths, slugs)
    publication, config_diagnostics = check_publication(root, set(all_paths))
    result = CheckResult(publication)
    for slug, paths in chosen.items():
        slug_diagnostics = check_slug(slug, paths, root)
        article = examine(paths[0], slug, root, styles_dir(root), publication)
        result.articles.append(article)
        diagnostics = slug_diagnostics + article.check.diagnostics + policy_warnings(
            article.check, publication.readability.target_grade if publication else None,
            today or datetime.date.today())
        result.files_checked += len(paths)
        if article.converted is None or has_errors(diagnostics):
            result.failed.append(slug)
        result.diagnostics += diagnostics
    result.diagnostics = deduplicate(result.diagnostics + config_diagnostics)
    return result


def check_publication(root: Path, slugs: set[str]) -> tuple[Publication | None, list[Diagnostic]]:
    """publication.yaml on its own, and against the manuscripts that exist."""
    folder = manuscripts_dir(root)
    reporter = Reporter(folder / PUBLICATION_FILE, root)
    publication, yaml = load_publication(folder, reporter)
    if publication is not None:
        check_booklets(publication, yaml, slugs, reporter)
        check_logo(publication, yaml, folder, reporter)
    return publication, reporter.diagnostics


def check_slug(slug: str, paths: list[Path], root: Path) -> list[Diagnostic]:
    """A slug must be usable as a file name in every output, and belong to one manuscript."""
    diagnostics = []
    for path in paths:
        reporter = Reporter(path, root)
        if not SLUG.match(slug):
            reporter.error((1, 1), "slug", f"file name '{path.name}' is not a valid slug",
                           "use lowercase letters, digits and single hyphens, e.g. low-b12.md")
        elif slug in RESERVED_SLUGS:
            reporter.error((1, 1), "slug", f"the slug '{slug}' is reserved for the site's front page")
        if len(paths) > 1:
            others = ", ".join(p.name for p in paths if p != path)
            reporter.error((1, 1), "duplicate-slug", f"two manuscripts have the slug '{slug}': also {others}")
        diagnostics += reporter.diagnostics
    return diagnostics


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
