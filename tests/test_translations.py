"""Translations (SPEC §9): names, structure against the source, currency, and their outputs in
every script and direction. The fixture holds one source and its ar, ur, bn and zh-Hans translations."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import lxml.html
import pikepdf
import pypdfium2
import pytest
import yaml
from conftest import FIXTURES, publish

from pipeline.base.fonts import drawable
from pipeline.source.theme import Theme, labels

TRANSLATIONS = FIXTURES / "translations"
SOURCE = "b12-joint-stiffness"


@pytest.fixture
def translated(tmp_path: Path) -> Path:
    root = tmp_path / "translated"
    shutil.copytree(TRANSLATIONS / "manuscripts", root / "manuscripts")
    return root


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def manuscript(root: Path, lang: str | None = None) -> Path:
    return root / "manuscripts" / (f"{SOURCE}.{lang}.md" if lang else f"{SOURCE}.md")


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_the_fixture_checks_clean_and_every_translation_is_current(translated):
    result = publish("check", project=translated)
    assert result.exit_code == 0, result.output
    # Bengali alone has no braille table (docs/publication.md#braille): its one warning.
    assert "checked 6 manuscripts: 0 errors, 1 warning" in result.output and "no braille table for 'bn'" in result.output
    listing = publish("translations", "--fail-outdated", project=translated)
    assert listing.exit_code == 0, listing.output
    assert "5 translations: 5 up to date" in listing.output


def test_a_translation_missing_a_key_point_is_a_located_error_and_the_others_still_build(translated):
    path = manuscript(translated, "ar")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("key-points:"))
    items = [i for i in range(start + 1, len(lines)) if lines[i].startswith("  - title:")]
    del lines[items[-1]:items[-1] + (items[-1] - items[-2])]  # the last key point, however many lines it has
    path.write_text("".join(lines), encoding="utf-8")
    result = publish("build", "--format", "web", project=translated)
    assert result.exit_code == 1
    assert re.search(rf"manuscripts/{SOURCE}\.ar\.md:\d+:\d+: error: this translation has 4 key points; "
                     rf"its source {SOURCE}\.md has 5", result.output), result.output
    assert (translated / "output/web/ur" / f"{SOURCE}.html").is_file()
    assert not (translated / "output/web/ar" / f"{SOURCE}.html").exists()


def test_a_table_with_a_column_less_names_the_table(translated):
    path = manuscript(translated, "bn")
    text = path.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("|")]
    for row in rows:  # drop the last column of every row
        text = text.replace(row, row[:row.rstrip("|").rstrip().rfind("|") + 1])
    path.write_text(text, encoding="utf-8")
    result = publish("check", project=translated)
    assert result.exit_code == 1
    assert re.search(rf"{path.name}:\d+:\d+: error: table 1 has 5 rows of 3 columns; in {SOURCE}\.md it has "
                     "5 rows of 4 columns", result.output), result.output


def test_lang_that_disagrees_with_the_file_name_is_located(translated):
    path = manuscript(translated, "ur")
    edit(path, "lang: ur", "lang: ar")
    result = publish("check", project=translated)
    assert f"{path.name}:{line_of(path, 'lang: ar')}:7: error: lang 'ar' disagrees with the file name, which says 'ur'" \
        in result.output, result.output


def test_a_language_without_approved_disclaimer_wording_is_an_error(translated):
    edit(translated / "manuscripts/publication.yaml", "      bn:\n", "      bn-IN-x-unused:\n")
    result = publish("check", project=translated)
    path = manuscript(translated, "bn")
    assert f"{path.name}:{line_of(path, 'disclaimer: medical')}:13: error: disclaimer 'medical' has no approved " \
        "wording in 'bn'" in result.output, result.output


TOTO = "\U0001e290\U0001e291"  # TOTO LETTER PA, TOTO LETTER BA: a script Debian's Noto core fonts lack


def test_a_script_without_an_installed_font_is_a_located_error_and_the_others_still_build(translated):
    assert not drawable(TOTO[0]), "this machine has a Toto font: choose another script for this test"
    path = manuscript(translated, "bn")
    heading = "## B12 কম, নাকি অন্য কিছু?"
    edit(path, heading, f"{heading}\n\n{TOTO} ")
    result = publish("build", "--format", "pdf", project=translated)
    assert result.exit_code == 1
    assert (f"{path.name}:{line_of(path, heading) + 2}:1: error: no installed font has '{TOTO[0]}' "
            f"(U+1E290 TOTO LETTER PA); nor 1 more of its characters: '{TOTO[1]}' (U+1E291 TOTO LETTER BA): "
            "install a font for this script") in result.output, result.output
    assert (translated / "output/pdf" / f"{SOURCE}.ur.pdf").is_file()
    assert not (translated / "output/pdf" / f"{SOURCE}.bn.pdf").exists()


def test_a_disclaimer_wording_without_a_font_points_at_the_disclaimer(translated):
    edit(translated / "manuscripts/publication.yaml", "        short: শুধু সাধারণ তথ্য,", f"        short: {TOTO} শুধু সাধারণ তথ্য,")
    result = publish("check", project=translated)
    path = manuscript(translated, "bn")
    assert (f"{path.name}:{line_of(path, 'disclaimer: medical')}:13: error: no installed font has '{TOTO[0]}' "
            "(U+1E290 TOTO LETTER PA), in the disclaimer wording in publication.yaml") in result.output, result.output


def test_installing_fonts_changes_every_article_key(translated, monkeypatch):
    from pipeline.output import keys
    from pipeline.source.project import load_project

    project = load_project(translated, ())
    before = project.article_key(SOURCE, ())
    monkeypatch.setattr(keys, "installed_fonts_digest", lambda: "another set of fonts")
    assert project.article_key(SOURCE, ()) != before


def test_a_language_without_a_feedback_line_warns_and_prints_it_marked(translated):
    edit(translated / "manuscripts/publication.yaml", "  ur: اس پرچے", "  ur-x-unused: اس پرچے")
    result = publish("build", "--format", "web", project=translated)
    path = manuscript(translated, "ur")
    assert (f"{path.name}:{line_of(path, 'lang: ur')}:7: warning: publication.yaml has no feedback line in 'ur'; "
            "this translation prints it as written") in result.output, result.output
    urdu = (translated / "output/web/ur" / f"{SOURCE}.html").read_text(encoding="utf-8")
    assert '<p class="feedback"><span lang="en-GB" dir="ltr">Tell us what you think' in urdu
    arabic = (translated / "output/web/ar" / f"{SOURCE}.html").read_text(encoding="utf-8")
    assert '<p class="feedback">أخبرونا برأيكم في هذه النشرة' in arabic


def test_reading_time_counts_chinese_characters_as_words(built_translations):
    minutes = {lang: re.search(r'<p class="meta">[^<]*?(\d+)', (built_translations / "output/web" / lang / "index.html")
                               .read_text(encoding="utf-8")).group(1) for lang in ("zh-Hans", "pl")}
    assert int(minutes["zh-Hans"]) >= int(minutes["pl"]) >= 3


def test_bad_translation_file_names_are_located_errors(translated):
    shutil.copy(manuscript(translated, "ar"), translated / "manuscripts" / f"{SOURCE}.xx.md")
    shutil.copy(manuscript(translated, "ar"), translated / "manuscripts" / "no-such-source.ar.md")
    result = publish("check", project=translated)
    assert result.exit_code == 1
    assert f"{SOURCE}.xx.md:1:1: error: file name '{SOURCE}.xx.md': 'xx' is not a language this pipeline knows" \
        in result.output
    assert "no-such-source.ar.md:1:1: error: 'no-such-source.ar.md' is a translation, but its source " \
        "no-such-source.md does not exist" in result.output


def test_currency_follows_the_source_block_by_block(translated):
    source = manuscript(translated)
    edit(source, "| Less than 30 minutes, often worse after rest |", "| Less than 20 minutes, often worse after rest |")
    edit(source, "Low B12 can damage nerves and weaken muscles.", "Low B12 can harm nerves and weaken muscles.")
    listing = publish("translations", "--fail-outdated", project=translated)
    assert listing.exit_code == 1
    assert f"{SOURCE}.ar       ar        outdated: key point 1, table 1" in listing.output, listing.output
    result = publish("check", project=translated)
    ar = manuscript(translated, "ar")
    assert re.search(rf"{ar.name}:\d+:\d+: error: table 1 changed in {SOURCE}\.md since this translation was accepted",
                     result.output)  # tables are critical by default
    assert re.search(rf"{ar.name}:{line_of(ar, 'key-points:') + 1}:5: warning: key point 1 changed", result.output)
    accepted = publish("translations", "--accept", f"{SOURCE}.ar", project=translated)
    assert f"accepted {SOURCE}.ar" in accepted.output
    assert f"{SOURCE}.ar       ar        up to date" in accepted.output
    assert "table 1" in (translated / "manuscripts/translations.lock").read_text(encoding="utf-8")


def test_a_translation_with_a_structural_error_cannot_be_accepted(translated):
    edit(manuscript(translated, "zh-Hans"), "URL: https://www.nhs.uk/conditions/rheumatoid-arthritis/",
         "URL: https://www.nhs.uk/conditions/arthritis/")
    result = publish("translations", "--accept", f"{SOURCE}.zh-hans", project=translated)
    assert result.exit_code == 1
    assert "reference 6 should be 'nhs-rheumatoid-arthritis" in result.output, result.output
    assert "accepted" not in result.output


def test_several_translations_are_accepted_as_users_type_them(translated):
    """`--accept a b c` and `--accept a --accept b` both accept every name; names alone list those."""
    source = manuscript(translated)
    edit(source, "Low B12 can damage nerves and weaken muscles.", "Low B12 can harm nerves and weaken muscles.")
    names = [f"{SOURCE}.{lang}" for lang in ("ar", "ur", "bn")]
    listed = publish("translations", *names[:2], project=translated)
    assert [line.split()[0] for line in listed.output.splitlines()[:-1]] == names[:2], listed.output
    accepted = publish("translations", "--accept", *names, project=translated)
    assert accepted.exit_code == 0, accepted.output
    assert [f"accepted {name} (manuscripts/translations.lock)" for name in names] == accepted.output.splitlines()[:3]
    edit(source, "Low B12 can harm nerves and weaken muscles.", "Low B12 can hurt nerves and weaken muscles.")
    again = publish("translations", "--accept", names[0], "--accept", names[1], project=translated)
    assert "accepted " + names[0] in again.output and "accepted " + names[1] in again.output, again.output
    assert publish("translations", "--accept", project=translated).exit_code == 2


def test_an_error_in_publication_yaml_is_reported_once_not_as_every_translation_s(translated):
    edit(translated / "manuscripts/publication.yaml", "base-url: https://leaflets.example.org/", "base-url: 12")
    result = publish("check", project=translated)
    assert result.exit_code == 1
    assert "manuscripts/publication.yaml:" in result.output
    assert "its source" not in result.output and "translation-source" not in result.output, result.output
    accept = publish("translations", "--accept", f"{SOURCE}.ar", project=translated)
    assert accept.exit_code == 1
    assert [line for line in accept.output.splitlines() if "error" in line] == \
        [line for line in result.output.splitlines() if line.startswith("manuscripts/publication.yaml") and "error" in line]


def test_pages_are_linked_both_ways_in_every_direction(built_translations):
    web = built_translations / "output/web"
    arabic = (web / "ar" / f"{SOURCE}.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in arabic
    for lang in ("ar", "bn", "ur", "zh-Hans"):
        assert f'<link rel="alternate" hreflang="{lang}" href="https://leaflets.example.org/{lang}/{SOURCE}.html">' in arabic
    assert f'<a href="../{SOURCE}.html" hreflang="en-GB" lang="en-GB" dir="ltr">English</a>' in arabic
    assert '<span aria-current="page" lang="ar" dir="rtl">العربية</span>' in arabic
    assert 'href="../assets/site.css"' in arabic and '<a class="site-name" href="index.html">' in arabic  # the Arabic index
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', arabic, re.S).group(1))
    assert data["@graph"][0]["inLanguage"] == "ar"
    assert data["@graph"][0]["translationOfWork"] == {"@id": f"https://leaflets.example.org/{SOURCE}.html"}
    english = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                   (web / f"{SOURCE}.html").read_text(encoding="utf-8"), re.S).group(1))
    assert {t["inLanguage"] for t in english["@graph"][0]["workTranslation"]} == {"ar", "bn", "pl", "ur", "zh-Hans"}
    chinese = (web / "zh-Hans" / f"{SOURCE}.html").read_text(encoding="utf-8")
    assert '<h2 id="summary-title">摘要</h2>' in chinese  # zh-Hans labels, not English


def test_each_language_has_an_index_and_the_front_page_lists_the_sources(built_translations):
    web = built_translations / "output/web"
    front = lxml.html.parse(str(web / "index.html")).getroot()
    entries = front.xpath('//ul[@class="article-list"]/li')
    assert [entry.xpath(".//h2/a/@href")[0] for entry in entries] == [f"{SOURCE}.html"]
    assert {a.get("hreflang"): a.get("href") for a in entries[0].xpath('.//p[@class="entry-languages"]/a')} == {
        lang: f"{lang}/{SOURCE}.html" for lang in ("ar", "bn", "pl", "ur", "zh-Hans")}
    for lang, heading, direction in [("ar", "المقالات", "rtl"), ("ur", None, "rtl"), ("bn", None, "ltr"),
                                     ("zh-Hans", None, "ltr"), ("pl", "Artykuły", "ltr")]:
        index = lxml.html.parse(str(web / lang / "index.html")).getroot()
        assert (index.get("lang"), index.get("dir")) == (lang, direction)
        assert heading is None or index.xpath("string(//h1)") == heading
        assert index.xpath("string(//h1)") == str(labels(Theme.of(FIXTURES / "base"), lang).articles)
        assert index.xpath('//ul[@class="article-list"]//h2/a/@href') == [f"{SOURCE}.html"]
        switcher = {a.get("hreflang"): a.get("href") for a in index.xpath('//nav[@class="languages"]//a')}
        assert switcher["en-GB"] == "../index.html" and len(switcher) == 5 and lang not in switcher
        alternates = {link.get("hreflang") for link in index.xpath('//link[@rel="alternate"]')}
        assert alternates == {"en-GB", "ar", "bn", "pl", "ur", "zh-Hans"}
    page = lxml.html.parse(str(web / "ur" / f"{SOURCE}.html")).getroot()
    assert page.xpath('//a[@class="site-name"]/@href')[0] == "index.html"  # home is the Urdu index
    arabic_downloads = lxml.html.parse(str(web / "ar/index.html")).getroot().xpath('//section[@id="downloads"]//a/@href')
    assert arabic_downloads == ["../downloads/vitamin-b12-ar.epub"]


def test_leaflets_name_their_languages_and_the_source_version(built_translations):
    english = pypdfium2.PdfDocument(built_translations / "output/pdf" / f"{SOURCE}.pdf")
    text = "".join(page.get_textpage().get_text_range() for page in english).replace("\r\n", " ")
    assert "This leaflet is also available in:" in text
    for name in ("বাংলা", "中文"):
        assert name in text
    chinese = pypdfium2.PdfDocument(built_translations / "output/pdf" / f"{SOURCE}.zh-Hans.pdf")
    text = "".join(page.get_textpage().get_text_range() for page in chinese)
    assert "译自第 4 版" in text.replace("\r\n", "")


def test_an_arabic_booklet_turns_pages_right_to_left(built_translations):
    with zipfile.ZipFile(built_translations / "output/epub/vitamin-b12-ar.epub") as book:
        opf = book.read("EPUB/content.opf").decode()
        chapter = book.read(f"EPUB/{SOURCE}.ar.xhtml").decode()
    assert 'page-progression-direction="rtl"' in opf
    assert "<dc:language>ar</dc:language>" in opf
    assert 'dir="rtl"' in chapter and 'lang="ar"' in chapter


def test_verify_reads_every_script_and_direction_back(built_translations):
    result = publish("verify", project=built_translations)
    assert result.exit_code == 0, result.output
    assert "6 articles in 25 outputs" in result.output and ", 0 differences" in result.output  # braille: all but bn


def test_every_run_of_text_in_a_leaflet_states_its_characters(built_translations):
    """Urdu in Nastaliq draws several glyphs per letter; what a reader copies or hears is the
    ActualText of each run, in logical order."""
    with pikepdf.open(built_translations / "output/pdf" / f"{SOURCE}.ur.pdf") as pdf:
        shown, stated, texts = 0, 0, []
        for page in pdf.pages:
            spans = []
            for operands, operator in pikepdf.parse_content_stream(page, "BDC BMC EMC TJ Tj"):
                if str(operator) in ("BDC", "BMC"):
                    properties = operands[1] if str(operator) == "BDC" else {}
                    spans.append(str(properties["/ActualText"]) if "/ActualText" in properties else None)
                    if spans[-1] is not None:
                        texts.append(spans[-1])
                elif str(operator) == "EMC":
                    spans.pop()
                else:
                    shown += 1
                    stated += any(span is not None for span in spans)
    assert shown > 100 and stated == shown
    title = front_matter(manuscript(TRANSLATIONS, "ur"))["title"]
    assert title in texts


def test_a_changed_cell_in_an_arabic_leaflet_is_found_in_reading_order(built_translations, tmp_path):
    from pipeline.examine.project import check_project
    from pipeline.render.leaflet import lay_out, leaflet_html

    root = tmp_path / "built"
    shutil.copytree(built_translations, root)
    checked = check_project(root, (f"{SOURCE}.ar",))
    document, project = checked.good[0].document, checked.project
    html = leaflet_html(document, project.publication, "standard", "A4", project.theme)
    changed = html.replace("أقل من 30 دقيقة", "أقل من 45 دقيقة")
    assert changed != html
    leaflet = root / "output/pdf" / f"{SOURCE}.ar.pdf"
    leaflet.write_bytes(lay_out(changed, "standard", project.theme, root / "manuscripts"))
    result = publish("verify", f"{SOURCE}.ar", project=root)
    assert result.exit_code == 1
    assert (f"difference: {SOURCE}.ar [pdf] table 1 row 2 cell 3: expected 'أقل من 30 دقيقة، وغالبًا يزداد بعد "
            "الراحة', found 'أقل من 45 دقيقة، وغالبًا يزداد بعد الراحة'") in result.output


def test_labels_follow_the_script_and_mark_english_fallbacks():
    theme = Theme.of(FIXTURES / "base")
    assert labels(theme, "zh-TW").pdf_large == labels(theme, "zh-Hant").pdf_large != labels(theme, "zh-Hans").pdf_large
    pashto = labels(theme, "ps")
    assert "summary" in pashto.missing
    assert pashto.summary.__html__() == '<span lang="en">Summary</span>'
    assert labels(theme, "ar").missing == []


def test_access_dates_are_written_as_the_article_writes_its_other_dates(built_translations):
    """citeproc writes dates its own way and knows no Urdu or Bengali: the access date is the
    article's own long date (a translation keeps its source's date of access)."""
    web = built_translations / "output/web"
    rtl = "\u2068{}\u2069".format  # a right-to-left date keeps its order inside a left-to-right reference
    expected = {"": "1 November 2026", "ar/": rtl("1 نوفمبر 2026"), "bn/": "1 নভেম্বর, 2026", "pl/": "1 listopada 2026",
                "ur/": rtl("1 نومبر، 2026"), "zh-Hans/": "2026年11月1日"}
    for folder, written in expected.items():
        page = lxml.html.parse(str(web / f"{folder}{SOURCE}.html")).getroot()
        entries = [" ".join(li.text_content().split()) for li in page.xpath("//li[starts-with(@id, 'ref-')]")]
        assert len(entries) == 6 and all(f" {written}." in entry for entry in entries), entries
