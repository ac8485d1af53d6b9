"""The test helpers that build with SOURCE_DATE_EPOCH set it for their own build only.

A variable left set by one test's build would change what every later test builds, so a
test comparing bytes could pass only because of the tests that happened to run before it.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from conftest import FIXTURES, build_copy
from test_incremental import rebuild

BEFORE = os.environ.get("SOURCE_DATE_EPOCH")  # as the run found it: read while collecting, before any build


def booklet_dates(root: Path) -> set[tuple[int, int, int]]:
    with zipfile.ZipFile(root / "output" / "epub" / "all-articles.epub") as archive:
        return {info.date_time[:3] for info in archive.infolist()}


def test_build_helpers_set_source_date_epoch_only_around_their_build(tmp_path: Path) -> None:
    root = build_copy(FIXTURES / "base", tmp_path / "copy")
    assert booklet_dates(root) == {(2026, 9, 21)}, "SOURCE_DATE_EPOCH (2026-09-21) was in force during the build"
    assert os.environ.get("SOURCE_DATE_EPOCH") == BEFORE, "build_copy left SOURCE_DATE_EPOCH behind"

    manuscript = root / "manuscripts" / "ok.md"
    manuscript.write_text(manuscript.read_text().replace("The body is short.", "The body is short, and new."))
    assert "epub/all-articles.epub" in rebuild(root)
    assert booklet_dates(root) == {(2026, 9, 21)}
    assert os.environ.get("SOURCE_DATE_EPOCH") == BEFORE, "test_incremental's rebuild left SOURCE_DATE_EPOCH behind"
