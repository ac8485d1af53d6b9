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

PACKAGE = Path(__file__).parent
TOOLS = ("health-publishing-pipeline", "pypandoc-binary", "weasyprint", "ebooklib", "nh3", "pydyf",
         "pikepdf", "jinja2", "babel", "segno", "textstat")
# publication.yaml keys that only some outputs use; every other key goes into every key.
BOOKLETS, READABILITY = "booklets", "readability"


def digest(*parts) -> str:
    """A stable hash of JSON-able parts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


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


def styles_digest(styles: Path, folder: str) -> str:
    """One format's templates and CSS, with the words and citation style every format shares."""
    return digest(folder_digest(styles / folder), file_digest(styles / "labels.yaml"),
                  file_digest(styles / "numeric.csl"))


def publication_digest(raw: dict, manuscripts: Path, *keep: str) -> str:
    """publication.yaml without the parts an output does not use (booklets, readability),
    unless asked for, plus the logo file it prints."""
    shared = {key: value for key, value in raw.items()
              if key not in (BOOKLETS, READABILITY) or key in keep}
    logo = raw.get("logo")
    return digest(shared, file_digest(manuscripts / logo) if isinstance(logo, str) else None)


def article_digest(manuscript: Path, media: list[str], manuscripts: Path, publication: str) -> str:
    """What one article's document is made from: its text, its images, the publication, the tool."""
    return digest(file_digest(manuscript), [(m, file_digest(manuscripts / m)) for m in media],
                  publication, tool_digest())
