"""A project: its publication.yaml and manuscripts, loaded and checked together."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .checks import check_manuscript
from .config import PUBLICATION_FILE, Publication, load_publication
from .diagnostics import Diagnostic, Reporter, deduplicate, has_errors
from .manuscript import Manuscript, load_manuscript
from .convert import CITATION_STYLE, ConversionError, Converted, convert
from .readability import reading_grade
from .schema import did_you_mean

MANUSCRIPTS = "manuscripts"
STYLES = "styles"
DEFAULT_STYLES = Path(__file__).parent.parent / STYLES
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = frozenset({"index"})  # output/web/index.html is the site's front page


class ProjectError(Exception):
    """The command cannot run at all here (a usage problem, not a content one)."""


@dataclass
class CheckedArticle:
    """A manuscript that loaded, with what pandoc made of it and measures."""

    manuscript: Manuscript
    converted: Converted
    grade: float | None


@dataclass
class CheckResult:
    publication: Publication | None
    articles: list[CheckedArticle] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # slugs that did not load or have errors
    files_checked: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)


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
    today = today or datetime.date.today()
    all_paths = manuscript_paths(folder)
    chosen = select(all_paths, slugs)
    config_reporter = Reporter(folder / PUBLICATION_FILE, root)
    publication, config_yaml = load_publication(folder, config_reporter)
    result = CheckResult(publication)
    if publication is not None:
        check_booklets(publication, config_yaml, set(all_paths), config_reporter)
        check_logo(publication, config_yaml, folder, config_reporter)
    for slug, paths in chosen.items():
        reporters = [Reporter(path, root) for path in paths]
        result.files_checked += len(paths)
        check_slug(slug, paths, reporters)
        article = check_article(paths[0], folder, styles_dir(root), publication, reporters[0], today)
        if article:
            result.articles.append(article)
        if article is None or has_errors([d for r in reporters for d in r.diagnostics]):
            result.failed.append(slug)
        for reporter in reporters:
            result.diagnostics += reporter.diagnostics
    result.diagnostics = deduplicate(result.diagnostics + config_reporter.diagnostics)
    return result


def check_slug(slug: str, paths: list[Path], reporters: list[Reporter]) -> None:
    for path, reporter in zip(paths, reporters):
        if not SLUG.match(slug):
            reporter.error((1, 1), "slug", f"file name '{path.name}' is not a valid slug",
                           "use lowercase letters, digits and single hyphens, e.g. low-b12.md")
        elif slug in RESERVED_SLUGS:
            reporter.error((1, 1), "slug", f"the slug '{slug}' is reserved for the site's front page")
        if len(paths) > 1:
            others = ", ".join(p.name for p in paths if p != path)
            reporter.error((1, 1), "duplicate-slug", f"two manuscripts have the slug '{slug}': also {others}")


def check_article(path: Path, folder: Path, styles: Path, publication: Publication | None,
                  reporter: Reporter, today: datetime.date) -> CheckedArticle | None:
    manuscript = load_manuscript(path, reporter)
    if manuscript is None:
        return None
    try:
        converted = convert(manuscript, styles / CITATION_STYLE)
    except ConversionError as error:
        reporter.error((manuscript.body_first_line, 1), "pandoc", f"pandoc could not convert the manuscript: {error}")
        return None
    check_manuscript(manuscript, converted, publication, folder, reporter, today)
    grade = reading_grade(converted, manuscript.front.lang)
    target = publication.readability.target_grade if publication else None
    if grade is not None and target is not None and grade > target:
        reporter.warning(manuscript.yaml.position(("title",)), "readability",
                         f"reading grade {grade:g} is above the target {target:g}",
                         "use shorter sentences and everyday words")
    return CheckedArticle(manuscript, converted, grade)


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
