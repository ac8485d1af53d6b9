"""The patient site beside the articles: A–Z, topic pages, the index by topic, and search with
Pagefind (one index per language), read from the built files and used in Chromium."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import lxml.html
import pytest
from conftest import FIXTURES, REPO, SOURCE_DATE_EPOCH, publish

from pipeline.review.gates import axe_violations

sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
from search_bench import static_site  # noqa: E402 - the bench serves the site the same way

ARTICLES = {  # page -> (a word of its title, a word of its summary, its language's search page)
    "b12-basics.html": ("basics", "blood", "search/en-GB.html"),
    "sunlight.html": ("sunlight", "summer", "search/en-GB.html"),
    "nerve-pain.html": ("explained", "tingling", "search/en-GB.html"),
    "zinc.html": ("healing", "wounds", "search/en-GB.html"),
    "vitamina-d.html": ("sol", "verano", "search/es.html"),
}


def links_in(path: Path) -> list[str]:
    return [a.get("href") for a in lxml.html.parse(str(path)).getroot().iter("a") if a.get("href")]


def article_links(path: Path) -> list[str]:
    return [href for href in links_in(path) if re.fullmatch(r"(\.\./)*[a-z0-9-]+\.html", href)
            and href.rsplit("/", 1)[-1] in ARTICLES]


def test_a_to_z_links_every_article_once_and_files_its_other_names(built_site: Path) -> None:
    page = built_site / "output" / "web" / "a-z.html"
    assert sorted(article_links(page)) == sorted(ARTICLES)  # each once, the Spanish source too
    root = lxml.html.parse(str(page)).getroot()
    letters = [h.text_content() for h in root.xpath("//main//h2")]
    assert letters == sorted(letters) and "C" in letters and "P" in letters
    aliases = {li.text_content().split("→")[0].strip(): li.xpath(".//a/@href")[0]
               for li in root.xpath("//ul[@class='a-z-list']/li[not(@id)]")}
    assert aliases == {"Calciferol": "#a-z-vitamina-d", "Cobalamin": "#a-z-b12-basics",
                       "Neuropathy": "#a-z-nerve-pain", "Peripheral neuropathy": "#a-z-nerve-pain"}
    for target in set(aliases.values()):
        assert root.xpath(f"//li[@id='{target[1:]}']")


def test_topic_pages_link_their_articles_once_and_the_index_groups_by_topic(built_site: Path) -> None:
    web = built_site / "output" / "web"
    expected = {"nerves": ["b12-basics.html", "nerve-pain.html"], "vitamin-b12": ["b12-basics.html"],
                "vitamin-d": ["sunlight.html"], "vitamina-d": ["vitamina-d.html"], "musculos": ["vitamina-d.html"]}
    assert sorted(p.stem for p in (web / "topics").glob("*.html")) == sorted(expected)
    for topic, articles in expected.items():
        assert sorted(href.removeprefix("../") for href in article_links(web / "topics" / f"{topic}.html")) == articles
    index = lxml.html.parse(str(web / "index.html")).getroot()
    groups = [h.text_content().strip() for h in index.xpath("//section[@class='topic-group']/h2")]
    assert groups == ["Músculos", "Nerves", "Vitamin B12", "Vitamin D", "Vitamina D", "Other articles"]
    musculos = lxml.html.parse(str(web / "topics" / "musculos.html")).getroot()  # an ASCII file name, the topic's words
    assert musculos.xpath("string(//h1)").strip() == "Músculos" and "Músculos" in musculos.xpath("string(//title)")
    assert index.xpath("//section[@class='topic-group'][last()]//h3//a/@href") == ["zinc.html"]


def test_articles_show_their_other_names(built_site: Path) -> None:
    page = lxml.html.parse(str(built_site / "output" / "web" / "nerve-pain.html")).getroot()
    assert "Neuropathy, Peripheral neuropathy" in page.xpath("string(//*[@class='also-known-as'])")


@pytest.fixture(scope="module")
def site_url(built_site: Path):
    """The built site on a plain static server, as a host would serve it."""
    with static_site(built_site / "output" / "web") as url:
        yield url


SEARCH = """async (words) => {
  const pagefind = await import(new URL("pagefind/pagefind.js", document.baseURI.replace(/[^/]*$/, "")
    .replace(/\\/(search|topics)\\/$/, "/")).href);
  const found = {};
  for (const word of words) {
    const search = await pagefind.search(word);
    found[word] = await Promise.all(search.results.map(async (result) => (await result.data()).url));
  }
  return found;
}"""


def test_every_article_is_found_by_its_title_and_summary_in_its_own_language(site_url: str, page) -> None:
    for name, (title_word, summary_word, _search) in ARTICLES.items():
        page.goto(site_url + name)  # Pagefind searches the index of the page's own language
        found = page.evaluate(SEARCH, [title_word, summary_word])
        for word, urls in found.items():
            assert f"/{name}" in urls, (name, word, urls)
    page.goto(site_url + "b12-basics.html")
    assert "/vitamina-d.html" not in page.evaluate(SEARCH, ["vitamina"])["vitamina"]  # the Spanish index is apart


def test_the_search_page_shows_results_and_passes_axe(site_url: str, page) -> None:
    page.goto(site_url + "search/en-GB.html?q=cobalamin")
    page.locator("ol.search-results a").first.wait_for(timeout=15_000)
    assert page.locator("ol.search-results a").first.get_attribute("href").endswith("b12-basics.html")
    assert page.inner_text("#search-status") == "Results for “cobalamin”: 1"
    assert axe_violations(page, page.url) == []
    page.goto(site_url + "search/es.html?q=calciferol")
    page.locator("ol.search-results a").first.wait_for(timeout=15_000)
    assert page.inner_text("#search-status") == "Resultados para «calciferol»: 1"


def test_the_search_box_is_reached_by_keyboard_with_its_label(site_url: str, page) -> None:
    page.goto(site_url + "vitamina-d.html")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search-query":
            break
    assert page.evaluate("document.activeElement.id") == "site-search-query"
    assert page.evaluate("document.activeElement.labels[0].textContent") == "Buscar en los folletos"
    page.keyboard.type("sol")
    page.keyboard.press("Enter")
    page.locator("ol.search-results a").first.wait_for(timeout=15_000)
    assert page.url.endswith("search/es.html?q=sol")


def test_without_scripts_the_search_box_is_hidden(site_url: str, browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "b12-basics.html")
    assert not page.locator("#site-search-query").is_visible()
    assert page.locator("a.site-a-z").is_visible()  # the A–Z still finds every article
    context.close()


def test_an_edited_title_reaches_the_a_to_z_topics_and_search_and_a_no_op_touches_nothing(tmp_path: Path,
                                                                                          monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "site" / "manuscripts", root / "manuscripts")
    assert publish("build", "--format", "web", project=root).exit_code == 0
    again = publish("build", "--format", "web", project=root)
    assert again.exit_code == 0 and "built 0 files" in again.output
    web = root / "output" / "web"
    before = {path: path.read_bytes() for path in web.rglob("*") if path.is_file()}
    manuscript = root / "manuscripts" / "b12-basics.md"
    manuscript.write_text(manuscript.read_text().replace("Vitamin B12 basics", "Cobalamin essentials")
                          .replace("topics: [Vitamin B12, Nerves]", "topics: [Nerves]"))
    assert publish("build", "--format", "web", project=root).exit_code == 0
    changed = {path.relative_to(web).as_posix() for path, data in before.items()
               if not path.exists() or path.read_bytes() != data}
    assert {"a-z.html", "topics/nerves.html", "index.html", "b12-basics.html"} <= changed
    assert not (web / "topics" / "vitamin-b12.html").exists()  # no article names the topic now
    assert any(name.startswith("pagefind/index/") for name in changed)  # the index was made again
    assert "Cobalamin essentials" in (web / "a-z.html").read_text()
    assert not [path for path in web.rglob("pagefind/**/*") if path.is_file()
                and path.relative_to(web).as_posix() not in manifest_paths(root)]  # no chunk left behind


def manifest_paths(root: Path) -> set[str]:
    import json

    return {path.removeprefix("web/") for path in json.loads((root / "output" / "manifest.json").read_text())["outputs"]}
