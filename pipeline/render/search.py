"""The site's search index: Pagefind, one index per language, built from the article pages.

Pagefind splits its index into chunks a browser fetches as a search needs them, so a first
search costs a few hundred kilobytes however large the site. The index is made from the
pages as written (their <main>, without the downloads and language links), in memory, and
handed back as files for the one writer to put under web/pagefind/.
"""

from __future__ import annotations

import asyncio
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

EXCLUDED = [".downloads", ".languages", ".entry-languages", "nav", ".backlink", ".footnote-back"]


def search_index(pages: dict[str, str], scratch: Path) -> dict[str, bytes]:
    """Index `pages` (path under web/ -> HTML); return the index's files by path under web/pagefind/."""
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="pagefind-") as folder:
        # Pagefind's API is async; its loop runs in a thread of its own, since the caller may have one
        # running already (a library user, a test driving a browser).
        with ThreadPoolExecutor(max_workers=1) as thread:
            thread.submit(asyncio.run, write_index(pages, Path(folder))).result()
        return {path.relative_to(folder).as_posix(): path.read_bytes()
                for path in sorted(Path(folder).rglob("*")) if path.is_file()}


async def write_index(pages: dict[str, str], folder: Path) -> None:
    from pagefind.index import IndexConfig, PagefindIndex  # noqa: PLC0415 - only builds that index need it

    config = IndexConfig(root_selector="main", exclude_selectors=EXCLUDED, output_path=str(folder),
                         keep_index_url=True)
    async with PagefindIndex(config=config) as index:
        for path, html in sorted(pages.items()):
            await index.add_html_file(content=html, url="/" + path)


def pagefind_version() -> str:
    from importlib import metadata  # noqa: PLC0415

    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return "unknown"
