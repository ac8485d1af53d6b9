"""The theme every renderer dresses documents in: templates, CSS, the words around the content.

A project's own styles/ overrides single files and falls back to the bundled theme for the
rest. Everything made from the theme (template environments, label tables, parsed
stylesheets) is cached under the hash of the files it was made from, never per process,
so a long-lived process that builds again after an edit sees the edit.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cached_property, lru_cache
from pathlib import Path

import jinja2
from babel.dates import format_date
from markupsafe import Markup
from ruamel.yaml import YAML

from ..fingerprint import digest, file_digest

STYLES = "styles"
BUNDLED = Path(__file__).resolve().parent.parent.parent / STYLES
FORMAT_FOLDERS = ("web", "print", "epub")
# Files every format uses: the shared template parts, the words, the citation style.
SHARED_FILES = ("parts.html", "labels.yaml", "numeric.csl")
LABELS_FILE, CITATION_STYLE = "labels.yaml", "numeric.csl"
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Theme:
    """The folders a theme's files are looked up in, the project's first."""

    folders: tuple[Path, ...]

    @classmethod
    def of(cls, root: Path) -> "Theme":
        own = (root / STYLES).resolve()
        return cls(tuple(dict.fromkeys([own, BUNDLED] if own.is_dir() else [BUNDLED])))

    def file(self, relative: str) -> Path:
        """The project's copy of a theme file if it has one, else the bundled one."""
        for folder in self.folders:
            if (folder / relative).is_file():
                return folder / relative
        return self.folders[-1] / relative

    def files(self, subfolder: str) -> dict[str, Path]:
        """Every file visible in one of the theme's folders, by its path inside the folder."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders):
            base = folder / subfolder
            for path in sorted(base.rglob("*")) if base.is_dir() else []:
                if path.is_file():
                    found[path.relative_to(base).as_posix()] = path
        return found

    @cached_property
    def keys(self) -> dict[str, str]:
        """A hash per format of every file it is made from: its own and the shared ones."""
        return {folder: self.folder_key(folder) for folder in FORMAT_FOLDERS}

    def folder_key(self, folder: str) -> str:
        shared = [(name, file_digest(self.file(name))) for name in SHARED_FILES]
        return digest(shared, sorted((name, file_digest(path)) for name, path in self.files(folder).items()))

    def key(self, folder: str) -> str:
        return self.keys[folder] if folder in self.keys else self.folder_key(folder)

    @property
    def citation_style(self) -> Path:
        return self.file(CITATION_STYLE)


class Labels:
    """The template words for one language, falling back to English word by word."""

    def __init__(self, table: dict, lang: str) -> None:
        base = lang.split("-")[0].lower()
        self._words = {**table.get(FALLBACK_LANGUAGE, {}), **table.get(base, {})}

    def __getattr__(self, name: str) -> str:
        return self[name.replace("_", "-")]

    def __getitem__(self, key: str) -> str:
        return self._words[key]

    def format(self, key: str, **values) -> str:
        return self._words[key].format(**values)


def labels(theme: Theme, lang: str) -> Labels:
    path = theme.file(LABELS_FILE)
    return Labels(label_table(path, file_digest(path)), lang)


@lru_cache(maxsize=4)
def label_table(path: Path, _content_hash: str) -> dict:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def environment(theme: Theme, folder: str) -> jinja2.Environment:
    """Templates of one format (web, print, epub), autoescaped; pandoc's HTML is marked safe."""
    return _environment(theme, folder, theme.key(folder))


@lru_cache(maxsize=8)
def _environment(theme: Theme, folder: str, _content_hash: str) -> jinja2.Environment:
    # A format's own folder first, then the theme's root, where the shared parts live.
    search = [*(path / folder for path in theme.folders), *theme.folders]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(path) for path in search]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["html"] = Markup
    env.filters["long_date"] = long_date
    env.filters["json_ld"] = json_ld
    return env


def long_date(value: date, lang: str) -> str:
    return format_date(value, format="long", locale=lang.replace("-", "_"))


def json_ld(data: dict) -> Markup:
    """JSON for a <script type="application/ld+json"> element, unable to close it early."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    return Markup(text.replace("</", "<\\/"))


def source_date_epoch() -> datetime | None:
    """The time SOURCE_DATE_EPOCH fixes for reproducible outputs, when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return None


def build_time(fallback: date) -> datetime:
    """SOURCE_DATE_EPOCH when set, else a date from the sources: never the clock."""
    return source_date_epoch() or datetime(fallback.year, fallback.month, fallback.day, tzinfo=timezone.utc)
