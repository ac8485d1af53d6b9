"""pandoc kept running: each process converts article after article (pandoc/articles.lua).

A new pandoc for each article spent half of every conversion starting: its Lua engine and
citeproc's tables. Processes wait in a pool between conversions, one per thread that converts
at once. A process that dies, outlives an article's time limit or is interrupted is stopped,
and the next conversion starts a new one.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import tempfile
import threading
import time
from pathlib import Path

SCRIPT = Path(__file__).parent / "lua" / "articles.lua"
POLL_SECONDS = 0.25  # how often a wait for pandoc lets a time limit raised in its thread arrive
# pandoc's heap keeps some of every article it converts (about 200 kB), so a process retires
# after this many: its resident size stays near 180 MB (300 MB after 300 articles), and the
# next one's start adds half a millisecond to each conversion.
ARTICLES_PER_PROCESS = 100


class ConversionError(Exception):
    """Pandoc could not read or convert a manuscript."""


class PandocProcess:
    """One pandoc running articles.lua: an article's JSON in, its parts' JSON out."""

    def __init__(self, script: Path = SCRIPT) -> None:
        import pypandoc  # noqa: PLC0415 - locates the pandoc binary; a build with nothing to do never needs it

        self.errors = tempfile.TemporaryFile()  # only a pandoc that fails writes here (--quiet)
        self.process = subprocess.Popen(
            [pypandoc.get_pandoc_path(), "--sandbox", "--quiet",
             "--from", str(script), "--to", "html", os.devnull],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors)
        self.answered = 0

    def ask(self, request: bytes, timeout: float | None) -> bytes:
        """Send one line and wait for pandoc's one line back."""
        try:
            self.process.stdin.write(request + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            raise ConversionError(self.last_words()) from None
        deadline = None if timeout is None else time.monotonic() + timeout
        answer, out = b"", self.process.stdout.fileno()
        while not answer.endswith(b"\n"):  # JSON escapes line breaks: the only one ends the answer
            if deadline is not None and time.monotonic() > deadline:
                raise ConversionError(f"pandoc took longer than the limit of {timeout:g} s")
            if select.select([out], [], [], POLL_SECONDS)[0]:
                chunk = os.read(out, 1 << 20)
                if not chunk:
                    raise ConversionError(self.last_words())
                answer += chunk
        self.answered += 1
        return answer

    def last_words(self) -> str:
        """Why the process ended, as it said on stderr."""
        status = self.process.wait()
        self.errors.seek(0)
        said = self.errors.read().decode("utf-8", "replace").strip()
        return said or f"pandoc exited with status {status}"

    def stop(self) -> None:
        """End the process at once: it is idle, or its answer is no longer wanted."""
        self.process.kill()
        self.process.wait()
        self.close()

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except BrokenPipeError:  # the request a dead pandoc did not read: dropped, and the pipe closed
            pass
        self.process.stdout.close()
        self.errors.close()


_idle: list[PandocProcess] = []
_idle_lock = threading.Lock()


def converted(article: dict, timeout: float | None = None) -> dict:
    """pandoc's parts of one article (see pandoc/parts.lua), by a process kept for the next."""
    process = kept_process() or PandocProcess()
    try:
        answer = process.ask(json.dumps(article, ensure_ascii=False).encode("utf-8"), timeout)
    except BaseException:  # also a time limit or Ctrl-C in mid-answer: the process is lost
        process.stop()
        raise
    if process.answered < ARTICLES_PER_PROCESS:
        with _idle_lock:
            _idle.append(process)
    else:
        process.stop()
    parts = json.loads(answer)  # too deep to read: RecursionError, which convert() reports
    if "error" in parts:
        raise ConversionError(parts["error"])
    return parts


def kept_process() -> PandocProcess | None:
    """An idle process, if one is still running (the system may have stopped one that waited)."""
    while True:
        with _idle_lock:
            process = _idle.pop() if _idle else None
        if process is None or process.process.poll() is None:
            return process
        process.close()


@atexit.register
def end_all() -> None:
    while _idle:
        _idle.pop().stop()


def forget_inherited() -> None:
    """A forked process closes its copies of its parent's pipes and starts pandoc processes of its own."""
    global _idle_lock  # noqa: PLW0603 - a lock another thread held at the fork stays held in the child
    _idle_lock = threading.Lock()
    while _idle:
        _idle.pop().close()


os.register_at_fork(after_in_child=forget_inherited)
