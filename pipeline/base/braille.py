"""Braille through liblouis (Debian's liblouis20, liblouis-data and python3-louis): the table each
language is written in, and translation both ways, as Unicode braille (a character per cell).

Contracted braille where that language's readers expect it (Unified English Braille grade 2,
German and French contracted), uncontracted elsewhere. A language is here only when its table
writes our manuscripts in six dots, which is all a BRF file can hold; a project can name another
table per language in publication.yaml."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from pipeline.base.lazy import lazy_import

louis = lazy_import("louis")

TABLES = {
    "en": "en-ueb-g2.ctb", "de": "de-g2.ctb", "fr": "fr-bfu-g2.ctb", "es": "es-g1.ctb", "pt": "pt-pt-g1.utb",
    "pl": "Pl-Pl-g1.utb", "tr": "tr-g1.ctb", "ar": "ar-ar-g1.utb", "ur": "ur-pk-g1.utb", "zh-hans": "zh-chn.ctb",
    "hi": "hi-in-g1.utb", "gu": "gu-in-g1.utb", "pa": "pa.tbl",
}
# Tables without Latin letters or ASCII punctuation: a run of those in their text ("B12", "[1]",
# a web address) is written in uncontracted English braille, as a transcriber would, not as
# liblouis's escape of an unknown character (in cells of eight dots).
WITHOUT_LATIN = {"ur-pk-g1.utb", "hi-in-g1.utb", "gu-in-g1.utb", "pa.tbl"}
LATIN_TABLE = "en-ueb-g1.ctb"
DISPLAY = "unicode.dis"  # cells in and out as Unicode braille, whatever the table's own display
LATIN_RUN = re.compile(r"[A-Za-z!-/:-@\[-`{-~]+")
BLANK = "\u2800"


def table_for(lang: str, chosen: dict[str, str] | None = None) -> str | None:
    """The table a language is written in: the publication's choice, else ours, by the most
    specific tag that has one (zh-Hans-CN reads zh-hans)."""
    tables = {**TABLES, **{key.lower(): value for key, value in (chosen or {}).items()}}
    parts = lang.lower().split("-")
    return next((tables["-".join(parts[:n])] for n in range(len(parts), 0, -1) if "-".join(parts[:n]) in tables), None)


def table_exists(table: str) -> bool:
    try:
        louis.checkTable([DISPLAY, table])
    except RuntimeError:
        return False
    return True


def translated(text: str, table: str) -> str:
    """Text in braille cells (U+2800-U+28FF), spaces as blank cells."""
    text = writable(unicodedata.normalize("NFC", " ".join(without_format_characters(text).split())), table)
    if table not in WITHOUT_LATIN:
        return cells(text, table)
    found, start = [], 0
    for run in LATIN_RUN.finditer(text):
        found += [cells(text[start:run.start()], table), cells(run[0], LATIN_TABLE)]
        start = run.end()
    return "".join(found) + cells(text[start:], table)


def writable(text: str, table: str) -> str:
    """Text with each character the table cannot write (another script's, an emoji) spelt in
    Latin letters (anyascii: "👍" is ":+1:", "عربية" "'rbyt"), as a transcriber would give it,
    not as liblouis's escape of an unknown character in cells of eight dots."""
    return "".join(char if ord(char) < 128 or not unknown(char, table) else anyascii(char) or " " for char in text)


@lru_cache(maxsize=4096)
def unknown(char: str, table: str) -> bool:
    return bool(eight_dot(cells(char, table)))


def without_format_characters(text: str) -> str:
    """Text without its invisible formatting (bidi isolates, joiners): braille has no use for them,
    and tables write them as cells of an unknown character."""
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


@lru_cache(maxsize=4096)
def cells(text: str, table: str) -> str:
    if not text.strip():
        return BLANK * len(text)
    # liblouis drops white space at either end: kept here, so that runs join as they stood.
    lead, trail = len(text) - len(text.lstrip()), len(text) - len(text.rstrip())
    braille = louis.translateString([DISPLAY, table], text.strip(), mode=louis.dotsIO | louis.ucBrl)
    return BLANK * lead + braille.replace(" ", BLANK) + BLANK * trail


def read_back(braille: str, table: str) -> str:
    """Braille cells back-translated to text with the table."""
    return louis.backTranslateString([DISPLAY, table], braille.replace(BLANK, " ")) if braille.strip(BLANK + " ") else ""


def eight_dot(braille: str) -> set[str]:
    """The cells that use dot 7 or 8, which six-dot braille (BRF) cannot hold."""
    return {cell for cell in braille if 0x2800 <= ord(cell) <= 0x28FF and (ord(cell) - 0x2800) & 0xC0}


@lru_cache(maxsize=1)
def translator_version() -> str:
    """liblouis's version: its tables, and so the cells, change with it."""
    return louis.version()
