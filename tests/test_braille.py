"""Braille files (braille/<name>.brf and .pef), read from the real files: their geometry, their
layout, their cells against liblouis's translation, and verify reading them back."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copied_with, publish
from lxml import etree

from pipeline.base.braille import BLANK, TABLES, read_back, table_for, translated
from pipeline.render.braille import ASCII_BRAILLE, Block, block_lines, cells_of_ascii
from pipeline.source.theme import Theme, labels

NECK = "b12-neck-stiffness"
PEF = "{http://www.daisy.org/ns/2008/pef}"


def with_braille(source: Path, root: Path, *names: str, extra: str = ""):
    return root, publish("build", *names, "--format", "braille", project=copied_with(source, root, extra))


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Path:
    root, result = with_braille(REPO, tmp_path_factory.mktemp("braille") / "english", NECK)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def languages(tmp_path_factory):
    return with_braille(FIXTURES / "translations", tmp_path_factory.mktemp("braille") / "languages")


def brf_pages(path: Path) -> list[list[str]]:
    """Each page's lines, as the file has them (CR LF after each line, a form feed after each page)."""
    data = path.read_bytes().decode("ascii")
    assert data.endswith("\r\n\f")
    return [page.split("\r\n")[:-1] for page in data.split("\f")[:-1]]


def english_text(cells: str) -> str:
    return read_back(cells, TABLES["en"])


def test_a_brf_page_is_40_cells_by_25_lines_numbered_in_braille_at_its_foot(english: Path) -> None:
    pages = brf_pages(english / "output" / "braille" / f"{NECK}.brf")
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        assert len(page) == 25 and all(len(line) <= 40 and set(line) <= set(ASCII_BRAILLE) for line in page)
        number_cells = translated(str(number), TABLES["en"])
        assert page[-1] == " " * (40 - len(number_cells)) + "".join(
            ASCII_BRAILLE[ord(cell) - 0x2800] for cell in number_cells)  # "#A" for 1, at the right
    assert pages[0][-1].strip() == "#A" and pages[9][-1].strip() == "#AJ"


def test_the_title_is_centred_and_the_first_page_reads_back_as_the_leaflet_begins(english: Path) -> None:
    page = brf_pages(english / "output" / "braille" / f"{NECK}.brf")[0]
    assert page[0] == " " * 38 + "#A"  # print page 1, on a line of its own: the title leaves no room for it
    title = page[1]
    assert abs(len(title) - len(title.lstrip()) - (40 - len(title.strip())) // 2) <= 0
    text = english_text(BLANK.join(cells_of_ascii(line) for line in page[1:-1]))
    assert text.strip().startswith("Can low vitamin B12 cause a stiff neck?"), text
    assert " Summary " in text and " Key points " in text, text
    summary = next(number for number, line in enumerate(page) if english_text(cells_of_ascii(line)).strip() == "Summary")
    assert page[summary - 1] == ""  # a blank line before a heading
    assert page[summary + 1].startswith("  ") and not page[summary + 2].startswith(" ")  # cell 3, runover cell 1


def test_a_table_follows_its_transcriber_s_note_row_by_row_each_cell_after_its_heading(english: Path) -> None:
    cells = "".join(BLANK.join(cells_of_ascii(line) for line in page[:-1])
                    for page in brf_pages(english / "output" / "braille" / f"{NECK}.brf"))
    flat = cells.replace(BLANK, "")
    note = translated(labels(Theme.of(REPO), "en").plain("table-note"), TABLES["en"]).replace(BLANK, "")
    heads = ["What to look at", "Stiff neck linked to low B12", "Stiff neck from a strained muscle"]
    rows = [["Main cause", "Damage to the spinal cord or nerves", "A pulled muscle, poor posture, overuse or an injury"]]
    start = flat.index(note)
    for row in rows:
        place = start
        for heading, value in zip(heads, row, strict=True):
            pair = (translated(f"{heading}:", TABLES["en"]) + BLANK + translated(value, TABLES["en"])).replace(BLANK, "")
            place = flat.index(pair, place)  # raises when a cell is not after its heading, in order


def test_the_pef_holds_the_brf_s_cells_in_unicode_braille(english: Path) -> None:
    pages = brf_pages(english / "output" / "braille" / f"{NECK}.brf")
    tree = etree.parse(str(english / "output" / "braille" / f"{NECK}.pef"))
    root = tree.getroot()
    assert root.tag == f"{PEF}pef" and root.get("version") == "2008-1"
    assert tree.findtext(".//{http://purl.org/dc/elements/1.1/}language") == "en-GB"  # the manuscript's lang
    volume = root.find(f"{PEF}body/{PEF}volume")
    assert (volume.get("cols"), volume.get("rows")) == ("40", "25")
    pef_pages = [[row.text or "" for row in page.iter(f"{PEF}row")] for page in volume.iter(f"{PEF}page")]
    assert pef_pages == [[cells_of_ascii(line) for line in page] for page in pages]


def test_verify_reads_the_braille_back_and_finds_a_wrong_file(english: Path, tmp_path: Path) -> None:
    verified = publish("verify", NECK, project=english)
    assert "braille" in verified.output and "[braille]" not in verified.output, verified.output
    root = tmp_path / "wrong"
    shutil.copytree(english, root)
    other, _ = with_braille(REPO, tmp_path / "other", "b12-joint-stiffness")
    shutil.copy(other / "output" / "braille" / "b12-joint-stiffness.brf", root / "output" / "braille" / f"{NECK}.brf")
    wrong = publish("verify", NECK, project=root)
    assert wrong.exit_code == 1
    assert f"difference: {NECK} [braille] title: expected 'Can low vitamin B12 cause a stiff neck?', found 'not there'" \
        in wrong.output, wrong.output
    (root / "output" / "braille" / f"{NECK}.brf").unlink()
    gone = publish("verify", NECK, project=root)
    assert f"[braille] file: expected 'output/braille/{NECK}.brf', found 'missing'" in gone.output


def test_every_language_with_a_table_gets_six_dot_braille_that_verify_reads(languages) -> None:
    root, result = languages
    assert result.exit_code == 0, result.output
    made = sorted(path.name for path in (root / "output" / "braille").iterdir())
    assert made == sorted(f"b12-joint-stiffness{lang}.{kind}" for lang in ("", ".ar", ".pl", ".ur", ".zh-Hans")
                          for kind in ("brf", "pef"))
    verified = publish("verify", project=root)  # web, PDF and EPUB were not built: only braille matters here
    assert "braille" in verified.output and "[braille]" not in verified.output, verified.output


def test_a_language_without_a_table_is_a_warning_at_its_lang_and_no_braille(languages) -> None:
    root, _result = languages
    checked = publish("check", "b12-joint-stiffness.bn", project=root)
    line = next(number for number, text in enumerate(
        (root / "manuscripts" / "b12-joint-stiffness.bn.md").read_text(encoding="utf-8").splitlines(), start=1)
        if text.startswith("lang:"))
    assert re.search(rf"b12-joint-stiffness\.bn\.md:{line}:\d+: warning: no braille table for 'bn': this article "
                     r"has no braille files", checked.output), checked.output
    told = json.loads(publish("check", "b12-joint-stiffness.bn", "--format", "json", project=root).stdout)
    assert [(d["line"], d["code"]) for d in told["diagnostics"] if d["code"].startswith("braille")] \
        == [(line, "braille-table")]
    assert not (root / "output" / "braille" / "b12-joint-stiffness.bn.brf").exists()


def test_a_project_names_its_own_table_and_the_braille_follows(english: Path, tmp_path: Path) -> None:
    root, result = with_braille(REPO, tmp_path / "own", NECK, extra="braille:\n  tables: {en: en-ueb-g1.ctb}\n")
    assert result.exit_code == 0, result.output
    contracted = (english / "output" / "braille" / f"{NECK}.brf").read_bytes()
    uncontracted = (root / "output" / "braille" / f"{NECK}.brf").read_bytes()
    assert b"VITAMIN" in uncontracted and b"VITAMIN" not in contracted  # grade 1 spells what grade 2 contracts
    assert table_for("en", {"en": "en-ueb-g1.ctb"}) == "en-ueb-g1.ctb" and table_for("zh-Hans-CN") == "zh-chn.ctb"
    config = root / "manuscripts" / "publication.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("en-ueb-g1.ctb", "en-none.ctb"), encoding="utf-8")
    refused = publish("check", project=root)
    assert refused.exit_code == 1
    assert re.search(r"publication\.yaml:\d+:\d+: error: liblouis has no braille table 'en-none\.ctb' \(for 'en'\)",
                     refused.output), refused.output


def test_lines_break_between_words_hang_where_asked_and_divide_a_word_longer_than_a_line() -> None:
    word = translated("https://www.example.org/a-very-long-address-of-a-page/", TABLES["en"])
    block = Block(translated("See", TABLES["en"]) + BLANK + word + BLANK + translated("for more.", TABLES["en"]), 0, 2)
    lines = block_lines(block, 20)
    assert all(len(line) <= 20 for line in lines) and lines[1].startswith(BLANK * 2)
    assert "".join(lines).replace(BLANK, "") == block.cells.replace(BLANK, "")  # nothing lost, nothing added


SENTENCES = {
    "en": "Can low vitamin B12 cause a stiff neck? Ask your doctor [1].",
    "de": "Kann ein Mangel an Vitamin B12 steife Gelenke verursachen? Fragen Sie Ihre Ärztin.",
    "fr": "Une carence en vitamine B12 peut-elle raidir la nuque ? Demandez à votre médecin.",
    "es": "¿Puede la falta de vitamina B12 causar rigidez? Pregunte a su médico.",
    "pt": "A falta de vitamina B12 pode causar rigidez? Pergunte ao seu médico.",
    "pl": "Czy niedobór witaminy B12 może powodować sztywność stawów? Zapytaj lekarza.",
    "tr": "B12 vitamini eksikliği eklem sertliğine neden olabilir mi? Doktorunuza sorun.",
    "ar": "هل يمكن أن يسبب نقص فيتامين B12 تيبس المفاصل؟ اسأل طبيبك [1].",
    "ur": "کیا وٹامن B12 کی کمی سے جوڑ اکڑ سکتے ہیں؟ اپنے ڈاکٹر سے پوچھیں [1]۔",
    "zh-hans": "维生素B12缺乏会导致关节僵硬吗？请咨询您的医生。",
    "hi": "क्या विटामिन B12 की कमी से जोड़ों में अकड़न हो सकती है? अपने डॉक्टर से पूछें।",
    "gu": "શું વિટામિન B12 ની ઉણપથી સાંધા જકડાઈ શકે? તમારા ડૉક્ટરને પૂછો.",
    "pa": "ਕੀ ਵਿਟਾਮਿਨ B12 ਦੀ ਘਾਟ ਨਾਲ ਜੋੜ ਅਕੜ ਸਕਦੇ ਹਨ? ਆਪਣੇ ਡਾਕਟਰ ਨੂੰ ਪੁੱਛੋ।",
}


@pytest.mark.parametrize("lang", sorted(TABLES))
def test_every_table_we_ship_writes_its_language_in_six_dots_and_reads_it_back(lang: str) -> None:
    from pipeline.base.braille import eight_dot

    cells = translated(SENTENCES[lang] + " עברית 👍", TABLES[lang])  # another script and an emoji, spelt in Latin
    assert cells and not eight_dot(cells)
    assert read_back(cells, TABLES[lang]).strip()


def test_the_page_offers_its_braille_files_where_its_language_has_a_table(built_translations: Path) -> None:
    output = built_translations / "output"
    for name, page in (("b12-joint-stiffness.ar", "web/ar/b12-joint-stiffness.html"),
                       ("b12-joint-stiffness", "web/b12-joint-stiffness.html")):
        links = etree.parse(str(output / page), etree.HTMLParser()).xpath("//section[@id='downloads']//a/@href")
        offered = [link for link in links if link.endswith((".brf", ".pef"))]
        assert [link.rsplit("/", 1)[-1] for link in offered] == [f"{name}.brf", f"{name}.pef"], page
        for link in offered:  # each link reaches a copy of the braille file itself
            copy = (output / page).parent / link
            assert copy.read_bytes() == (output / "braille" / link.rsplit("/", 1)[-1]).read_bytes()
    bengali = etree.parse(str(output / "web/bn/b12-joint-stiffness.html"), etree.HTMLParser())
    assert not [link for link in bengali.xpath("//a/@href") if link.endswith((".brf", ".pef"))]
