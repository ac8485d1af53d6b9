"""An article's editions: the languages it is published in, as each edition's page and leaflet name them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

from pipeline.base.languages import direction, language, native_name
from pipeline.output import layout


@dataclass(frozen=True)
class Edition:
    """The article in one language, as the other editions link to it."""

    name: str  # the manuscript's name: slug or slug.lang
    lang: str
    label: str  # the language's name in itself
    direction: str
    page: str  # its web page, under output/
    url: str  # its web page's address


@dataclass(frozen=True)
class Editions:
    """Every edition of one article (source first), and which one this is."""

    current: str  # the name of the edition being rendered
    all: tuple[Edition, ...] = ()
    translated_from: tuple[str, str] | None = None  # (the source's language, named in this one's; its version)
    counterpart: Edition | None = None  # its Easy Read edition, or an Easy Read edition's article (same language)

    @property
    def others(self) -> tuple[Edition, ...]:
        return tuple(edition for edition in self.all if edition.name != self.current)

    def link(self, edition: Edition) -> str:
        """A relative link from this edition's page to another's."""
        here = next((e.page for e in self.all if e.name == self.current), layout.page(self.current))
        return layout.link(edition.page, here)


def edition(name: str, lang: str, base_url: str, page: str | None = None) -> Edition:
    page = page or layout.page(name)
    return Edition(name, lang, native_name(lang), direction(lang), page, base_url + layout.href(page))


def index_editions(current: str, site_lang: str, langs: list[str], base_url: str) -> Editions:
    """The site's indexes as editions of one page: the front page in the site's language, and one
    index per language that has translations. `current` is an index's path."""
    pages = [(layout.index(), site_lang), *((layout.index(lang), lang) for lang in langs)]
    found = tuple(edition(page, lang, base_url, page) for page, lang in pages)
    found = (replace(found[0], url=base_url), *found[1:])  # the front page's address is the site's
    return Editions(current, found if len(found) > 1 else ())


def editions_of(name: str, members: list[tuple[str, str]], base_url: str,
                source_version: str | None = None, counterpart: tuple[str, str] | None = None) -> Editions:
    """`members`: (name, lang) of every published edition, source first; `counterpart`: (name,
    lang) of its Easy Read edition, or an Easy Read edition's article, when it is published."""
    found = tuple(edition(member, lang, base_url) for member, lang in members)
    langs = dict(members)
    slug, translated = layout.split_name(name)
    source_lang = langs.get(slug)
    translated_from = None
    if translated and source_lang and name in langs:
        translated_from = (language_name_in(source_lang, langs[name]), source_version or "?")
    return Editions(name, found if len(found) > 1 else (), translated_from,
                    counterpart and edition(*counterpart, base_url))


def language_name_in(tag: str, reader: str) -> str:
    """A language's name as a reader of another language calls it: English is "الإنجليزية" in Arabic."""
    named, reading = language(tag), language(reader)
    if named is None or reading is None:
        return tag
    return reading.locale.languages.get(named.locale.language) or named.name


def text_direction(text: str) -> str:
    """The direction of a text by its first strong character (Unicode's rule), ltr without one."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"
