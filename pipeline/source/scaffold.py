"""`publish new`: a manuscript to start from, whose every line says what to write there (check
refuses the lines still as the template wrote them)."""

from __future__ import annotations

import datetime
import re
from functools import cache
from pathlib import Path
from string import Template

from pipeline.base.diagnostics import Reporter
from pipeline.source.folders import MANUSCRIPTS
from pipeline.source.project import RESERVED_SLUGS, SLUG, ProjectError, manuscript_paths, manuscripts_dir
from pipeline.source.publication import PUBLICATION_FILE, load_publication

TEMPLATE = Path(__file__).parent / "new-manuscript.md"
REVIEW_AFTER_DAYS = 365
# What a line says without its YAML key, list marker, heading marks or table pipes.
LINE_MARKUP = re.compile(r"^\s*(?:-\s+)?(?:[A-Za-z][\w-]*:\s*(?:[>|][-+]?)?\s*)?(?:#+\s*|[-*]\s+|:\s+)?")


class ScaffoldError(Exception):
    """The manuscript cannot be created (it exists already)."""


def new_manuscript(root: Path, slug: str, today: datetime.date | None = None) -> Path:
    """Write manuscripts/<slug>.md from the template, never over an existing file."""
    if not SLUG.match(slug) or slug in RESERVED_SLUGS:
        raise ProjectError(f"'{slug}' is not a usable slug: use lowercase letters, digits and single hyphens")
    folder = manuscripts_dir(root)
    today = today or datetime.date.today()
    text = Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        title=title_of(slug),
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


def title_of(slug: str) -> str:
    """A first title from the slug: its words, the first capitalised; a word of one letter or with
    digits in it is a name (vitamin D, B12) and is written in capitals."""
    words = [word.upper() if len(word) == 1 or any(c.isdigit() for c in word) else word for word in slug.split("-")]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def what_a_line_says(line: str) -> str:
    return " ".join(LINE_MARKUP.sub("", line).replace("|", " ").split()).casefold()


@cache
def template_sentences() -> frozenset[str]:
    """What the template says to its author (the lines of it a manuscript should replace): each
    line of three words or more, and its placeholder address, without the variables it fills in."""
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    said = (what_a_line_says(line) for line in lines if "$" not in line)
    return frozenset(text for text in said if len(text.split()) >= 3 or "://" in text)
