"""An Easy Read edition's own checks (SPEC §15): its body is rows, each a picture and one to
three short sentences, in everyday words, without abbreviations, tables or (in English)
passive sentences. Each warning points at the row, sentence or word."""

from __future__ import annotations

import re

from pipeline.base.diagnostics import Reporter
from pipeline.check.readability import PROSE_FIELDS, sentences, words_of
from pipeline.convert.conversion import Converted, fragment_start
from pipeline.convert.facts import Position, Row
from pipeline.source.manuscript import Manuscript

MOST_WORDS = 15  # in a sentence
MOST_SENTENCES = 3  # in a row
MOST_PAGES = 24  # in its leaflet: past this, a reader is better served by two editions
RARER_BY = 1.0  # Zipf, a power of ten: an Easy Read word must be ten times as common as another article's
ABBREVIATION = re.compile(r"(?<![\w.])(?:[A-Z]{2,}s?|(?:[A-Za-z]\.){2,})(?![\w])")  # NHS, GPs, e.g.
IRREGULAR = ("known", "given", "taken", "made", "done", "seen", "shown", "written", "found", "told", "kept",
             "held", "paid", "sent", "built", "put", "left", "brought", "bought", "caught", "taught", "thought",
             "chosen", "drawn", "eaten", "spoken", "broken", "hurt", "cut", "set")
PASSIVE = re.compile(r"\b(?:am|is|are|was|were|be|been|being)\s+(?:\w+ly\s+|not\s+)?(?:\w+ed|"
                     + "|".join(IRREGULAR) + r")\b", re.IGNORECASE)


def check_easy_read(manuscript: Manuscript, converted: Converted, reporter: Reporter) -> None:
    """Warn at each row, sentence and word that is not Easy Read."""
    body = converted.body.facts
    for table in body.tables:
        reporter.warning(table.position or (manuscript.body_first_line, 1), "easy-read-table",
                         "a table in an Easy Read edition", "say what it shows in rows of short sentences")
    for row in body.rows:
        check_row(row, reporter)
    english = manuscript.front.lang.split("-")[0].lower() == "en"
    for start, text in passages(manuscript, converted):
        check_sentences(text, start, manuscript, reporter, english)


def passages(manuscript: Manuscript, converted: Converted) -> list[tuple[Position, str]]:
    """Each piece of running text with where it starts: the body's rows, then the summary, key
    points and FAQ."""
    found = [(row.position or (manuscript.body_first_line, 1), row.text) for row in converted.body.facts.rows]
    for fragment in converted.fragments:
        if fragment.loc and fragment.loc[0] in PROSE_FIELDS:
            found += [(fragment_start(manuscript, fragment.loc), line) for line in fragment.facts.prose]
    return found


def check_row(row: Row, reporter: Reporter) -> None:
    if row.picture is None:
        reporter.warning(row.position, "easy-read-picture", "this row has no picture",
                         "start it with one: ![what it shows](media/picture.svg) Then the sentences.")
    said = sentences(row.text)
    if len(said) > MOST_SENTENCES:
        reporter.warning(row.position, "easy-read-row", f"this row has {len(said)} sentences; "
                         f"an Easy Read row has 1 to {MOST_SENTENCES}", "split it into rows, each with its picture")


def check_sentences(text: str, start: Position, manuscript: Manuscript, reporter: Reporter, english: bool) -> None:
    """Each sentence's length and voice, and each abbreviation, where the manuscript writes it."""
    for sentence in sentences(text):
        where = manuscript.source.find(sentence.split()[0], start) or start
        words = len(words_of(sentence))
        if words > MOST_WORDS:
            reporter.warning(where, "easy-read-sentence", f"this sentence has {words} words; "
                             f"Easy Read keeps to {MOST_WORDS}", "split it in two")
        passive = PASSIVE.search(sentence) if english else None
        if passive:
            reporter.warning(where, "easy-read-passive", f"passive sentence: '{passive.group()}'",
                             "say who does it: 'The nurse takes blood', not 'Blood is taken'")
    for found in ABBREVIATION.finditer(text):
        where = manuscript.source.find(found.group(), start) or start
        reporter.warning(where, "easy-read-abbreviation", f"abbreviation '{found.group()}'",
                         "write the words out, e.g. 'your doctor' for 'GP'")
