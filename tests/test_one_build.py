"""One build, seen whole: caches keyed by their inputs, one conversion per article, verify
independent of the renderers' HTML, bugs reported as bugs, a project theme that falls back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, SOURCE_DATE_EPOCH, publish
from test_fuzz import assert_located_or_clean

from pipeline.build.run import build
from pipeline.cli import main

JOINT = "b12-joint-stiffness"
PUBLISH = Path(sys.executable).parent / "publish"
sys.path.insert(0, str(REPO / "tests" / "benchmarks"))  # the benchmark's counting pandoc


@pytest.fixture
def samples_with_styles(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "samples"
    shutil.copytree(REPO / "manuscripts", root / "manuscripts")
    shutil.copytree(REPO / "styles", root / "styles")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    return root


def outputs(root: Path, folder: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "output" / folder).glob("*")) if p.is_file()}


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_theme_edit_reaches_the_next_build_in_the_same_process(samples_with_styles: Path, jobs: int) -> None:
    root = samples_with_styles
    assert not build(root, jobs=jobs).failed
    before = outputs(root, "pdf")
    css, labels = root / "styles" / "print" / "leaflet.css", root / "styles" / "labels.yaml"
    css.write_text(css.read_text() + "\nh1 { color: #c00000; }\n")
    labels.write_text(labels.read_text().replace("  key-points: Key points\n", "  key-points: Main points\n", 1))
    result = build(root, jobs=jobs)
    assert not result.failed, result.failed
    after = outputs(root, "pdf")
    assert sorted(after) == sorted(before) and all(after[name] != before[name] for name in after)
    assert "Main points" in (root / "output" / "web" / f"{JOINT}.html").read_text()
    # The same sources built from nothing in a fresh process give the very same bytes.
    fresh = root.parent / "fresh"
    shutil.copytree(root / "manuscripts", fresh / "manuscripts")
    shutil.copytree(root / "styles", fresh / "styles")
    subprocess.run([sys.executable, "-m", "pipeline", "build", "--project", str(fresh), "--jobs", str(jobs)],
                   check=True, capture_output=True)
    assert outputs(fresh, "pdf") == after


def test_a_project_theme_overrides_single_files_and_falls_back_for_the_rest(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "project"
    shutil.copytree(REPO / "manuscripts", root / "manuscripts")
    (root / "styles" / "web").mkdir(parents=True)
    (root / "styles" / "web" / "site.css").write_text("body { font-size: 1.25rem; }\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    result = publish("build", "--jobs", "1", project=root)
    assert result.exit_code == 0, result.output
    assert (root / "output" / "web" / "assets" / "site.css").read_text() == "body { font-size: 1.25rem; }\n"
    page = (root / "output" / "web" / f"{JOINT}.html").read_text()
    assert '<section id="summary" class="summary"' in page  # the bundled templates and parts
    assert (root / "output" / "pdf" / f"{JOINT}.pdf").read_bytes() == (
        build_reference(tmp_path) / "output" / "pdf" / f"{JOINT}.pdf").read_bytes()


def build_reference(tmp_path: Path) -> Path:
    """The samples built with the bundled theme alone."""
    root = tmp_path / "reference"
    shutil.copytree(REPO / "manuscripts", root / "manuscripts")
    assert publish("build", "--jobs", "1", "--format", "pdf", project=root).exit_code == 0
    return root


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cold_check_build_verify_convert_each_article_once(samples_with_styles: Path, jobs: str) -> None:
    from bench import counting_pandoc

    wrapper, counter = counting_pandoc(samples_with_styles.parent)
    env = {**os.environ, "PYPANDOC_PANDOC": str(wrapper), "CI": "1"}
    for command in ("check", "build", "verify"):
        subprocess.run([str(PUBLISH), command, "--project", str(samples_with_styles),
                        *(["--jobs", jobs] if command == "build" else [])], check=True, capture_output=True, env=env)
    assert len(counter.read_text().splitlines()) == len(list((samples_with_styles / "manuscripts").glob("*.md"))) == 3


def test_verify_finds_a_fault_in_conversion_that_the_html_would_hide(samples_with_styles: Path, monkeypatch) -> None:
    """A sanitiser that changes a table cell: the outputs and the document HTML agree, the AST does not."""
    from pipeline.convert import conversion

    real = conversion.clean_html
    monkeypatch.setattr(conversion, "clean_html", lambda html: real(html).replace("cartilage", "bones"))
    assert publish("build", "--jobs", "1", project=samples_with_styles).exit_code == 0
    result = publish("verify", JOINT, project=samples_with_styles)
    assert result.exit_code == 1
    for format_ in ("web", "pdf", "pdf large print", "epub vitamin-b12"):
        assert (f"difference: {JOINT} [{format_}] table 1 row 3 cell 3: expected 'Wear of the cartilage over time', "
                "found 'Wear of the bones over time'") in result.output


# Each renderer where the build stage that calls it finds it.
RENDERERS = {
    "web page": ("pipeline.build.tasks", "render_page", f"web/{JOINT}.html"),
    "leaflet": ("pipeline.build.tasks", "render_leaflet", f"pdf/{JOINT}.pdf"),
    "booklet": ("pipeline.build.booklets", "render_booklet", "epub/vitamin-b12.epub"),
    "index": ("pipeline.build.site", "render_index", "web/index.html"),
    "manifest": ("pipeline.build.run", "record", "publish"),
}


# Pages and leaflets are made in worker processes too (forked, so the planted bug goes with them).
CASES = [(renderer, "1") for renderer in sorted(RENDERERS)] + [("web page", "2"), ("leaflet", "2")]


@pytest.mark.parametrize(("renderer", "jobs"), CASES)
def test_a_bug_in_a_renderer_is_an_internal_error(samples_with_styles: Path, monkeypatch, renderer: str,
                                                  jobs: str) -> None:
    module, name, subject = RENDERERS[renderer]

    def planted(*_args, **_options):
        raise TypeError("a planted bug")

    monkeypatch.setattr(f"{module}.{name}", planted)
    runner = CliRunner()
    quiet = runner.invoke(main, ["build", "--project", str(samples_with_styles), "--jobs", jobs])
    assert quiet.exit_code == 3, quiet.output
    assert f"internal error in {subject}: TypeError: a planted bug" in quiet.output
    assert "This is a bug in publish, not a problem in your manuscripts" in quiet.output
    assert "Traceback" not in quiet.output
    with pytest.raises(AssertionError):
        assert_located_or_clean(quiet)
    debug = runner.invoke(main, ["--debug", "build", "--project", str(samples_with_styles), "--jobs", jobs])
    assert debug.exit_code == 3
    assert "Traceback (most recent call last)" in debug.output and "TypeError: a planted bug" in debug.output


def test_a_manuscript_deleted_during_a_build_is_a_located_problem(samples_with_styles: Path, monkeypatch) -> None:
    from pipeline.source import project

    real = project.manuscript_paths

    def listed_then_deleted(folder: Path):
        paths = real(folder)
        (folder / f"{JOINT}.md").unlink(missing_ok=True)  # an author tidying up as the build starts
        return paths

    monkeypatch.setattr(project, "manuscript_paths", listed_then_deleted)
    result = publish("build", "--jobs", "1", project=samples_with_styles)
    assert result.exit_code == 1, result.output
    assert f"manuscripts/{JOINT}.md:1:1: error: cannot read file: No such file or directory" in result.output
    assert "Traceback" not in result.output
    assert (samples_with_styles / "output" / "pdf" / "b12-neck-stiffness.pdf").is_file()
    assert_located_or_clean(result)


def test_a_cache_dir_outside_output_lets_a_cold_build_convert_nothing(samples_with_styles: Path,
                                                                     tmp_path: Path) -> None:
    """CI keeps --cache-dir between runs: a fresh checkout (no output/) builds without pandoc."""
    from bench import counting_pandoc

    wrapper, counter = counting_pandoc(tmp_path)
    cache = tmp_path / "ci-cache"
    env = {**os.environ, "PYPANDOC_PANDOC": str(wrapper), "CI": "1"}

    def run(command: str, *options: str) -> None:
        subprocess.run([str(PUBLISH), command, "--project", str(samples_with_styles), *options], check=True,
                       capture_output=True, env=env)

    run("build", "--jobs", "2", "--cache-dir", str(cache))
    assert len(counter.read_text().splitlines()) == 3
    assert sorted(p.name for p in (cache / "articles").glob("*.json")) == [
        "b12-joint-stiffness.json", "b12-neck-stiffness.json", "b12-tests-and-treatment.json"]
    assert not (samples_with_styles / "output" / ".cache").exists()
    first = outputs(samples_with_styles, "pdf")
    shutil.rmtree(samples_with_styles / "output")  # the next CI run starts from a clean checkout
    env["PUBLISH_CACHE_DIR"] = str(cache)  # the variable works as the option does
    run("build", "--jobs", "2")
    run("verify")
    assert len(counter.read_text().splitlines()) == 3, "a warm cache converts nothing"
    assert outputs(samples_with_styles, "pdf") == first
