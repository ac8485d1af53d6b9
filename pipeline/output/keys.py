"""Input keys: a hash of everything an output is made from, computed without reading it twice.

Every output records its key in the manifest; a build redoes an output only when its key
changes. Keys are made of file hashes, so a build with nothing to do imports neither
pandoc's wrapper nor WeasyPrint.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).parents[1]  # the whole pipeline package
TOOLS = ("health-publishing-pipeline", "pypandoc-binary", "weasyprint", "ebooklib", "nh3", "pydyf",
         "pikepdf", "jinja2", "babel", "segno", "textstat")


def digest(*parts) -> str:
    """A stable hash of JSON-able parts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:  # missing, or removed while a build runs
        return "missing"


def folder_digest(folder: Path) -> str:
    """The names and contents of every file under a folder."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return digest([(p.relative_to(folder).as_posix(), file_digest(p)) for p in files])


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """The versions of the tools, and this pipeline's own code, templates and pandoc scripts."""
    versions = {}
    for name in TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return digest(versions, folder_digest(PACKAGE))


def publication_digest(publication, manuscripts: Path) -> str:
    """publication.yaml without the parts an article's outputs do not use (the booklets, which
    have keys of their own, and the grade target, which only warns), plus the logo file it prints."""
    shared = publication.model_dump(mode="json", exclude={"booklets", "readability"})
    return digest(shared, file_digest(manuscripts / publication.logo) if publication.logo else None)


def article_digest(slug: str, manuscript: Path, media: tuple[str, ...], manuscripts: Path, publication: str,
                   citation_style: str, fonts: str) -> str:
    """What one article's examination is made from: its name and text, the images it names,
    the publication, the citation style, the installed fonts and the tool."""
    return digest(slug, file_digest(manuscript), [(m, media_digest(manuscripts, m)) for m in media],
                  publication, citation_style, fonts, tool_digest())


def media_digest(manuscripts: Path, image: str) -> str:
    """An image's hash; only files inside manuscripts/ are read (check refuses the others)."""
    try:
        path = (manuscripts / image).resolve()
    except (OSError, ValueError):
        return "unusable"
    return file_digest(path) if path.is_relative_to(manuscripts.resolve()) else "outside"
