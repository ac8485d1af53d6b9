"""Where each page of the printed leaflet begins in its braille, so that a braille reader finds
the page a clinician points to ("it's on page 3") as transcribers mark it: a print page
indicator where the page begins.

The standard leaflet's pages are read back by their runs of text (pdf_text.page_runs), the
braille's blocks by the print text each was translated from. The two are compared by letters
and digits alone, case folded: spaces, punctuation and bullets differ between them, the words do
not. A page begins where the first of its opening runs is found (those runs and the ones after
them, MATCHED letters long), after where the page before it began. A run the braille does not
hold (a picture's caption, a table heading repeated on the page) is passed over for the next.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pipeline.render.pdf_text import page_runs

MATCHED = 40  # letters and digits of a page's opening that must match: enough to tell a chapter from its line in the contents
SHORTEST = 8  # an opening shorter than this (the last words of a page) could match anywhere
TRIED = 8  # the page's first runs tried as its opening


@dataclass(frozen=True)
class PageStart:
    """A print page beginning in the braille: at this word of this block's print text."""

    number: int
    block: int
    word: int


def page_openings(leaflet: bytes) -> list[list[str]]:
    """The texts of each page's runs of content (the running footer and repeated table headings
    are artifacts, left out), in the order drawn."""
    import pikepdf  # noqa: PLC0415

    with pikepdf.open(io.BytesIO(leaflet)) as pdf:
        return [[run.text for _, run in page_runs(page) if not run.furniture and keyed(run.text)]
                for page in pdf.pages]


def keyed(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


def page_starts(texts: list[str], openings: list[list[str]]) -> list[PageStart]:
    """Where each print page after the first begins among the blocks' print texts (`texts`); a
    page whose opening the braille does not hold has none."""
    keys, places = [], []  # each letter of the texts, and the block and place in its text it stands at
    for block, text in enumerate(texts):
        for offset, char in enumerate(text):
            for letter in keyed(char):
                keys.append(letter)
                places.append((block, offset))
    joined, starts, cursor = "".join(keys), [], 0
    for number, runs in enumerate(openings[1:], start=2):
        found = opening(runs, joined, cursor)
        if found is not None:
            cursor = found
            block, offset = places[found]
            starts.append(PageStart(number, block, len(texts[block][:offset].split())))
    return starts


def opening(runs: list[str], keys: str, cursor: int) -> int | None:
    """Where in `keys`, from `cursor` on, the page's text is first found, from one of its first runs."""
    for wanted in openings_of(runs):
        if len(wanted) < SHORTEST:
            return None
        found = keys.find(wanted, cursor)
        if found >= 0:
            return found
    return None


def openings_of(runs: list[str]) -> list[str]:
    """What a page may be found by: its text from each of its first runs on, MATCHED letters long."""
    return [keyed("".join(runs[first:]))[:MATCHED] for first in range(min(TRIED, len(runs)))]
