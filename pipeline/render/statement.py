"""The statement on every leaflet and page (SPEC §15): the other formats the article is published
in, named in its language, for the Accessible Information Standard's "ask us for another"."""

from __future__ import annotations

from pipeline.base.braille import table_for
from pipeline.base.languages import listed
from pipeline.source.publication import Publication
from pipeline.source.theme import Labels


def other_formats(lang: str, publication: Publication, labels: Labels) -> str:
    """Large print and the e-book always; braille where the language has a braille table."""
    names = [labels.plain("format-large-print")]
    if table_for(lang, publication.braille.tables):
        names.append(labels.plain("format-braille"))
    names.append(labels.plain("format-ebook"))
    return listed(names, lang)
