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
import yaml
from markupsafe import Markup, escape

from pipeline.base.languages import language, long_date
from pipeline.output import keys, layout
from pipeline.output.editions import text_direction
from pipeline.source.folders import style_folders

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
        return cls(tuple(style_folders(root)))

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
        shared = [(name, self.file(name)) for name in SHARED_FILES] + [(LABELS_FILE, p) for p in self.label_files]
        return keys.theme_key(shared, self.files(folder))

    def key(self, folder: str) -> str:
        return self.keys[folder] if folder in self.keys else self.folder_key(folder)

    @cached_property
    def words_key(self) -> str:
        """A hash of every labels.yaml the theme reads, taken once: a build sees one theme."""
        return keys.files_key(self.label_files)

    @property
    def label_files(self) -> list[Path]:
        """Every labels.yaml of the theme, bundled first: a project's words override single words."""
        return [folder / LABELS_FILE for folder in reversed(self.folders) if (folder / LABELS_FILE).is_file()]

    @property
    def citation_style(self) -> Path:
        return self.file(CITATION_STYLE)


class Word(str):
    """An English word standing in for a missing translation: marked lang="en" where it is printed."""

    def __html__(self) -> str:
        return f'<span lang="{FALLBACK_LANGUAGE}">{escape(str(self))}</span>'


class Labels:
    """The template words for one language, falling back to English word by word."""

    def __init__(self, table: dict, lang: str) -> None:
        english = table.get(FALLBACK_LANGUAGE, {})
        own: dict[str, str] = {}
        for key in reversed(label_languages(lang)):
            own.update(table.get(key, {}))
        self.missing = [key for key in english if key not in own]  # words printed in English
        self._words = {**{key: Word(word) for key, word in english.items()}, **own}

    def __getattr__(self, name: str) -> str:
        return self[name.replace("_", "-")]

    def __getitem__(self, key: str) -> str:
        return self._words[key]

    def format(self, key: str, **values) -> str:
        return str(self._words[key]).format(**values)

    def plain(self, key: str) -> str:
        """A word without its language mark, for attributes."""
        return str(self._words[key])


def label_languages(lang: str) -> list[str]:
    """The label tables a language reads, most specific first: zh-TW reads zh-hant-tw, zh-hant, zh."""
    parts = lang.lower().split("-")
    found = language(lang)
    chain = ["-".join(parts[:end]) for end in range(len(parts), 0, -1)]
    if found is not None:
        chain.insert(len(chain) - 1, f"{parts[0]}-{found.script.lower()}")
    return list(dict.fromkeys(chain))


def labels(theme: Theme, lang: str) -> Labels:
    files = theme.label_files
    return Labels(label_table(tuple(files), theme.words_key), lang)


@lru_cache(maxsize=4)
def label_table(paths: tuple[Path, ...], _content_hash: str) -> dict:
    """Every file's words merged word by word, the project's over the bundled; languages lower-cased."""
    table: dict[str, dict] = {}
    for path in paths:
        # libyaml, every value a string (no word read as a boolean): a no-op build reads this file
        # on every run, and the round-trip parser took 60 ms of it.
        for lang, words in (yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CBaseLoader) or {}).items():
            table.setdefault(str(lang).lower(), {}).update(words or {})
    return table


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
    env.filters["css_string"] = css_string
    env.filters["direction_of"] = text_direction
    env.filters["reference_id"] = layout.reference_id  # the id citeproc links citations to
    return env


def css_string(value, isolate: bool = False) -> Markup:
    """Text as a quoted CSS string for a style element, its white space collapsed as in HTML
    text: anything but letters, digits and spaces as a hex escape (whose one following space
    CSS takes as its end), so that no text can end the string, or the style. `isolate` keeps a
    left-to-right run (a code, a number) whole inside right-to-left text (U+2066 ... U+2069)."""
    text = " ".join(str(value).split())
    text = f"\u2066{text}\u2069" if isolate else text
    return Markup('"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"')


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
