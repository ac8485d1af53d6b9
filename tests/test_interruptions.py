"""Nothing lost: interrupted, killed, concurrent and failing builds never leave a broken output."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest

from conftest import REPO, publish

PUBLISH = Path(sys.executable).parent / "publish"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The samples, six times over: enough work for a build to be caught in the middle."""
    root = tmp_path / "corpus"
    shutil.copytree(REPO / "manuscripts", root / "manuscripts")
    for copy in range(5):
        for sample in ("b12-joint-stiffness", "b12-neck-stiffness", "b12-tests-and-treatment"):
            source = (root / "manuscripts" / f"{sample}.md").read_text()
            (root / "manuscripts" / f"{sample}-{copy}.md").write_text(source.replace("\ntitle: ", f"\ntitle: ({copy}) ", 1))
    return root


def start_build(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([str(PUBLISH), "build", "--project", str(root), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "CI": "1"})


def assert_every_output_whole(root: Path) -> None:
    """Every file a reader can see in output/ is complete: PDFs parse, HTML ends, EPUBs unzip."""
    for path in (root / "output").rglob("*"):
        relative = path.relative_to(root / "output")
        if not path.is_file() or relative.parts[0] in (".tmp", ".cache", ".lock"):
            continue
        assert not path.name.endswith(".tmp"), relative
        if path.suffix == ".pdf":
            with pikepdf.open(path) as pdf:
                assert len(pdf.pages) > 0
        elif path.suffix == ".html":
            assert path.read_text().rstrip().endswith("</html>"), relative
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None
        elif path.suffix == ".json":
            json.loads(path.read_text())


def assert_next_build_repairs(root: Path) -> None:
    result = publish("build", project=root)
    assert result.exit_code == 0, result.output
    assert publish("verify", project=root).exit_code == 0


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_build_leaves_whole_files_and_the_next_build_repairs(corpus: Path, signal_number: int) -> None:
    process = start_build(corpus, "--jobs", "2")
    time.sleep(random.uniform(2.0, 6.0))
    process.send_signal(signal_number)
    _out, err = process.communicate(timeout=60)
    if process.returncode != 0:  # it may have finished first
        assert process.returncode == 130
        assert "build interrupted" in err and "Traceback" not in err
    assert not [p for p in (corpus / "output").rglob("*.tmp") if ".tmp" not in p.relative_to(corpus / "output").parts[:1]]
    assert_every_output_whole(corpus)
    assert_next_build_repairs(corpus)


def test_killed_worker_fails_the_build_cleanly(corpus: Path) -> None:
    process = start_build(corpus, "--jobs", "2")
    workers = []
    deadline = time.time() + 30
    while not workers and time.time() < deadline:
        time.sleep(0.3)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        workers = children.read_text().split() if children.exists() else []
    assert workers, "the build should have started its workers"
    time.sleep(random.uniform(0.5, 2.0))
    os.kill(int(workers[0]), signal.SIGKILL)
    out, err = process.communicate(timeout=120)
    if process.returncode != 0:
        assert process.returncode == 1
        assert "its worker process stopped before finishing it" in out
        assert "Traceback" not in out + err
    assert_every_output_whole(corpus)
    assert_next_build_repairs(corpus)


def test_a_second_build_at_the_same_time_fails_fast(corpus: Path) -> None:
    first = start_build(corpus, "--jobs", "2")
    deadline = time.time() + 20
    while not (corpus / "output" / ".lock").exists() and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    started = time.perf_counter()
    second = subprocess.run([str(PUBLISH), "build", "--project", str(corpus)], capture_output=True, text=True)
    assert time.perf_counter() - started < 5
    first.communicate(timeout=300)
    assert second.returncode == 1
    assert "another publish build is writing to output/" in second.stderr
    assert first.returncode == 0
    assert_every_output_whole(corpus)


def test_a_failed_write_keeps_the_previous_output(project: Path, monkeypatch) -> None:
    from pipeline import writer

    assert publish("build", project=project).exit_code == 0
    leaflet = project / "output" / "pdf" / "ok.pdf"
    before = leaflet.read_bytes()
    manuscript = project / "manuscripts" / "ok.md"
    manuscript.write_text(manuscript.read_text().replace("The body is short.", "The body is short, and new."))
    real_fsync = os.fsync

    def full_disk(descriptor: int) -> None:
        if os.readlink(f"/proc/self/fd/{descriptor}").split("/")[-1].startswith(".ok.pdf."):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(descriptor)

    monkeypatch.setattr(writer.os, "fsync", full_disk)
    result = publish("build", "--jobs", "1", project=project)
    assert result.exit_code == 1
    assert "failed pdf/ok.pdf: could not write it: No space left on device" in result.output
    assert leaflet.read_bytes() == before
    assert not [path for path in (project / "output").rglob("*") if path.name.endswith(".tmp") and path.is_file()]
    monkeypatch.setattr(writer.os, "fsync", real_fsync)
    assert publish("build", project=project).exit_code == 0
    assert leaflet.read_bytes() != before
