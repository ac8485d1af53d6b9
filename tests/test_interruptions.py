"""Nothing lost: interrupted, killed, concurrent and failing builds never leave a broken output."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO, publish

PUBLISH = Path(sys.executable).parent / "publish"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The samples, six times over (18 articles, 95 outputs): when a build with two workers writes
    its first output, most of its work is still to come."""
    root = tmp_path / "corpus"
    shutil.copytree(REPO / "manuscripts", root / "manuscripts")
    for copy in range(5):
        for sample in ("b12-joint-stiffness", "b12-neck-stiffness", "b12-tests-and-treatment"):
            source = (root / "manuscripts" / f"{sample}.md").read_text()
            (root / "manuscripts" / f"{sample}-{copy}.md").write_text(source.replace("\ntitle: ", f"\ntitle: Copy {copy} of ", 1))
    return root


def start_build(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([str(PUBLISH), "build", "--project", str(root), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "CI": "1"})


def build_stopped_at_its_first_output(root: Path, stop) -> tuple[int, list[str], str]:
    """Run `publish build --jobs 2` in CI mode and call stop(process) as soon as it prints its first
    `wrote output/...` line, while the other articles are still to do; return the exit status, the
    outputs it reported writing, and everything it printed (stdout, then stderr).

    No sleeping: the build's own progress lines say when it is in the middle of its work.
    """
    with tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen([str(PUBLISH), "build", "--project", str(root), "--jobs", "2"],
                                   stdout=subprocess.PIPE, stderr=stderr, text=True,
                                   env={**os.environ, "CI": "1", "PYTHONUNBUFFERED": "1"}, start_new_session=True,
                                   preexec_fn=as_foreground_job)
        lines: queue.Queue = queue.Queue()

        def read() -> None:
            for line in process.stdout:
                lines.put(line)
            lines.put(None)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        printed, written = [], []
        try:
            while (line := lines.get(timeout=300)) is not None:
                printed.append(line)
                if line.startswith("wrote output/"):
                    if not written:
                        stop(process)
                    written.append(line.removeprefix("wrote output/").strip())
            process.wait(timeout=120)
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)  # the build and its workers (its own session)
            process.wait()
            raise
        finally:
            reader.join(timeout=10)
            process.stdout.close()
        stderr.seek(0)
        output = "".join(printed) + stderr.read()
    assert written, f"the build ended without writing anything:\n{ending(output)}"
    return process.returncode, written, output


def as_foreground_job() -> None:
    """Give the build Ctrl-C's default action, as a terminal's foreground job has it: a test run
    started as a background job of a shell script inherits SIGINT ignored, and Python then
    leaves it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def ending(output: str, lines: int = 25) -> str:
    """The end of what a build printed, for an assertion's message."""
    return "\n".join(output.splitlines()[-lines:])


def published_outputs(root: Path) -> set[str]:
    """Every output a full build makes (the hidden folders and the manifest aside)."""
    output = root / "output"
    return {path.relative_to(output).as_posix() for path in output.rglob("*")
            if path.is_file() and not path.relative_to(output).parts[0].startswith(".") and path.name != "manifest.json"}


def assert_stopped_mid_build(root: Path, written: list[str], repaired: list[str]) -> None:
    """The stop landed while the build was still working: once the next build has made every
    output, some of them had not been written by the stopped build, and the next build wrote those."""
    everything = published_outputs(root)
    written = [path for path in written if not path.startswith("web/pagefind/")]  # the index is made whole again
    assert set(written) <= everything, sorted(set(written) - everything)
    assert len(set(written)) < len(everything), f"the stopped build wrote all {len(everything)} outputs"
    assert (everything - set(written)) & set(repaired), "the next build had nothing left to do"


def worker_pids(pid: int) -> list[int]:
    """The build's worker processes: its children that run the same command line (forked)."""

    def read(path: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except (FileNotFoundError, ProcessLookupError):  # gone in the meantime
            return b""

    command = read(f"/proc/{pid}/cmdline")
    children = [int(child) for task in Path(f"/proc/{pid}/task").iterdir() for child in read(f"{task}/children").split()]
    return [child for child in children if read(f"/proc/{child}/cmdline") == command]


def kill_a_worker(process: subprocess.Popen) -> None:
    workers = worker_pids(process.pid)
    assert workers, "the build should be running its workers"
    os.kill(workers[0], signal.SIGKILL)


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


def assert_next_build_repairs(root: Path) -> list[str]:
    """The next build succeeds and verifies; return what it wrote."""
    result = publish("build", project=root)
    assert result.exit_code == 0, result.output
    assert publish("verify", project=root).exit_code == 0
    return [line.removeprefix("wrote output/") for line in result.output.splitlines() if line.startswith("wrote output/")]


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_build_leaves_whole_files_and_the_next_build_repairs(corpus: Path, signal_number: int) -> None:
    status, written, output = build_stopped_at_its_first_output(corpus, lambda process: process.send_signal(signal_number))
    assert status == 130, ending(output)
    assert "build interrupted" in output and "Traceback" not in output, ending(output)
    assert not [p for p in (corpus / "output").rglob("*.tmp") if ".tmp" not in p.relative_to(corpus / "output").parts[:1]]
    assert_every_output_whole(corpus)
    repaired = assert_next_build_repairs(corpus)
    assert_stopped_mid_build(corpus, written, repaired)


def test_killed_worker_fails_the_build_cleanly(corpus: Path) -> None:
    status, written, output = build_stopped_at_its_first_output(corpus, kill_a_worker)
    assert status == 1, ending(output)
    assert "its worker process stopped before finishing it" in output, ending(output)
    assert "Traceback" not in output, ending(output)
    assert_every_output_whole(corpus)
    repaired = assert_next_build_repairs(corpus)
    assert_stopped_mid_build(corpus, written, repaired)


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
    from pipeline.output import writer

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


ANSWERS: list = []  # the result queue of the pool a test starts, set before its workers are forked


def half_an_answer(written: Path, then=lambda: time.sleep(600)) -> None:
    """Begin an answer on the pool's result pipe and never finish it: a worker stopped while it
    sent a large outcome (a leaflet's bytes) leaves the pipe so."""
    import struct

    os.write(ANSWERS[-1]._writer.fileno(), struct.pack("!i", 1000) + b"only ten b")  # a header for 1,000 bytes
    written.touch()
    then()


@dataclasses.dataclass
class DiesMidAnswer:
    """A task whose worker is killed halfway through sending its outcome (SIGKILL, as the
    interruption test's kill does when it falls while a leaflet's bytes go down the pipe)."""

    slug: str
    written: Path
    limit: float = 60.0
    size: int = 1  # the largest: it starts first

    def __call__(self) -> None:
        half_an_answer(self.written, then=lambda: os.kill(os.getpid(), signal.SIGKILL))


@dataclasses.dataclass
class Quick:
    slug: str
    limit: float = 60.0
    size: int = 0

    def __call__(self) -> str:
        return self.slug


def test_a_worker_killed_mid_answer_loses_its_tasks_and_the_build_goes_on(tmp_path: Path) -> None:
    """The pool's thread waits for the rest of the dead worker's answer and never sees the pool
    broken; the build must notice the dead worker itself, or it waits for ever."""
    from pipeline.distribute.pool import Workers, preload_nothing

    done, lost = [], []
    with Workers(2, preload_work=preload_nothing) as workers:
        ANSWERS.append(workers.start_pool()._result_queue)  # its workers are forked at the first task
        tasks = [DiesMidAnswer("dies", tmp_path / "written"), *(Quick(f"quick-{n}") for n in range(3))]
        collecting = threading.Thread(target=lambda: lost.extend(workers.run(tasks, done.append)), daemon=True)
        collecting.start()
        collecting.join(timeout=60)
        assert not collecting.is_alive(), "the build waited for ever on a worker killed mid-answer"
    assert "dies" in lost and set(lost) | {outcome.slug for outcome in done} == {task.slug for task in tasks}


def test_stopping_the_pool_ends_its_wait_for_an_unfinished_answer(tmp_path: Path) -> None:
    """The pool's thread reads that answer to its end; once the workers are stopped, nothing would
    end it, and the interpreter's exit waits for that thread: an interrupted build never exited."""
    from pipeline.distribute.pool import Workers, preload_nothing

    workers = Workers(2, preload_work=preload_nothing)
    pool = workers.start_pool()
    ANSWERS.append(pool._result_queue)  # its workers are forked at the first task
    written = tmp_path / "written"
    pool.submit(half_an_answer, written)
    workers.processes = list(pool._processes.values())  # as start keeps them, to stop them
    while not written.exists():  # the answer is in the pipe: the pool's thread will wait for the rest
        time.sleep(0.01)
    thread = pool._executor_manager_thread
    workers.stop()
    thread.join(timeout=60)
    assert not thread.is_alive()
