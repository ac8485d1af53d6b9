"""The site's search index: Pagefind, one index per language, built from the article pages.

Pagefind splits its index into chunks a browser fetches as a search needs them, so a first
search costs a few hundred kilobytes however large the site. The index is made from the
pages as written (each article page marks its <article> data-pagefind-body, so only those are
indexed, without the downloads and language links), into a scratch folder, and handed back as
files for the one writer to put under web/pagefind/.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

ENTRY = "pagefind-entry.json"  # the index's table of contents: languages, their hashes and page counts
EXCLUDED = [".downloads", ".languages", ".entry-languages", "nav", ".backlink", ".footnote-back"]


def search_index(site: Path, scratch: Path) -> dict[str, bytes]:
    """Index the article pages under `site` (output/web: the pages marked data-pagefind-body);
    return the index's files by path under web/pagefind/."""
    import asyncio  # noqa: PLC0415 - a build with nothing to index never needs its event loop
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="pagefind-") as folder:
        # Pagefind's API is async; its loop runs in a thread of its own, since the caller may have one
        # running already (a library user, a test driving a browser).
        with ThreadPoolExecutor(max_workers=1) as thread:
            thread.submit(asyncio.run, write_index(site, Path(folder))).result()
        files = {path.relative_to(folder).as_posix(): path.read_bytes()
                 for path in sorted(Path(folder).rglob("*")) if path.is_file()}
    if ENTRY in files:
        files[ENTRY] = languages_in_order(files[ENTRY])
    return files


def languages_in_order(entry: bytes) -> bytes:
    """Pagefind lists the languages in the order it met their pages, which follows the order the
    file system lists them in: sorted, the same site gives the same bytes on every machine."""
    data = json.loads(entry)
    data["languages"] = dict(sorted(data.get("languages", {}).items()))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


async def write_index(site: Path, folder: Path) -> None:
    """Pagefind reads the pages itself, in parallel (handing it each page's text through its API
    took 0.1 s a page)."""
    from pagefind.index import IndexConfig, PagefindIndex  # noqa: PLC0415 - only builds that index need it

    config = IndexConfig(exclude_selectors=EXCLUDED, output_path=str(folder), keep_index_url=True)
    async with PagefindIndex(config=config) as index:
        await index.add_directory(str(site), glob="**/*.html")


def pagefind_version() -> str:
    from importlib import metadata  # noqa: PLC0415

    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return "unknown"
