"""The serve scenario of make bench: with `publish serve` already running on the corpus, how long
from a saved edit until the refreshed page, and the refreshed standard leaflet, are served;
and from a print-stylesheet edit until every leaflet is fresh.

Times end when the server has said it wrote the file (its event stream) and a request for
it has returned the new content, as a reader's browser would get it. The leaflet's own layout
time, which its target is counted from, is what the server's worker reported for that task.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import threading
import time
from pathlib import Path

EDITS = 7


class Running:
    """`publish serve` in the background, with its event stream read as it comes."""

    def __init__(self, publish: Path, root: Path, jobs: int) -> None:
        self.process = subprocess.Popen([str(publish), "serve", "--port", "0", "--jobs", str(jobs), "--project", str(root)],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        for line in self.process.stdout:
            if found := re.match(r"^serving http://([\d.]+):(\d+)/", line):
                self.host, self.port = found[1], int(found[2])
                break
        else:
            raise RuntimeError("publish serve did not start")
        threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()  # keep the pipe open
        self.news: queue.Queue = queue.Queue()
        threading.Thread(target=self.listen, daemon=True).start()
        self.wait_for(lambda told: told["kind"] == "built")  # the latest news, sent on connecting

    def listen(self) -> None:
        connection = http.client.HTTPConnection(self.host, self.port)
        connection.request("GET", "/__serve/events")
        response = connection.getresponse()
        while line := response.readline():
            if line.startswith(b"data: "):
                self.news.put((time.perf_counter(), json.loads(line[6:])))

    def wait_for(self, wanted, timeout: float = 600) -> float:
        return self.wait_for_news(wanted, timeout)[0]

    def wait_for_news(self, wanted, timeout: float = 600) -> tuple[float, dict]:
        """When the wanted news came, and what it said."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            at, told = self.news.get(timeout=timeout)
            if wanted(told):
                return at, told
        raise TimeoutError

    def get(self, path: str) -> bytes:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        connection.request("GET", path)
        return connection.getresponse().read()

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout=120)


def serve_run(publish: Path, root: Path, jobs: int, slugs: list[str], print_css: Path) -> dict:
    styles = root / "styles" / "print"
    styles.mkdir(parents=True, exist_ok=True)
    shutil.copy(print_css, styles / "leaflet.css")  # the project's own print stylesheet, to edit below
    server = Running(publish, root, jobs)
    try:
        page_times, leaflet_times, beyond_layout = [], [], []
        for number in range(EDITS):
            slug = slugs[2 + number % (len(slugs) - 2)]
            page_seconds, leaflet_seconds, layout_seconds = edit_and_wait(server, root, slug, number)
            page_times.append(page_seconds)
            leaflet_times.append(leaflet_seconds)
            beyond_layout.append(leaflet_seconds - layout_seconds)
            server.wait_for(lambda told: told["kind"] == "built")  # let the large print finish before the next edit
        saved = time.perf_counter()
        with (styles / "leaflet.css").open("a") as css:
            css.write("\nh1 { letter-spacing: 0.01em; }\n")
        all_leaflets = server.wait_for(lambda told: told["kind"] == "built") - saved
    finally:
        server.stop()
        shutil.rmtree(root / "styles")  # the other scenarios build with the bundled theme
    return {"edit to page served": statistics.median(page_times), "edit to page served (worst)": max(page_times),
            "edit to leaflet served": statistics.median(leaflet_times),
            "edit to leaflet served (worst)": max(leaflet_times),
            "edit to leaflet served, beyond its own layout": statistics.median(beyond_layout),
            "edit to leaflet served, beyond its own layout (worst)": max(beyond_layout),
            "print stylesheet edit to every leaflet fresh": all_leaflets}


def edit_and_wait(server: Running, root: Path, slug: str, number: int) -> tuple[float, float, float]:
    """Seconds from the save until the page, then the standard leaflet, were served; and the
    seconds the leaflet's own layout took (as its worker measured it)."""
    manuscript = root / "manuscripts" / f"{slug}.md"
    marker = f"Served edit {number} at {time.time_ns()}."
    before = hashlib.sha256(server.get(f"/__serve/leaflet/{slug}/standard/pdf")).hexdigest()
    saved = time.perf_counter()
    manuscript.write_text(manuscript.read_text() + f"\n{marker}\n")
    server.wait_for(lambda told: told["kind"] == "wrote" and f"web/{slug}.html" in told["paths"])
    assert marker in server.get(f"/{slug}.html").decode()
    page = time.perf_counter() - saved
    _at, wrote = server.wait_for_news(lambda told: told["kind"] == "wrote" and f"pdf/{slug}.pdf" in told["paths"])
    assert hashlib.sha256(server.get(f"/__serve/leaflet/{slug}/standard/pdf")).hexdigest() != before
    return page, time.perf_counter() - saved, wrote["seconds"]
