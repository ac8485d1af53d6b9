"""Which characters the installed fonts can draw, from fontconfig (the fonts WeasyPrint uses).

Pango falls back from the stylesheet's fonts to any installed font that has a character, so a
character that no installed font has is drawn as a box of a missing glyph. Check finds those
before a leaflet is laid out, and says where in the manuscript the first one is.
"""

from __future__ import annotations

import bisect
import subprocess
import unicodedata
from functools import lru_cache

# Characters no font needs to draw: spaces and line breaks, joiners and direction marks (Cf),
# control characters, and variation selectors (they pick a form of the character before them).
UNDRAWN_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


@lru_cache(maxsize=1)
def installed_charsets() -> str:
    """fontconfig's list of the installed fonts' character sets, one font per line ("" without fontconfig)."""
    try:
        listing = subprocess.run(["fc-list", "--format", "%{family}\t%{charset}\n"], capture_output=True,
                                 text=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return ""
    return "\n".join(sorted(set(listing.stdout.splitlines())))


@lru_cache(maxsize=1)
def coverage() -> tuple[list[int], list[int]]:
    """The code points some installed font has, as sorted, merged ranges (starts, ends)."""
    ranges = sorted((int(low, 16), int(high or low, 16))
                    for line in installed_charsets().splitlines()
                    for part in line.partition("\t")[2].split()
                    for low, _dash, high in [part.partition("-")])
    starts: list[int] = []
    ends: list[int] = []
    for low, high in ranges:
        if ends and low <= ends[-1] + 1:
            ends[-1] = max(ends[-1], high)
        else:
            starts.append(low)
            ends.append(high)
    return starts, ends


def drawable(character: str) -> bool:
    """True when an installed font has the character, or it needs no glyph."""
    code = ord(character)
    if unicodedata.category(character) in UNDRAWN_CATEGORIES or \
            any(low <= code <= high for low, high in VARIATION_SELECTORS):
        return True
    starts, ends = coverage()
    if not starts:
        return True  # no fontconfig to ask: WeasyPrint itself warns about each missing glyph
    index = bisect.bisect_right(starts, code) - 1
    return index >= 0 and code <= ends[index]


def undrawable(text: str) -> list[str]:
    """The characters of `text` that no installed font has, each once, in order of appearance."""
    return [character for character in dict.fromkeys(text) if not drawable(character)]


def describe(character: str) -> str:
    """'ꯀ' (U+ABC0 MEETEI MAYEK LETTER KOK)."""
    name = unicodedata.name(character, "unassigned" if unicodedata.category(character) == "Cn" else "unnamed")
    return f"'{character}' (U+{ord(character):04X} {name})"
