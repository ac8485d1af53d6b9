"""`publish new`: a manuscript to start from, valid as written."""

from __future__ import annotations

import datetime
from pathlib import Path
from string import Template

from pipeline.base.diagnostics import Reporter
from pipeline.source.project import MANUSCRIPTS, RESERVED_SLUGS, SLUG, ProjectError, manuscript_paths, manuscripts_dir
from pipeline.source.publication import PUBLICATION_FILE, load_publication

TEMPLATE = Path(__file__).parent / "new-manuscript.md"
REVIEW_AFTER_DAYS = 365


class ScaffoldError(Exception):
    """The manuscript cannot be created (it exists already)."""


def new_manuscript(root: Path, slug: str, today: datetime.date | None = None) -> Path:
    """Write manuscripts/<slug>.md from the template, never over an existing file."""
    if not SLUG.match(slug) or slug in RESERVED_SLUGS:
        raise ProjectError(f"'{slug}' is not a usable slug: use lowercase letters, digits and single hyphens")
    folder = manuscripts_dir(root)
    today = today or datetime.date.today()
    text = Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        title=slug.replace("-", " ").capitalize(),
        today=today.isoformat(),
        review_date=(today + datetime.timedelta(days=REVIEW_AFTER_DAYS)).isoformat(),
        disclaimer=default_disclaimer(folder),
    )
    path = folder / f"{slug}.md"
    existing = manuscript_paths(folder).get(slug)
    if existing:
        raise ScaffoldError(f"{MANUSCRIPTS}/{existing[0].name} already exists; not overwriting it")
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{MANUSCRIPTS}/{path.name} already exists; not overwriting it") from None
    return path


def default_disclaimer(folder: Path) -> str:
    """The first disclaimer the publication defines, so the new file passes `check`."""
    publication, _ = load_publication(folder, Reporter(folder / PUBLICATION_FILE))
    if publication is None:
        return "medical"
    return next(iter(publication.disclaimers))
