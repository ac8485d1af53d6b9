"""Languages: what a BCP 47 tag means for layout (direction, script, its own name), from CLDR via Babel."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date
from babel.lists import format_list

WELL_FORMED = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Language:
    tag: str  # as the manuscript writes it
    locale: Locale

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def script(self) -> str:
        """The ISO 15924 script it is written in (Arab, Hans, Beng, ...), from CLDR's likely subtags."""
        return self.locale.script or likely_script(self.locale) or "Latn"

    @property
    def name(self) -> str:
        """The language's name in itself, as a language switcher shows it."""
        plain = Locale(self.locale.language, script=self.locale.script)  # no territory: "English", not "English (UK)"
        name = plain.get_display_name(plain) or self.tag
        return name[:1].upper() + name[1:] if self.script in CASED_SCRIPTS else name

    @property
    def babel_locale(self) -> str:
        return str(self.locale)


CASED_SCRIPTS = frozenset({"Latn", "Cyrl", "Grek"})


def likely_script(locale: Locale) -> str | None:
    likely = get_global("likely_subtags")
    expanded = likely.get(str(locale)) or likely.get(locale.language) or ""
    return next((part for part in expanded.split("_") if len(part) == 4), None)


@lru_cache(maxsize=256)
def language(tag: str) -> Language | None:
    """The language a tag names; None when the tag is malformed or names no language CLDR knows."""
    if not WELL_FORMED.match(tag):
        return None
    subtags = tag.split("-")
    # Private-use and variant subtags Babel does not know still name the language before them.
    for end in range(len(subtags), 0, -1):
        try:
            return Language(tag, Locale.parse("-".join(subtags[:end]), sep="-"))
        except (UnknownLocaleError, ValueError):
            continue
    return None


def problem_with(tag: str) -> str | None:
    """Why a tag cannot be used as a manuscript's `lang`, or None."""
    if not WELL_FORMED.match(tag):
        return f"'{tag}' is not a language tag like 'en-GB', 'ar' or 'zh-Hans'"
    if language(tag) is None:
        return f"'{tag}' is not a language this pipeline knows (unknown language subtag '{tag.split('-')[0]}')"
    return None


def same_language(tag: str, other: str) -> bool:
    """Whether two tags name the same language, ignoring case (`zh-hans` is `zh-Hans`)."""
    return tag.lower() == other.lower()


def direction(tag: str) -> str:
    found = language(tag)
    return found.direction if found else "ltr"


def native_name(tag: str) -> str:
    found = language(tag)
    return found.name if found else tag


def canonical_case(tag: str) -> str:
    """A tag in BCP 47's conventional case: zh-hans-cn -> zh-Hans-CN (case carries no meaning)."""
    parts = tag.split("-")
    cased = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            cased.append(part.title())
        elif len(part) == 2 and part.isalpha():
            cased.append(part.upper())
        else:
            cased.append(part.lower())
    return "-".join(cased)


def wide(character: str) -> bool:
    """A Chinese, Japanese or Korean character, of scripts written without spaces between words:
    a line may break beside one with or without a space, and each reads about as long as a word."""
    return unicodedata.east_asian_width(character) in ("W", "F") and unicodedata.category(character) != "So"


def long_date(value: datetime.date, lang: str) -> str:
    """A date as the language writes it in full (1 de octubre de 2026, 2026年10月1日): every date
    an article prints, in every format, its references' access dates included."""
    found = language(lang)
    return format_date(value, format="long", locale=found.babel_locale if found else "en")


def listed(items: list[str], lang: str) -> str:
    """Items joined as the language lists them ("large print, braille and e-book")."""
    found = language(lang)
    return format_list(items, locale=found.babel_locale if found else "en")
