"""Every error and warning of `publish check`, pinned: one fixture folder per case.

Each folder under fixtures/check/ holds files laid over a copy of fixtures/base/ and
`expected.txt`, the exact output users see. To regenerate after a deliberate change:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_check_fixtures.py

and review the diff of the expected.txt files.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, publish

CASES = sorted(path for path in (FIXTURES / "check").iterdir() if path.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_check_reports_exactly_what_is_expected(case: Path, project: Path) -> None:
    shutil.copytree(case / "manuscripts", project / "manuscripts", dirs_exist_ok=True)
    result = publish("check", project=project)
    expected_file = case / "expected.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(result.stdout, encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8")
    assert result.stdout == expected
    assert result.exit_code == (1 if ": error: " in expected else 0)


def test_every_case_reports_a_problem() -> None:
    """A fixture whose expected output has no diagnostic would test nothing."""
    for case in CASES:
        expected = (case / "expected.txt").read_text(encoding="utf-8")
        assert ": error: " in expected or ": warning: " in expected, case.name
