"""Shared helpers: throwaway projects built from fixture folders, and the CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

TESTS = Path(__file__).parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
BASE_PROJECT = FIXTURES / "base"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the minimal valid project (one manuscript, one booklet)."""
    root = tmp_path / "project"
    shutil.copytree(BASE_PROJECT, root)
    return root


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    """A copy of the repository's own manuscripts."""
    root = tmp_path / "samples"
    shutil.copytree(REPO / "manuscripts", root / "manuscripts")
    return root


def publish(*args: str, project: Path):
    """Run `publish ARGS --project PROJECT` in-process and return click's result."""
    command, *rest = args
    return CliRunner().invoke(main, [command, "--project", str(project), *rest])
