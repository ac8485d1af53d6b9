"""The statement on every leaflet and page (SPEC §15): the other formats the article is in, and
how to ask for another, in the article's language; read from the real files."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from conftest import REPO

from pipeline.base.braille import table_for
from pipeline.base.languages import listed
from pipeline.examine.reading import normalise
from pipeline.source.theme import Theme, labels
from pipeline.verify.read_pdf import page_text

NAMES = {"": "en-GB", ".ar": "ar", ".bn": "bn", ".pl": "pl", ".ur": "ur", ".zh-Hans": "zh-Hans"}
CONTACT = ("01632 960 418", "leaflets@riverside-clinic.example")


def statement(lang: str) -> tuple[str, str]:
    """The two sentences as the language says them, the contact details in place."""
    words = labels(Theme.of(REPO), lang)
    formats = [words.plain("format-large-print"), *([words.plain("format-braille")] if table_for(lang) else []),
               words.plain("format-ebook")]
    return (words.plain("formats-statement").replace("{formats}", listed(formats, lang)),
            words.plain("ask-for-format").replace("{contact}", ", ".join(CONTACT)))


@pytest.mark.parametrize("suffix", NAMES)
def test_every_page_and_leaflet_states_its_other_formats_and_how_to_ask_in_its_language(
        built_translations: Path, suffix: str) -> None:
    import pikepdf

    lang, name = NAMES[suffix], f"b12-joint-stiffness{suffix}"
    formats, ask = statement(lang)
    assert (labels(Theme.of(REPO), lang).plain("format-braille") in formats) == (lang != "bn")  # bn has no table
    page = lxml.html.parse(str(built_translations / "output" / "web" / suffix.lstrip(".") / "b12-joint-stiffness.html"))
    said = [" ".join(p.text_content().split()) for p in page.xpath("//article//p[@class='formats' or @class='ask-format']")]
    assert said == [formats, ask]
    with pikepdf.open(built_translations / "output" / "pdf" / f"{name}.pdf") as pdf:
        back = "".join(normalise(" ".join(page_text(page) for page in pdf.pages[-2:])).split())  # the back part
    assert "".join(normalise(formats).split()) in back and "".join(normalise(ask).split()) in back
