"""pandoc kept running between conversions: the same answers as a new process, and no lost or
mixed-up answer when a conversion fails, times out, is interrupted or happens in a forked worker."""

from __future__ import annotations

import json
import subprocess
from multiprocessing import get_context
from pathlib import Path

import pypandoc
import pytest

from pipeline.convert import pandoc_process
from pipeline.convert.pandoc_process import SCRIPT, ConversionError, converted
from pipeline.output.layout import RESERVED_ID_PATTERNS, RESERVED_IDS

STYLE = Path(__file__).resolve().parents[1] / "styles" / "numeric.csl"


def article(body: str) -> dict:
    return {"lang": "en", "reserved-ids": RESERVED_IDS, "reserved-patterns": RESERVED_ID_PATTERNS, "csl": str(STYLE),
            "fragments": [{"key": "title", "text": "A *title*"}, {"key": "body", "text": body}],
            "references": [{"id": "who", "type": "report", "title": "Anaemia", "issued": {"date-parts": [[2023]]}},
                           {"id": "nhs", "type": "webpage", "title": "Vitamin B12"}]}


def body_html(parts: dict) -> str:
    return next(f["html"] for f in parts["fragments"] if f["key"] == "body")


def kept_pids() -> list[int]:
    return [process.process.pid for process in pandoc_process._idle]


def test_a_kept_process_answers_as_a_new_pandoc_does() -> None:
    """The reader and the writer run once per process, with --citeproc, as they can be run by hand."""
    first = article("Low B12 [@nhs; @who] causes *anaemia* [@who].\n\n# Causes {#summary}\n")
    once = subprocess.run([pypandoc.get_pandoc_path(), "--sandbox", "--from", str(SCRIPT.parent / "fragments.lua"),
                           "--to", str(SCRIPT.parent / "parts.lua"), "--citeproc"], input=json.dumps(first),
                          capture_output=True, text=True, check=True).stdout
    converted(article("Something else [@who]."))  # the kept process has converted before
    assert converted(first) == json.loads(once)
    assert [r["number"] for r in json.loads(once)["references"]] == ["1", "2"]
    assert 'id="summary-1"' in body_html(json.loads(once))


def test_a_process_is_kept_for_the_next_conversion() -> None:
    converted(article("One."))
    kept = kept_pids()
    assert "Two" in body_html(converted(article("Two.")))
    assert kept_pids() == kept


def test_a_process_retires_after_its_share_of_articles(monkeypatch) -> None:
    """pandoc's heap keeps some of every article: a process converts a bounded number of them."""
    monkeypatch.setattr(pandoc_process, "ARTICLES_PER_PROCESS", 2)
    pandoc_process.end_all()
    converted(article("One."))
    first = kept_pids()
    converted(article("Two."))
    assert kept_pids() == []
    converted(article("Three."))
    assert kept_pids() and kept_pids() != first


def test_a_conversion_that_fails_in_pandoc_keeps_the_process() -> None:
    converted(article("One."))
    kept = kept_pids()
    broken = article("One.") | {"fragments": [{"key": "body"}]}  # no text to read
    with pytest.raises(ConversionError):
        converted(broken)
    assert kept_pids() == kept


@pytest.mark.parametrize("how", ["time limit", "interrupted", "killed while waiting"])
def test_a_lost_process_is_replaced_and_no_answer_goes_astray(monkeypatch, how: str) -> None:
    converted(article("One."))
    lost = kept_pids()
    if how == "time limit":
        with pytest.raises(ConversionError, match="longer than the limit of 1e-06 s"):
            converted(article("Slow."), timeout=1e-6)
    elif how == "interrupted":
        monkeypatch.setattr(pandoc_process.select, "select", interrupt)
        with pytest.raises(KeyboardInterrupt):
            converted(article("Interrupted."))
        monkeypatch.undo()
    else:
        pandoc_process._idle[-1].process.kill()
        pandoc_process._idle[-1].process.wait()
    assert "Next" in body_html(converted(article("Next.")))  # not the answer about the lost article
    assert kept_pids() and not set(kept_pids()) & set(lost)


def interrupt(*_args):
    raise KeyboardInterrupt


@pytest.mark.parametrize("when", ["before the request", "after it"])
def test_a_process_that_dies_is_reported_and_closes_cleanly(monkeypatch, when: str) -> None:
    process = pandoc_process.PandocProcess()
    if when == "before the request":  # the request meets a closed pipe
        process.process.kill()
        process.process.wait()
    else:  # the request is sent, and the answer never comes
        real_select = pandoc_process.select.select

        def killed_while_waiting(*args):
            process.process.kill()
            process.process.wait()
            return real_select(*args)

        monkeypatch.setattr(pandoc_process.select, "select", killed_while_waiting)
    with pytest.raises(ConversionError, match="pandoc exited with status -9"):
        process.ask(json.dumps(article("One.")).encode(), timeout=60)
    process.close()


def convert_in_child(text: str) -> tuple[str, list[int]]:
    return body_html(converted(article(text))), kept_pids()


def test_a_forked_worker_starts_its_own_process() -> None:
    """A worker forked from a process that keeps pandoc must not read its parent's answers."""
    converted(article("Parent."))
    parents = kept_pids()
    with get_context("fork").Pool(1) as pool:
        html, childs = pool.apply(convert_in_child, ("Child.",))
    assert "Child" in html and childs and not set(childs) & set(parents)
    assert "Parent again" in body_html(converted(article("Parent again.")))
    assert kept_pids() == parents
