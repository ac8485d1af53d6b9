"""The site's search index: Pagefind, one index per language, built from the article pages.

Pagefind splits its index into chunks a browser fetches as a search needs them, so a first
search costs a few hundred kilobytes however large the site. The index is made from the
pages as written (each article page marks its <article> data-pagefind-body, so only those are
indexed, without the downloads and language links), into a scratch folder, and handed back as
files for the one writer to put under web/pagefind/.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

ENTRY = "pagefind-entry.json"  # the index's table of contents: languages, their hashes and page counts
EXCLUDED = [".downloads", ".languages", ".entry-languages", "nav", ".backlink", ".footnote-back"]


def search_index(site: Path, scratch: Path) -> dict[str, bytes]:
    """Index the article pages under `site` (output/web: the pages marked data-pagefind-body);
    return the index's files by path under web/pagefind/."""
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="pagefind-") as folder:
        index = Path(folder) / "index"
        run_pagefind(site, index, Path(folder))
        files = {path.relative_to(index).as_posix(): path.read_bytes()
                 for path in sorted(index.rglob("*")) if path.is_file()}
    if ENTRY in files:
        files[ENTRY] = languages_in_order(files[ENTRY])
    return files


def run_pagefind(site: Path, index: Path, folder: Path) -> None:
    """Pagefind's own command, configured by a file in its working folder: its Python API waits a
    tenth of a second before reading each answer, 0.3 s of every build that indexes."""
    from pagefind_bin import get_executable  # noqa: PLC0415 - only builds that index need it

    config = {"site": str(site.resolve()), "output_path": str(index.resolve()), "keep_index_url": True,
              "exclude_selectors": EXCLUDED, "glob": "**/*.html", "silent": True}
    (folder / "pagefind.json").write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run([str(get_executable())], cwd=folder, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not (index / ENTRY).is_file():
        raise RuntimeError(f"Pagefind failed (exit {done.returncode}): {(done.stdout + done.stderr).strip()}")


def languages_in_order(entry: bytes) -> bytes:
    """Pagefind lists the languages in the order it met their pages, which follows the order the
    file system lists them in: sorted, the same site gives the same bytes on every machine."""
    data = json.loads(entry)
    data["languages"] = dict(sorted(data.get("languages", {}).items()))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def pagefind_version() -> str:
    from importlib import metadata  # noqa: PLC0415

    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return "unknown"
