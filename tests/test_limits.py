"""Pathological manuscripts become located errors within the limits; the other articles still build."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from conftest import publish


def write_manuscript(project: Path, name: str, body: str) -> Path:
    text = (project / "manuscripts" / "ok.md").read_text()
    path = project / "manuscripts" / f"{name}.md"
    path.write_text(text.replace("The body is short. It has one picture.", body))
    return path


def set_limits(project: Path, **limits) -> None:
    config = project / "manuscripts" / "publication.yaml"
    lines = "".join(f"  {key}: {value}\n" for key, value in limits.items())
    config.write_text(config.read_text() + f"limits:\n{lines}")


def build_and_time(project: Path):
    started = time.perf_counter()
    result = publish("build", "--jobs", "1", project=project)
    return result, time.perf_counter() - started


def assert_others_built(project: Path) -> None:
    assert (project / "output" / "pdf" / "ok.pdf").is_file()
    assert (project / "output" / "web" / "ok.html").is_file()


def test_ten_megabytes_of_text(project: Path) -> None:
    write_manuscript(project, "huge", "All work and no play. " * 500_000)
    result, seconds = build_and_time(project)
    assert result.exit_code == 1
    assert "manuscripts/huge.md:1:1: error: manuscript is 11.0 MB; the limit is 2.0 MB" in result.output
    assert_others_built(project)
    assert seconds < 60


def test_five_thousand_row_table(project: Path) -> None:
    rows = "\n".join(f"| {n} | row {n} |" for n in range(5000))
    write_manuscript(project, "rows", f"| N | Row |\n|---|---|\n{rows}\n\n: Too long {{#tbl-long}}\n")
    result, _seconds = build_and_time(project)
    assert result.exit_code == 1
    assert re.search(r"manuscripts/rows.md:\d+:\d+: error: table has 5000 rows; the limit is 1000", result.output)
    assert_others_built(project)


def test_five_hundred_levels_of_nested_lists(project: Path) -> None:
    nested = "\n".join("    " * level + "- deeper" for level in range(500))
    write_manuscript(project, "nested", nested)
    result, _seconds = build_and_time(project)
    assert result.exit_code == 1
    assert re.search(r"manuscripts/nested.md:\d+:\d+: error: (content is nested \d+ levels deep|pandoc could not)",
                     result.output), result.output
    assert "Traceback" not in result.output
    assert_others_built(project)


def test_hundred_megabyte_image(project: Path) -> None:
    with open(project / "manuscripts" / "media" / "big.png", "wb") as image:
        image.truncate(100_000_000)
    write_manuscript(project, "big", "![A very big picture](media/big.png)")
    result, seconds = build_and_time(project)
    assert result.exit_code == 1
    assert "error: image 'media/big.png' is 100.0 MB; the limit is 20.0 MB" in result.output
    assert_others_built(project)
    assert seconds < 60


def test_time_limit_per_article(project: Path) -> None:
    set_limits(project, **{"seconds-per-article": 4})  # ample for the small article, even on a busy machine
    rows = "\n".join(f"| {n} | a cell with some words in it, {n} | and another |" for n in range(990))
    tables = "\n\n".join(f"| N | Text | More |\n|---|---|---|\n{rows}\n\n: Slow to lay out, {n} {{#tbl-slow-{n}}}"
                           for n in (1, 2))  # each leaflet, laid out alone, takes longer than the limit
    write_manuscript(project, "slow", tables + "\n")
    result, seconds = build_and_time(project)
    assert result.exit_code == 1
    assert "manuscripts/slow.md:1:1: error: article took longer than the limit of 4 s" in result.output
    assert not (project / "output" / "pdf" / "slow.pdf").exists()
    assert seconds < 40
    # the limit is per article: the small one is laid out within it
    assert_others_built(project)


@pytest.mark.parametrize("limits, message", [
    ({"image-bytes": 10}, "image 'media/dot.png' is 0.0 MB; the limit is 0.0 MB"),
    ({"manuscript-bytes": 100}, "manuscript is 0.0 MB; the limit is 0.0 MB"),
])
def test_limits_are_configurable(project: Path, limits: dict, message: str) -> None:
    set_limits(project, **limits)
    result = publish("check", project=project)
    assert result.exit_code == 1
    assert message in result.output


@pytest.mark.parametrize("where", ["main thread", "other thread"])
def test_the_time_limit_stops_work_in_any_thread(where: str) -> None:
    """Local workers run a task in their main thread (SIGALRM); Dask workers in threads of their
    own, which no signal reaches (a timer thread raises there instead)."""
    import threading

    from pipeline.distribute.deadline import TimeLimit, time_limit

    outcome = {}

    def busy() -> None:
        started = time.monotonic()
        try:
            with time_limit(0.2):
                while time.monotonic() - started < 5:
                    sum(range(1000))
        except TimeLimit:
            outcome["stopped after"] = time.monotonic() - started
        time.sleep(0.6)  # no late TimeLimit escapes the block
        outcome["finished"] = True

    if where == "main thread":
        busy()
    else:
        thread = threading.Thread(target=busy)
        thread.start()
        thread.join(timeout=10)
    assert outcome.get("finished") and outcome.get("stopped after", 0) >= 0.2, outcome  # stopped, not at 5 s
