"""Shared helpers: throwaway projects built from fixture folders, and the CLI runner."""

from __future__ import annotations

import re
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


SOURCE_DATE_EPOCH = "1790000000"


def build_copy(source: Path, destination: Path, *args: str) -> Path:
    """Copy a project (manuscripts and, if any, styles) and build it; return the copy's root."""
    shutil.copytree(source / "manuscripts", destination / "manuscripts")
    if (source / "styles").is_dir():
        shutil.copytree(source / "styles", destination / "styles")
    with pytest.MonkeyPatch.context() as patch:  # only for this build: the variable must not leak into later tests
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        result = publish("build", *args, project=destination)
    assert result.exit_code == 0, result.output
    return destination


@pytest.fixture(scope="session")
def built_samples(tmp_path_factory) -> Path:
    """The repository's manuscripts and styles, built once per test run."""
    return build_copy(REPO, tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="session")
def built_other(tmp_path_factory) -> Path:
    """A second project: Spanish and US English, a 60-row table, A5, no booklets defined."""
    return build_copy(FIXTURES / "render", tmp_path_factory.mktemp("other"))


@pytest.fixture(scope="session")
def built_translations(tmp_path_factory) -> Path:
    """One source with its translations into ar, ur, bn, zh-Hans and pl, and an Arabic booklet."""
    return build_copy(FIXTURES / "translations", tmp_path_factory.mktemp("translations"))


@pytest.fixture(scope="session")
def built_torture(tmp_path_factory) -> Path:
    """Every construct of Pandoc Markdown the pipeline accepts, ids that clash, notes in every part,
    links of every kind (tests/fixtures/torture)."""
    return build_copy(FIXTURES / "torture", tmp_path_factory.mktemp("torture"))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Articles with topics and other names, in English and Spanish (tests/fixtures/site)."""
    return build_copy(FIXTURES / "site", tmp_path_factory.mktemp("site"))


def copied_with(source: Path, root: Path, config: str = "") -> Path:
    """A copy of a project's manuscripts at `root`, with `config` added to its publication.yaml."""
    shutil.copytree(source / "manuscripts", root / "manuscripts")
    yaml = root / "manuscripts" / "publication.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + config, encoding="utf-8")
    return root


SAMPLE_BOOKLET = "    manuscripts: [b12-joint-stiffness, b12-neck-stiffness, b12-tests-and-treatment]\n"
DISTRIBUTION_KEYS = re.compile(r"(?m)^    (?:isbn|print-isbn|price|subjects|contributors|publishing-date|print-edition"
                               r"|retailers):.*\n")


def sample_booklet_with(root: Path, fields: str) -> Path:
    """A copy of the sample project whose booklet has these distribution fields (YAML lines
    indented as its keys), and none of the sample's own."""
    project = copied_with(REPO, root)
    yaml = project / "manuscripts" / "publication.yaml"
    text = DISTRIBUTION_KEYS.sub("", yaml.read_text(encoding="utf-8"))
    assert SAMPLE_BOOKLET in text
    yaml.write_text(text.replace(SAMPLE_BOOKLET, SAMPLE_BOOKLET + fields), encoding="utf-8")
    return project


def publish(*args: str, project: Path):
    """Run `publish ARGS --project PROJECT` in-process and return click's result."""
    command, *rest = args
    return CliRunner().invoke(main, [command, "--project", str(project), *rest])


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright, shared by every test that opens a page."""
    from playwright.sync_api import sync_playwright

    from pipeline.review.gates import CHROMIUM, CHROMIUM_FLAGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()
