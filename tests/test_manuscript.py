"""Loading and parsing a manuscript: positions, typed fields, and pandoc's reading of each part."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from conftest import REPO

from pipeline.base.diagnostics import Reporter
from pipeline.check.readability import measures, prose
from pipeline.convert.conversion import convert
from pipeline.source.manuscript import load_manuscript
from pipeline.source.text import SourceText

STYLE = REPO / "styles" / "numeric.csl"


def load(path: Path):
    reporter = Reporter(path)
    manuscript = load_manuscript(path, reporter)
    assert reporter.diagnostics == []
    return manuscript


def test_source_text_maps_offsets_to_lines_and_columns() -> None:
    source = SourceText("ab\ncd\n\nef")
    assert source.position(0) == (1, 1)
    assert source.position(4) == (2, 2)
    assert source.position(7) == (4, 1)
    assert source.offset(4, 2) == 8
    assert source.find("e", (2, 1)) == (4, 1)
    assert source.find("a", (2, 1)) is None


def test_front_matter_is_typed() -> None:
    manuscript = load(REPO / "manuscripts" / "b12-joint-stiffness.md")
    front = manuscript.front
    assert manuscript.slug == "b12-joint-stiffness"
    assert front.review_date == datetime.date(2027, 11, 20)
    assert front.version == "4"
    assert [item.question for item in front.faq][0] == "Does low B12 inflame the joints directly?"
    assert front.references[0].model_extra["URL"].startswith("https://ods.od.nih.gov/")
    assert manuscript.body.startswith("\nVitamin B12 helps your nerves work")
    assert manuscript.source.text.split("\n")[manuscript.body_first_line - 1] == ""


def test_each_markdown_field_is_read_on_its_own(tmp_path: Path) -> None:
    """An open fence in the summary must not swallow the key points or the body."""
    text = (REPO / "tests" / "fixtures" / "base" / "manuscripts" / "ok.md").read_text()
    path = tmp_path / "fences.md"
    path.write_text(text.replace("summary: A short summary", "summary: |\n  ::: open\n\n  A short summary"))
    parsed = convert(load(path), STYLE)
    summary = parsed.summary
    assert summary.part.html.startswith('<div class="open">')
    assert summary.facts.text == "A short summary that cites a source [1]."
    assert parsed.key_points[0][1].facts.text == "The point is short."
    tables = parsed.body.facts.tables
    assert tables[0].caption == "A table with a caption"
    assert (tables[0].head, tables[0].body) == ((("Name", "Value"),), (("One", "1"),))



def test_fields_written_in_one_pandoc_call_come_apart_whole(tmp_path: Path) -> None:
    """parts.lua writes every field's HTML in one call and cuts it at markers. A field whose own raw
    HTML holds the marker makes it write each on its own; a field with footnotes is always
    written alone, so that its notes are numbered from 1 under its own prefix."""
    text = (REPO / "tests" / "fixtures" / "base" / "manuscripts" / "ok.md").read_text()
    text = text.replace("answer: Yes, it is.", "answer: |\n      Yes, it is.[^a]\n\n      [^a]: An answer's note.")
    path = tmp_path / "together.md"
    path.write_text(text + "\nA body note.[^b]\n\n[^b]: The body's note.\n")
    together = convert(load(path), STYLE)
    path.write_text(path.read_text().replace("summary: A short summary",
                                             "summary: |\n  <!--parts.lua: next piece-->\n\n  A short summary"))
    alone = convert(load(path), STYLE)
    for parsed in (together, alone):
        assert parsed.title.part.html == "A valid article"
        assert parsed.summary.part.html.lstrip().startswith("<p>A short summary that cites a source <span")
        assert parsed.key_points[0][0].part.html == "One point"
        assert parsed.key_points[0][1].part.html == "The point is short."
        assert parsed.faq[0][0].part.html == "Is this a question?"
        assert 'id="faq-0-answer-fn1"' in parsed.faq[0][1].part.html
        assert 'id="fn1"' in parsed.body.part.html and "The body’s note." in parsed.body.part.html
        assert parsed.references[0].html == 'A source. <a href="https://example.org/">https://example.org/</a>.'
    # the same HTML, but for the marker (a comment, which the sanitiser removes) in the summary
    assert together.summary.part.html == alone.summary.part.html.lstrip()
    assert [f.part for f in together.fragments[2:]] == [f.part for f in alone.fragments[2:]]
def test_a_citations_items_print_in_the_order_of_their_numbers(tmp_path: Path) -> None:
    """The reader orders a citation's items by first citation (numeric.csl has no <sort>, which
    would cost citeproc its collation tables); each number still links to its own reference."""
    text = (REPO / "tests" / "fixtures" / "base" / "manuscripts" / "ok.md").read_text()
    more = "".join(f"  - id: {key}\n    type: webpage\n    title: Source {key}\n" for key in ("second", "third"))
    text = text.replace("disclaimer: medical", more + "disclaimer: medical")
    path = tmp_path / "order.md"
    path.write_text(text + "\nLater sources [@third; @second; @source]. Again [@second; @source; @second].\n")
    body = convert(load(path), STYLE).body
    # @source is 1 (the summary cites it); @third, first cited before @second, is 2
    assert body.facts.text.endswith("Later sources [1, 2, 3]. Again [1, 3, 3].")
    hrefs = re.findall(r'href="#ref-([a-z]+)"', body.part.html)
    assert hrefs == ["source", "third", "second", "source", "second", "second"]


def test_citations_are_found_in_every_field() -> None:
    parsed = convert(load(REPO / "manuscripts" / "b12-tests-and-treatment.md"), STYLE)
    cited_in = {fragment.loc[0] if fragment.loc else "body" for fragment in parsed.fragments
                if fragment.facts.cited_keys}
    assert cited_in == {"key-points", "faq", "body"}


def test_prose_leaves_out_tables_and_citations() -> None:
    parsed = convert(load(REPO / "manuscripts" / "b12-tests-and-treatment.md"), STYLE)
    text = prose(parsed)
    assert "Subacute combined degeneration" not in text  # a glossary cell
    assert "@nih" not in text and "[" not in text
    assert "Tell your doctor if your symptoms come back before your next injection is due." in text


def test_readability_uses_a_formula_for_the_language(tmp_path: Path) -> None:
    base = (REPO / "tests" / "fixtures" / "base" / "manuscripts" / "ok.md").read_text()
    hard = "Notwithstanding considerable variability, cobalamin insufficiency characteristically precipitates demyelination."
    found = {}
    for lang in ("en-GB", "es", "fr", "ro"):
        path = tmp_path / f"{lang}.md"
        path.write_text(base.replace("lang: en-GB", f"lang: {lang}").replace("The body is short.", hard))
        found[lang] = measures(convert(load(path), STYLE), lang)
    assert found["en-GB"][0].name == "Flesch-Kincaid grade" and found["en-GB"][0].value > 10
    assert found["es"][0].name == "Crawford grade"
    assert found["fr"][0].name == "Kandel-Moles reading ease" and found["fr"][0].scale == "ease"
    assert [m.scale for m in found["ro"]] == ["words", "percent"]  # no formula: sentence and word length


def test_fast_syllable_counts_match_textstats_own_dictionary() -> None:
    """The reading grade loads syllable counts instead of textstat's phone lists: same numbers."""
    import subprocess
    import sys

    text = " ".join((REPO / "manuscripts" / f"{slug}.md").read_text() for slug in
                    ("b12-joint-stiffness", "b12-neck-stiffness", "b12-tests-and-treatment"))
    code = ("import sys; from textstat.backend.counts._count_syllables import count_syllables; "
            "text = sys.stdin.read(); {patch} print(count_syllables(text, 'en'))")
    counts = [subprocess.run([sys.executable, "-c", code.format(patch=patch)], input=text, capture_output=True,
                             text=True, check=True).stdout.strip()
              for patch in ("", "from pipeline.check.readability import use_syllable_counts; use_syllable_counts();")]
    assert counts[0] == counts[1] and int(counts[0]) > 5000
