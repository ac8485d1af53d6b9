"""Easy Read editions (SPEC §15): built as a leaflet, a page and a chapter from
tests/fixtures/easy-read (b12-tests-and-treatment with its Easy Read edition in English and
Arabic), read back from the real files; and the warnings `publish check` gives an edition that
is not Easy Read, each where it is written."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import lxml.html
import pdfplumber
import pytest
from conftest import BASE_PROJECT, FIXTURES, build_copy, copied_with, publish
from test_braille import english_text

from pipeline.base.braille import TABLES
from pipeline.verify.read_braille import braille_cells

NAME = "b12-tests-and-treatment.easy-read"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_copy(FIXTURES / "easy-read", tmp_path_factory.mktemp("easy-read"))


MASTHEAD = 120  # points from the top: the logo's drawing is above this, the rows' pictures below


def rows_on_first_page(pdf_path: Path) -> list[tuple[tuple[float, float], list[dict]]]:
    """Each picture of the first page (its drawing's x extent; the pictures are SVG, drawn as
    curves) with the words beside it: those whose top is level with it."""
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        words = page.extract_words(extra_attrs=["size"])
        drawn = sorted((c for c in page.curves if c["top"] > MASTHEAD), key=lambda c: c["top"])
    pictures: list[list[dict]] = []
    for curve in drawn:  # curves that overlap down the page are one picture
        if pictures and curve["top"] <= max(c["bottom"] for c in pictures[-1]) + 10:
            pictures[-1].append(curve)
        else:
            pictures.append([curve])
    return [((min(c["x0"] for c in picture), max(c["x1"] for c in picture)),
             [w for w in words if min(c["top"] for c in picture) - 30 <= w["top"] <= max(c["bottom"] for c in picture)])
            for picture in pictures]


def test_the_leaflet_sets_each_row_beside_its_picture_at_16_pt_or_more(built: Path) -> None:
    for name, picture_side in ((NAME, "left"), (NAME + ".ar", "right")):
        rows = rows_on_first_page(built / "output" / "pdf" / f"{name}.pdf")
        assert len(rows) >= 3, name
        for (left, right), words in rows:
            assert words, f"{name}: no text beside a picture"
            assert min(w["size"] for w in words) >= 16 - 0.01
            if picture_side == "left":
                assert right <= min(w["x0"] for w in words)
            else:
                assert left >= max(w["x1"] for w in words)


def test_large_print_is_larger_still(built: Path) -> None:
    rows = rows_on_first_page(built / "output" / "pdf" / f"{NAME}.large-print.pdf")
    assert rows and all(min(w["size"] for w in words) >= 20 - 0.01 for _picture, words in rows if words)


def test_the_page_and_its_article_link_each_other_and_the_statement_names_easy_read(built: Path) -> None:
    web = built / "output" / "web"
    easy = lxml.html.parse(str(web / f"{NAME}.html")).getroot()
    full = lxml.html.parse(str(web / "b12-tests-and-treatment.html")).getroot()
    assert easy.xpath("//article[@class='easy-read']") and not full.xpath("//article[@class='easy-read']")
    assert easy.xpath("//p[@class='counterpart']/a/@href") == ["b12-tests-and-treatment.html"]
    assert full.xpath("//p[@class='counterpart']/a/@href") == [f"{NAME}.html"]
    assert "Easy Read" in full.xpath("string(//p[@class='formats'])")
    assert "Easy Read" not in easy.xpath("string(//p[@class='formats'])")  # the statement names the others
    arabic = lxml.html.parse(str(web / "ar" / f"{NAME}.html")).getroot()  # no Arabic article to link to
    assert not arabic.xpath("//p[@class='counterpart']")


def test_verify_reads_every_easy_read_output_back(built: Path) -> None:
    result = publish("verify", project=built)
    assert result.exit_code == 0, result.output
    assert re.search(r"^verified 3 articles in \d+ outputs .*: \d+ elements checked, 0 differences$", result.output,
                     flags=re.M), result.output


def test_the_a_to_z_and_the_index_list_it_marked_as_easy_read(built: Path) -> None:
    a_to_z = lxml.html.parse(str(built / "output" / "web" / "a-z.html")).getroot()
    entry = a_to_z.xpath(f"//li[@id='a-z-{NAME}']")[0]
    assert entry.xpath("a/@href") == [f"{NAME}.html"]
    assert entry.xpath("string(span[@class='easy-read-mark'])") == "(Easy Read)"
    index = lxml.html.parse(str(built / "output" / "web" / "index.html")).getroot()
    marked = index.xpath("//ul[@class='article-list']//h2[span[@class='easy-read-mark']]/a/@href")
    assert marked == [f"{NAME}.html"]


def test_a_booklet_that_names_it_holds_it_as_a_chapter(built: Path) -> None:
    with zipfile.ZipFile(built / "output" / "epub" / "vitamin-b12-easy-read.epub") as epub:
        chapter = epub.read(f"EPUB/{NAME}.xhtml").decode()
    with zipfile.ZipFile(built / "output" / "epub" / "vitamin-b12.epub") as epub:
        assert not [n for n in epub.namelist() if "easy-read" in n]  # not in the booklet of the full articles
    assert 'class="chapter easy-read"' in chapter and "Vitamin B12 is in food." in chapter


def easy_read_project(root: Path, body: str, summary: str = "summary: It is easy.\n") -> Path:
    """The base project with an Easy Read edition of ok.md whose body is `body`."""
    copied_with(BASE_PROJECT, root)
    (root / "manuscripts" / "ok.easy-read.md").write_text(
        "---\ntitle: An easy article\nlang: en-GB\ndate: 2026-01-10\nreview-date: 2099-01-10\n"
        f"{summary}disclaimer: medical\n---\n\n{body}\n")
    return root


BAD = """![A doctor](media/dot.png) See your GP about it.

Your body needs vitamins to stay well.

![A test](media/dot.png) The blood is tested by a nurse at the clinic.

![A plate](media/dot.png) Eat many different kinds of food every single day of the week so that your body gets enough.

![A plate](media/dot.png) Eat food. Drink water. Sleep well. Walk a bit.

![A thing](media/dot.png) We measure homocysteine.

| Food | Amount |
|---|---|
| Eggs | 1 |
"""


def test_check_warns_at_each_row_sentence_and_word_that_is_not_easy_read(tmp_path: Path) -> None:
    result = publish("check", "ok.easy-read", project=easy_read_project(tmp_path / "p", BAD))
    found = re.findall(r"^manuscripts/ok\.easy-read\.md:(\d+):(\d+): warning: (.*)$", result.output, flags=re.M)
    told = {(int(line), int(column), message.split(":")[0]) for line, column, message in found}
    assert {
        (10, 37, "abbreviation 'GP'"),
        (12, 1, "this row has no picture"),
        (14, 26, "passive sentence"),
        (16, 27, "this sentence has 18 words; Easy Read keeps to 15"),
        (18, 1, "this row has 4 sentences; an Easy Read row has 1 to 3"),
        (20, 38, "'homocysteine' is rare in English (Zipf frequency 2.2, below 3)"),
        (22, 1, "a table in an Easy Read edition"),
    } <= told, result.output
    assert "Easy Read edition has never been accepted against ok.md" in result.output


def test_an_easy_read_edition_may_go_without_a_summary(tmp_path: Path) -> None:
    root = easy_read_project(tmp_path / "p", "![A doctor](media/dot.png) Talk to your doctor.", summary="")
    accepted = publish("translations", "--accept", "ok.easy-read", project=root)
    assert accepted.exit_code == 0 and accepted.output.endswith("0 translations and 1 Easy Read edition: 1 up to date\n")
    result = publish("build", "ok.easy-read", "--format", "web,braille", project=root)
    assert result.exit_code == 0 and "summary" not in result.output, result.output
    page = lxml.html.parse(str(root / "output" / "web" / "ok.easy-read.html")).getroot()
    assert not page.xpath("//*[@id='summary']") and "Talk to your doctor." in page.xpath("string(//article)")
    text = english_text(braille_cells(root / "output" / "braille" / "ok.easy-read.brf", TABLES["en"]))
    assert " ".join(text.split()).startswith("An easy article Talk to your doctor."), text  # no Summary between
    article = root / "manuscripts" / "ok.md"  # an article still needs one
    article.write_text(re.sub(r"(?m)^summary:.*\n", "", article.read_text()))
    assert "error: missing required field 'summary'" in publish("check", "ok", project=root).output


def test_an_easy_read_edition_needs_the_article_it_is_made_from(tmp_path: Path) -> None:
    root = easy_read_project(tmp_path / "p", "![A doctor](media/dot.png) Talk to your doctor.")
    (root / "manuscripts" / "ok.easy-read.md").rename(root / "manuscripts" / "okay.easy-read.md")
    result = publish("check", project=root)
    assert ("manuscripts/okay.easy-read.md:1:1: error: 'okay.easy-read.md' is an Easy Read edition, but the "
            "article it is made from, okay.md, does not exist") in result.output


def test_an_edition_past_24_pages_is_a_warning_at_its_title(tmp_path: Path) -> None:
    rows = "\n\n".join(f"![A picture]({'media/dot.png'}) This is row {n}. It says one thing." for n in range(220))
    root = easy_read_project(tmp_path / "p", rows)
    publish("translations", "--accept", "ok.easy-read", project=root)
    result = publish("build", "ok.easy-read", "--format", "pdf", project=root)
    assert re.search(r"^manuscripts/ok\.easy-read\.md:2:8: warning: the Easy Read leaflet has (2[5-9]|[3-9]\d) pages; "
                     r"an Easy Read edition keeps to 24", result.output, flags=re.M), result.output


def test_names_of_easy_read_editions() -> None:
    from pipeline.output.layout import counterpart, page, source_of, split_name

    assert split_name("b12.easy-read") == ("b12.easy-read", None)
    assert split_name("b12.easy-read.zh-Hans") == ("b12.easy-read", "zh-Hans")
    assert split_name("b12.ar") == ("b12", "ar")
    assert [source_of(n) for n in ("b12", "b12.ar", "b12.easy-read", "b12.easy-read.ar")] == \
        [None, "b12", "b12", "b12.easy-read"]
    assert counterpart("b12.ar") == "b12.easy-read.ar" and counterpart("b12.easy-read.ar") == "b12.ar"
    assert page("b12.easy-read.ar") == "web/ar/b12.easy-read.html"


@pytest.mark.slow
def test_the_easy_read_booklet_is_clean_under_epubcheck_and_ace(built: Path, tmp_path: Path) -> None:
    from pipeline.review.gates import ace_violations, epubcheck_messages

    booklet = built / "output" / "epub" / "vitamin-b12-easy-read.epub"
    assert epubcheck_messages(booklet) == "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos"
    assert ace_violations(booklet, tmp_path) == []


ROWS = """() => {
  const found = [];
  const pictures = [...document.querySelectorAll('p > img:first-child')];
  for (const picture of pictures) {  // the row's words start beside its picture, not under it
    const words = document.createRange();
    words.setStartAfter(picture);
    words.setEndAfter(picture.parentNode.lastChild);
    const first = words.getClientRects()[0];
    if (!first || first.left < picture.getBoundingClientRect().right) found.push('under: ' + picture.alt);
  }
  for (const element of document.querySelectorAll('h2, section, aside')) {  // nothing starts beside a picture above it
    const top = element.getBoundingClientRect().top;
    for (const picture of pictures) {
      const box = picture.getBoundingClientRect();
      if (box.top < top && box.bottom > top + 1) found.push('beside: ' + element.textContent.trim().slice(0, 40));
    }
  }
  return found;
}"""


def test_the_page_and_the_chapter_keep_each_row_beside_its_picture_and_apart_from_the_next(built: Path, page,
                                                                                              tmp_path: Path) -> None:
    with zipfile.ZipFile(built / "output" / "epub" / "vitamin-b12-easy-read.epub") as epub:
        epub.extractall(tmp_path)
    for document in (built / "output" / "web" / f"{NAME}.html", tmp_path / "EPUB" / f"{NAME}.xhtml"):
        page.goto(document.as_uri())
        assert page.evaluate("document.querySelectorAll('p > img:first-child').length") == 7
        assert page.evaluate(ROWS) == [], document.name
