"""What a reader sees of one article in one format, and the normalisation all formats share."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pipeline.base.languages import wide

# Only what formats legitimately change: ligatures, typographic quotes and dashes around
# words, hyphenation at line ends, and white space. Nothing else is forgiven.
LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"'}
LINE_END_HYPHEN = re.compile("[\u2010\u00ad]\\s*")
SPACE = re.compile(r"\s+")
SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?)\]])")
SPACE_AFTER_OPENING = re.compile(r"([(\[])\s+")
def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join(LIGATURES.get(ch, QUOTES.get(ch, ch)) for ch in text)
    text = LINE_END_HYPHEN.sub("", text).replace("\u00a0", " ")
    text = SPACE.sub(" ", text).strip()
    text = SPACE.sub(lambda space: "" if wide(text[space.start() - 1]) or wide(text[space.end()]) else " ", text)
    # Extraction may put a line break between a word and the punctuation or bracket beside it.
    return SPACE_AFTER_OPENING.sub(r"\1", SPACE_BEFORE_PUNCTUATION.sub(r"\1", text))


@dataclass
class Table:
    caption: str
    head: list[list[str]]
    body: list[list[str]]


@dataclass
class Reading:
    title: str = ""
    summary: str = ""
    key_points: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    faq: list[tuple[str, str]] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)  # (number, text)
    citations: list[str] = field(default_factory=list)  # each in-text citation as shown: "[1, 3]"
    link_problems: list[str] = field(default_factory=list)  # citation links that miss their entry
    disclaimer: tuple[str, str] = ("", "")  # (title, text)

    def normalised(self) -> "Reading":
        n = normalise
        return Reading(
            title=n(self.title), summary=n(self.summary), key_points=[n(k) for k in self.key_points],
            tables=[Table(n(t.caption), [[n(c) for c in r] for r in t.head], [[n(c) for c in r] for r in t.body])
                    for t in self.tables],
            faq=[(n(q), n(a)) for q, a in self.faq],
            references=[(n(num), n(text)) for num, text in self.references],
            citations=[n(c) for c in self.citations],
            link_problems=list(self.link_problems),
            disclaimer=(n(self.disclaimer[0]), n(self.disclaimer[1])),
        )
