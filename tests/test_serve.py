"""publish serve, run for real: a subprocess on loopback, pages in Debian's Chromium.

Each test saves files the way an editor does and waits for what a reader would see: the
page's new text, the problems over the last good page, a leaflet preview redrawn. Waits
end on what is shown, never on a fixed delay.
"""

from __future__ import annotations

import http.client
import io
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_interruptions import as_foreground_job

from pipeline.preview.serve import next_changes, remembered_interrupts

FIXTURES = Path(__file__).parent / "fixtures"
BUNDLED_PRINT_CSS = Path(__file__).parent.parent / "styles" / "print" / "leaflet.css"
WAIT_MS = 30_000
PUBLISH = str(Path(sys.executable).parent / "publish")


class Server:
    """A running `publish serve`: its address, its project and what it has printed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.process = subprocess.Popen(
            [PUBLISH, "serve", "--port", "0", "--jobs", "1"], cwd=root,  # the project as "." as an author runs it
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"}, preexec_fn=as_foreground_job)
        self.lines: list[str] = []
        self.arrived: queue.Queue = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()
        serving = self.wait_for_line(r"^serving (http://\S+/)")
        self.url = re.match(r"^serving (http://\S+/)", serving)[1]

    def read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self.arrived.put(line)
        self.arrived.put(None)

    def wait_for_line(self, pattern: str, after: int = 0, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in self.lines[after:] if re.search(pattern, line)]
            if found:
                return found[0]
            try:
                if self.arrived.get(timeout=0.2) is None and not any(re.search(pattern, l) for l in self.lines[after:]):
                    raise AssertionError("publish serve stopped:\n" + "\n".join(self.lines))
            except queue.Empty:
                pass
        raise AssertionError(f"no line like {pattern!r}:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        """Ctrl-C, as a terminal sends it."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise AssertionError("publish serve did not stop on Ctrl-C:\n" + "\n".join(self.lines)) from None


def start(tmp_path: Path, with_print_styles: bool = False) -> Server:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "base" / "manuscripts", root / "manuscripts")
    if with_print_styles:
        (root / "styles" / "print").mkdir(parents=True)
        shutil.copy(BUNDLED_PRINT_CSS, root / "styles" / "print" / "leaflet.css")
    return Server(root)


@pytest.fixture
def server(tmp_path: Path):
    running = start(tmp_path)
    yield running
    assert running.stop() == 0, "\n".join(running.lines)
    assert_nothing_half_written(running.root)


def assert_nothing_half_written(root: Path) -> None:
    temporary = root / "output" / ".tmp"
    assert not temporary.exists() or not any(temporary.iterdir())
    served = [path for path in (root / "output").rglob("*") if path.is_file() and path.suffix in (".html", ".js")]
    assert not [path for path in served if b"__serve" in path.read_bytes()]  # the script is added, never written


def save(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_binds_to_loopback_by_default(server: Server) -> None:
    assert server.url.startswith("http://127.0.0.1:")


def test_a_saved_edit_shows_on_the_open_page(server: Server, page) -> None:
    page.goto(server.url + "ok.html")
    page.evaluate("window.openedBeforeTheEdit = true")
    save(server.root / "manuscripts" / "ok.md", "The body is short.", "The body was edited while the page was open.")
    page.locator("main").get_by_text("The body was edited while the page was open.").wait_for(timeout=WAIT_MS)
    assert page.evaluate("window.openedBeforeTheEdit === undefined")  # the page reloaded itself


def test_a_broken_manuscript_shows_its_problem_over_the_last_good_page(server: Server, page) -> None:
    page.goto(server.url + "ok.html")
    manuscript = server.root / "manuscripts" / "ok.md"
    save(manuscript, "It has one picture.", "It cites a source that is not listed [@missing].")
    problems = page.locator("#publish-serve-problems")
    problems.wait_for(state="visible", timeout=WAIT_MS)
    assert re.search(r"manuscripts/ok\.md:\d+:\d+: error: .*missing", problems.inner_text())
    assert "It has one picture." in page.locator("main").inner_text()  # the last good page stays
    assert re.search(r"manuscripts/ok\.md:\d+:\d+: error: .*missing", "\n".join(server.lines))  # and in the terminal
    save(manuscript, "It cites a source that is not listed [@missing].", "It has one picture, fixed.")
    page.locator("main").get_by_text("It has one picture, fixed.").wait_for(timeout=WAIT_MS)
    problems.wait_for(state="hidden", timeout=WAIT_MS)


def test_a_burst_of_saves_is_one_rebuild_of_the_final_state(server: Server, page) -> None:
    page.goto(server.url + "ok.html")
    manuscript = server.root / "manuscripts" / "ok.md"
    before = len(server.lines)
    text = manuscript.read_text(encoding="utf-8")
    for number in range(1, 6):
        manuscript.write_text(text.replace("The body is short.", f"Saved {number} times."), encoding="utf-8")
    page.locator("main").get_by_text("Saved 5 times.").wait_for(timeout=WAIT_MS)
    server.wait_for_line(r"^rebuilt", after=before)
    time.sleep(0.5)  # room for a second rebuild to show itself, if there were one (none is expected)
    assert sum(line.startswith("changed:") for line in server.lines[before:]) == 1, server.lines[before:]
    assert "Saved 5 times." in fetch(server, "/ok.html")[1]


def test_a_print_stylesheet_edit_redraws_the_leaflet_preview(tmp_path: Path, page) -> None:
    from PIL import Image

    server = start(tmp_path, with_print_styles=True)
    try:
        page.goto(server.url + "__serve/leaflet/ok")
        first = page.locator("#pages img").first
        first.wait_for(timeout=WAIT_MS)
        assert not red_pixels(Image.open(io.BytesIO(fetch_bytes(server, "/__serve/leaflet/ok/standard/1"))))
        with (server.root / "styles" / "print" / "leaflet.css").open("a", encoding="utf-8") as css:
            css.write("\nh1 { color: rgb(220, 0, 0); }\n")
        page.wait_for_function("document.getElementById('pages').dataset.refreshed", timeout=WAIT_MS)
        shown = page.locator("#pages img").first.get_attribute("src")
        assert red_pixels(Image.open(io.BytesIO(fetch_bytes(server, shown))))
    finally:
        assert server.stop() == 0
    assert_nothing_half_written(server.root)


def red_pixels(image) -> int:
    return sum(1 for r, g, b in image.convert("RGB").get_flattened_data() if r > 180 and g < 60 and b < 60)


def test_paths_out_of_the_site_are_refused(server: Server) -> None:
    for path in ("/../manuscripts/ok.md", "/%2e%2e/manuscripts/ok.md", "/assets/../../manuscripts/ok.md",
                 "/__serve/leaflet/..%2Fok", "/__serve/leaflet/ok/standard/..%2F..%2Fmanuscripts"):
        status, body = fetch(server, path)
        assert status in (403, 404), path
        assert "title: A valid article" not in body
    (server.root / "output" / "web" / "outside").symlink_to(server.root / "manuscripts")
    assert fetch(server, "/outside/ok.md")[0] == 404


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_ctrl_c_swallowed_by_a_finalizer_still_stops_the_wait_for_saves() -> None:
    class Finalized:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # the handler runs here, and its KeyboardInterrupt is lost
                pass

    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        stopping = remembered_interrupts()
        Finalized()
        assert stopping.is_set()
        saves: queue.Queue = queue.Queue()
        saves.put({"manuscripts/ok.md"})  # a save waiting: stopping goes before rebuilding
        with pytest.raises(KeyboardInterrupt):
            next_changes(saves, Path("."), stopping)
    finally:
        signal.signal(signal.SIGINT, handlers[0])
        signal.signal(signal.SIGTERM, handlers[1])


def test_a_port_in_use_is_a_usage_error(server: Server) -> None:
    port = server.url.rsplit(":", 1)[1].strip("/")
    result = subprocess.run([PUBLISH, "serve", "--port", port, "--project",
                             str(server.root)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def fetch(server: Server, path: str) -> tuple[int, str]:
    status, body = request(server, path)
    return status, body.decode("utf-8", "replace")


def fetch_bytes(server: Server, path: str) -> bytes:
    status, body = request(server, path)
    assert status == 200, path
    return body


def request(server: Server, path: str) -> tuple[int, bytes]:
    """A raw request: the path goes out exactly as written, dots and all."""
    host, port = server.url.removeprefix("http://").strip("/").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def test_pages_go_before_leaflets_in_workers_kept_between_builds(tmp_path: Path) -> None:
    """What serve asks of build(): every stale page written before any leaflet is laid out, by
    worker processes that stay the same from one build to the next."""
    from pipeline.build.run import build
    from pipeline.distribute.pool import Workers
    from pipeline.output import layout

    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "base" / "manuscripts", root / "manuscripts")
    for copy in ("second", "third"):
        shutil.copy(root / "manuscripts" / "ok.md", root / "manuscripts" / f"{copy}.md")
    with Workers(2) as workers:
        workers.warm()
        started = {process.pid for process in workers.pool._processes.values()}  # noqa: SLF001
        for edit in range(2):
            written: list[str] = []
            result = build(root, workers=workers,
                           on_event=lambda e: e.kind == "wrote" and written.append(e.subject))
            assert not result.failed and not result.bugs
            pages = [number for number, path in enumerate(written) if layout.name_of_page(path)]
            leaflets = [number for number, path in enumerate(written) if path.startswith("pdf/")]
            assert len(pages) == 3 - 2 * edit and leaflets and max(pages) < min(leaflets), written
            if edit == 0:
                save(root / "manuscripts" / "ok.md", "The body is short.", "The body was edited.")
        assert {process.pid for process in workers.pool._processes.values()} == started  # noqa: SLF001


def test_a_written_page_clears_its_own_errors_and_nothing_else() -> None:
    from pipeline.preview.serve import News

    problems = [{"name": "ok", "severity": "error"}, {"name": None, "severity": "error"},  # publication.yaml
                {"name": "ok", "severity": "warning"}, {"name": "other", "severity": "error"}]
    news = News()
    news.tell({"kind": "built", "generation": 1, "changed": [], "problems": problems})
    news.tell({"kind": "wrote", "paths": ["web/index.html", "web/a-z.html"]})
    assert news.latest["problems"] == problems
    news.tell({"kind": "wrote", "paths": ["web/ok.html"]})
    assert news.latest["problems"] == problems[1:]
