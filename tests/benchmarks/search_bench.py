"""The search scenario of make bench: Pagefind's index time for 100 and 1,000 articles, and
the bytes a visitor's browser downloads for a first search on the 1,000-article site.

Each corpus article gets a sentence of words of its own, so the index grows with the site
as a real one would, rather than indexing one text a thousand times.
"""

from __future__ import annotations

import functools
import os
import subprocess
import threading
import time
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from corpus import make_corpus

SYLLABLES = ("ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "va", "ze")


def own_words(number: int) -> str:
    """A few words no other article has: the number spelt in syllables."""
    spelt = "".join(SYLLABLES[int(digit)] for digit in f"{number:04d}")
    return f"Clinic case {spelt}: {spelt}ine {spelt}ology and the {spelt} method."


def search_run(publish: Path, repo: Path, scratch: Path, counts=(100, 1000)) -> dict:
    from pipeline.render.search import search_index

    results = {}
    for count in counts:
        root = scratch / f"search-{count}" / "project"
        for slug in make_corpus(repo, root, count):
            manuscript = root / "manuscripts" / f"{slug}.md"
            manuscript.write_text(manuscript.read_text() + "\n" + own_words(int(slug[-4:])) + "\n")
        subprocess.run([str(publish), "build", "--format", "web", "--project", str(root)], check=True,
                       stdout=subprocess.DEVNULL, env={**os.environ, "CI": "1"})
        web = root / "output" / "web"
        started = time.perf_counter()
        search_index(web, scratch / "index-scratch")
        results[f"index {count} articles"] = time.perf_counter() - started
        if count == max(counts):
            results[f"first search, KB downloaded ({count} articles)"] = first_search_bytes(web) / 1000
    return results


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *_args) -> None:
        pass


@contextmanager
def static_site(folder: Path):
    """`folder` on a plain static server on loopback, as a host would serve it; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


def first_search_bytes(web: Path) -> int:
    """What the browser fetches from pagefind/ for one search on the search page (the page's own
    HTML, stylesheet and script excepted)."""
    from playwright.sync_api import sync_playwright

    from pipeline.review.gates import CHROMIUM, CHROMIUM_FLAGS

    fetched: dict[str, int] = {}
    with static_site(web) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.on("response", lambda response: "/pagefind/" in response.url
                and fetched.setdefault(response.url, len(response.body())))
        page.goto(f"{url}search/en-GB.html?q=vitamin")
        page.locator("ol.search-results a").first.wait_for(timeout=60_000)
        page.wait_for_load_state("networkidle")
        browser.close()
    return sum(fetched.values())
