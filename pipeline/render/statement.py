"""The statement on every leaflet and page (SPEC §15): the other formats the article is published
in, named in its language, for the Accessible Information Standard's "ask us for another"."""

from __future__ import annotations

from pipeline.base.braille import table_for
from pipeline.base.languages import listed
from pipeline.source.publication import Publication
from pipeline.source.theme import Labels


def other_formats(lang: str, publication: Publication, labels: Labels, easy_read: bool = False) -> str:
    """Large print and the e-book always; braille where the language has a braille table; Easy
    Read where the article has an Easy Read edition in the language."""
    names = [labels.plain("format-large-print")]
    if easy_read:
        names.append(labels.plain("format-easy-read"))
    if table_for(lang, publication.braille.tables):
        names.append(labels.plain("format-braille"))
    names.append(labels.plain("format-ebook"))
    return listed(names, lang)


def has_easy_read(document, editions) -> bool:
    """Whether an article (not itself Easy Read) has a published Easy Read edition in its language."""
    return bool(editions and editions.counterpart) and not document.easy_read
