"""Words rare in their language, by wordfreq's frequency lists, each found where it is first written.

Examination keeps every word below MOST_COMMON_RARE_WORD with its frequency and place; the
publication's threshold and glossary pick the warnings from them afterwards (examine/verdicts),
so that changing either never converts an article again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.check.readability import PROSE_FIELDS
from pipeline.convert.conversion import Converted, fragment_start
from pipeline.convert.positions import blank_out
from pipeline.source.manuscript import Manuscript
from pipeline.source.publication import MOST_COMMON_RARE_WORD

# The Zipf frequency below which a word is rare, unless publication.yaml says otherwise. Two
# (once in 10 million words) where wordfreq has a large list and words take few endings; one where
# endings and joined words make each form rarer (Polish, Arabic, Bangla...); none where wordfreq
# has only its small list, which stops at about once in a million: any word past it reads 0.
USUAL_RARE_BELOW = {**dict.fromkeys(("en", "es", "fr", "pt", "it", "nl", "de", "ca", "sv", "nb", "zh"), 2.0),
                    **dict.fromkeys(("pl", "ru", "uk", "cs", "fi", "ar", "bn", "he", "mk", "ja"), 1.0)}

POSSESSIVE = re.compile(r"['’]s$")  # the div's: the word is "div"


@dataclass(frozen=True)
class RareWord:
    """A word of the article, as wordfreq reads it (casefolded), with its frequency and first place."""

    word: str
    zipf: float  # log10 of its uses per billion words: 3 is once in a million
    position: tuple[int, int]


def rare_words(manuscript: Manuscript, converted: Converted) -> tuple[RareWord, ...]:
    """Every word of the running text below MOST_COMMON_RARE_WORD in the article's language, once."""
    language = wordfreq_language(manuscript.front.lang)
    if language is None:
        return ()
    import wordfreq  # noqa: PLC0415 - its lists load per language, on first use

    blanked = blank_out(manuscript.source.text)
    found: dict[str, RareWord] = {}
    for fragment in converted.fragments:
        if fragment.loc and (fragment.loc[0] not in PROSE_FIELDS or fragment.loc[-1] == "title"):
            continue
        start = manuscript.source.offset(*fragment_start(manuscript, fragment.loc))
        for token in wordfreq.tokenize("\n".join(fragment.facts.prose), language):
            word = POSSESSIVE.sub("", token)
            if word in found or not is_word(word):
                continue
            zipf = wordfreq.zipf_frequency(word, language)
            if zipf < MOST_COMMON_RARE_WORD:
                offset = first_use(word, blanked, start)
                found[word] = RareWord(word, zipf, manuscript.source.position(offset))
    return tuple(found.values())


def is_word(token: str) -> bool:
    """A word to look up: letters, not a number or code (B12, 5mg), a file name or address
    (gone.png), a symbol or emoji, nor a lone letter of an alphabet."""
    return (any(c.isalpha() for c in token) and not any(c.isdigit() or c in "./_@" for c in token)
            and (len(token) > 1 or not token.isascii()))


def first_use(word: str, text: str, start: int) -> int:
    """Where the word is first written at or after `start`, whatever its case; `start` if not found."""
    found = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.IGNORECASE).search(text, start)
    if found is None:  # Chinese is written without spaces, and wordfreq may have folded the spelling
        found = re.compile(re.escape(word), re.IGNORECASE).search(text, start)
    return found.start() if found else start


@lru_cache(maxsize=None)
def wordfreq_language(lang: str) -> str | None:
    """The wordfreq list a language tag reads, None when wordfreq has none for it."""
    import wordfreq  # noqa: PLC0415

    language = lang.split("-")[0].lower()
    if language not in wordfreq.available_languages():
        return None
    if language == "zh":
        quiet_chinese_tokenizer()
    return language


def quiet_chinese_tokenizer() -> None:
    """Give wordfreq its Chinese tokenizer ready-made: jieba would otherwise log to stderr and
    write a cache file to the system's temporary folder, outside output/."""
    import jieba  # noqa: PLC0415
    from wordfreq import chinese  # noqa: PLC0415

    if chinese.jieba_tokenizer is None:
        tokenizer = jieba.Tokenizer(dictionary=chinese.DICT_FILENAME)
        tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(tokenizer.get_dict_file())
        tokenizer.initialized = True
        chinese.jieba_tokenizer = tokenizer


def preload_word_list(lang: str) -> None:
    import wordfreq  # noqa: PLC0415

    wordfreq.zipf_frequency("a", wordfreq_language(lang))


def usual_rare_below(lang: str) -> float:
    return USUAL_RARE_BELOW.get(lang.split("-")[0].lower(), 0.0)


def rare_word_problems(found: tuple[RareWord, ...], below: float, glossary: frozenset[str]) -> list[RareWord]:
    """The words rarer than `below` that the glossary does not list."""
    return [rare for rare in found if rare.zipf < below and rare.word.casefold() not in glossary]
