"""What the renderers share: the Jinja environment, the words around the content, dates."""

from __future__ import annotations

import json
import os
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

import jinja2
from babel.dates import format_date
from markupsafe import Markup
from ruamel.yaml import YAML

LABELS_FILE = "labels.yaml"
FALLBACK_LANGUAGE = "en"


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


@lru_cache(maxsize=8)
def label_table(styles: Path) -> dict:
    return YAML(typ="safe", pure=True).load((styles / LABELS_FILE).read_text(encoding="utf-8"))


def labels(styles: Path, lang: str) -> Labels:
    return Labels(label_table(styles), lang)


@lru_cache(maxsize=16)
def environment(styles: Path, folder: str) -> jinja2.Environment:
    """Templates of one format (web, print, epub), autoescaped; pandoc's HTML is marked safe."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(styles / folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
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


def build_time(fallback: date) -> datetime:
    """SOURCE_DATE_EPOCH when set, else a date from the sources: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime(fallback.year, fallback.month, fallback.day, tzinfo=timezone.utc)
