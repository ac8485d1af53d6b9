"""publish serve: build, serve output/web/, and on every save rebuild what it affects and
refresh the open pages that show it (SPEC §10).

Three threads. The main thread builds: builds time articles out with SIGALRM, which only the
main thread may use, and Ctrl-C lands there, so an interrupted rebuild ends as `publish build`
does (finished outputs kept and recorded, nothing half-written). uvicorn serves in a second
thread, and watchfiles watches manuscripts/ and styles/ in a third. Each build tells the open
pages what it wrote and what problems it found, over server-sent events.

What the server adds to a page (the script that refreshes it and shows problems over it,
the leaflet preview) is added as it is served and never written to output/.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import queue
import re
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.base.diagnostics import Diagnostic, UsageError
from pipeline.base.files import UnsafePath, inside
from pipeline.base.pdfium import opened
from pipeline.build.run import build
from pipeline.build.tasks import preload_for_build
from pipeline.distribute.pool import Workers
from pipeline.examine.cache import ArticleCache
from pipeline.output import layout
from pipeline.output.keys import file_digest
from pipeline.output.layout import OUTPUT, VARIANTS
from pipeline.output.writer import Busy

PREFIX = "/__serve"
WATCH_STEP_MS = 10  # a save's changes are gathered until this long passes without another
KEEP_ALIVE_SECONDS = 15
PREVIEW_SCALE = 1.5  # leaflet pages as images at 108 dpi
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9-]+)?$")
ASSETS = Path(__file__).parent
FRESH = {"Cache-Control": "no-store"}  # nothing a preview serves may be cached: the next save changes it


@dataclass
class News:
    """What builds tell the open pages: handed from the building thread to the server's event loop."""

    latest: dict = field(default_factory=lambda: {"kind": "built", "generation": 0, "problems": []})
    loop: asyncio.AbstractEventLoop | None = None
    listeners: set = field(default_factory=set)

    def tell(self, message: dict) -> None:
        if message["kind"] == "built":
            self.latest = message
        elif message["kind"] == "wrote":  # a page is written only when its manuscript has no errors
            fixed = {layout.name_of_page(path) for path in message["paths"]} - {None}
            self.latest = {**self.latest, "problems": [p for p in self.latest["problems"]
                                                       if p["name"] not in fixed or p["severity"] != "error"]}
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.deliver, message)

    def deliver(self, message: dict | None) -> None:
        for listener in list(self.listeners):
            listener.put_nowait(message)

    def close(self) -> None:
        """End every event stream, so that the server can stop without cutting one off."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.deliver, None)

    async def stream(self):
        """One page's event stream: the latest build's news at once, then each piece as it comes."""
        self.loop = asyncio.get_running_loop()
        listener: asyncio.Queue = asyncio.Queue()
        self.listeners.add(listener)
        try:
            yield event(self.latest)
            while True:
                try:
                    message = await asyncio.wait_for(listener.get(), KEEP_ALIVE_SECONDS)
                except TimeoutError:
                    yield ": still here\n\n"
                    continue
                if message is None:
                    return
                yield event(message)
        finally:
            self.listeners.discard(listener)


def event(message: dict) -> str:
    return f"data: {json.dumps(message, ensure_ascii=False)}\n\n"


@dataclass
class Preview:
    """One project being previewed."""

    root: Path
    jobs: int
    cache_dir: Path | None
    echo: Callable[[str], None]
    stopping: threading.Event = field(default_factory=threading.Event)  # Ctrl-C was heard
    news: News = field(default_factory=News)
    generation: int = 0
    seen: dict[str, str] = field(default_factory=dict)  # each saved file's digest when a build last read it

    @property
    def output(self) -> Path:
        return self.root / OUTPUT

    def unseen(self, saved: set[str]) -> set[str]:
        """The saved files whose bytes differ from those the last build read: a late event of a
        burst of saves, or an editor writing the same bytes again, is no change."""
        digests = {path: file_digest(self.root / path) for path in saved}
        changed = {path for path, digest in digests.items() if self.seen.get(path) != digest}
        self.seen.update(digests)
        return changed

    def rebuild(self, workers, changed: set[str] = frozenset()) -> None:
        """Build what is stale, pages first, telling the pages as each output is written."""
        def on_event(happened) -> None:
            if self.stopping.is_set():
                raise KeyboardInterrupt
            if happened.kind == "wrote":
                self.news.tell({"kind": "wrote", "paths": [happened.subject], "seconds": happened.detail})

        started = time.perf_counter()
        if changed:
            self.echo("changed: " + ", ".join(sorted(changed)))
        try:
            result = build(self.root, jobs=self.jobs, cache_dir=self.cache_dir, workers=workers,
                           on_event=on_event)
        except Busy as error:
            self.echo(f"not rebuilt: {error}")
            return
        self.generation += 1
        self.news.tell({"kind": "built", "generation": self.generation, "changed": result.written,
                        "problems": [problem(d) for d in result.diagnostics]})
        self.report(result, changed, time.perf_counter() - started)

    def report(self, result, changed: set[str], seconds: float) -> None:
        """The terminal's account of a build: after the first, errors and the saved files' warnings."""
        for diagnostic in result.diagnostics:
            if not changed or diagnostic.severity == "error" or diagnostic.path in changed:
                self.echo(str(diagnostic))
        for subject, trace in result.bugs.items():
            self.echo(f"internal error in {subject} (a bug in publish, not in your manuscripts): "
                      f"{trace.strip().splitlines()[-1]}")
        written = len(result.written)
        self.echo(f"{'rebuilt' if changed else 'built'} {written} file{'s' * (written != 1)} in {seconds:.2f} s"
                  + (f", {len(result.failed)} failed" if result.failed else ""))


def problem(diagnostic: Diagnostic) -> dict:
    """A diagnostic as a page shows it, with the name of the manuscript it is about."""
    path = Path(diagnostic.path)
    return {**diagnostic.as_dict(), "where": f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}",
            "name": path.stem if path.suffix == ".md" else None}


def serve(root: Path, host: str, port: int, jobs: int, cache_dir: Path | None, echo: Callable[[str], None]) -> None:
    """Build, then serve and rebuild on every change until Ctrl-C."""
    import uvicorn  # noqa: PLC0415

    listening = bind(host, port)
    ArticleCache.keep_in_memory()
    stopping = remembered_interrupts()
    preview = Preview(root, jobs, cache_dir, echo, stopping)
    changes: queue.Queue = queue.Queue()
    stop = threading.Event()
    with Workers(jobs, preload_for_build) as workers:
        workers.warm()  # before any thread starts: the workers fork from a single-threaded process
        threading.Thread(target=watch, args=(root, changes, stop), daemon=True).start()  # saves during the first build count
        preview.rebuild(workers)
        server = uvicorn.Server(uvicorn.Config(application(preview), log_level="warning", lifespan="off",
                                               timeout_graceful_shutdown=1))
        serving = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
        serving.start()
        address, actual_port = listening.getsockname()[:2]
        echo(f"serving http://{'[' + address + ']' if ':' in address else address}:{actual_port}/ "
             "(leaflet previews at /__serve/leaflet/NAME); Ctrl-C stops")
        try:
            while True:
                changed = preview.unseen(next_changes(changes, root, stopping))
                if changed:
                    preview.rebuild(workers, changed)
        finally:
            stop.set()
            preview.news.close()
            server.should_exit = True
            serving.join(timeout=5)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as error:
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}"
                         + (" (try another --port)" if port else "")) from None


def watch(root: Path, changes: queue.Queue, stop: threading.Event) -> None:
    """Put each batch of saved paths under manuscripts/ and styles/ (made later too) on `changes`."""
    import watchfiles  # noqa: PLC0415

    root = root.resolve()  # watchfiles reports paths under the root as given ('./manuscripts' for '.')
    sources = [str(root / folder) + os.sep for folder in ("manuscripts", "styles")]
    editors = watchfiles.DefaultFilter()  # leaves out swap files, .git and the like

    def wanted(change, path: str) -> bool:
        return path.startswith(tuple(sources)) and editors(change, path)

    for batch in watchfiles.watch(root, watch_filter=wanted, stop_event=stop, step=WATCH_STEP_MS,
                                  raise_interrupt=False, ignore_permission_denied=True):
        changes.put({path for _change, path in batch})


def remembered_interrupts() -> threading.Event:
    """Ctrl-C and SIGTERM raise KeyboardInterrupt, and are remembered: one that lands while the
    interpreter runs a finalizer is swallowed there (printed as "Exception ignored"), so the
    build and the wait for saves also stop on the event."""
    heard = threading.Event()

    def interrupt(_signum, _frame) -> None:
        heard.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    return heard


def next_changes(changes: queue.Queue, root: Path, stopping: threading.Event) -> set[str]:
    """Wait for the next save; take every save that came with it, so a burst is one rebuild."""
    batch: set[str] = set()
    while not batch:
        if stopping.is_set():
            raise KeyboardInterrupt
        try:
            batch |= changes.get(timeout=0.5)  # a timeout, so that Ctrl-C is heard at once
        except queue.Empty:
            continue
    while not changes.empty():
        batch |= changes.get_nowait()
    return {relative(path, root) for path in batch}


def relative(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


# --- the web application -----------------------------------------------------------------

def application(preview: Preview):
    from starlette.applications import Starlette  # noqa: PLC0415
    from starlette.exceptions import HTTPException  # noqa: PLC0415
    from starlette.middleware import Middleware  # noqa: PLC0415
    from starlette.responses import FileResponse, Response, StreamingResponse  # noqa: PLC0415
    from starlette.routing import Mount, Route  # noqa: PLC0415

    async def events(_request):
        return StreamingResponse(preview.news.stream(), media_type="text/event-stream",
                                 headers=FRESH)

    async def script(_request):
        return Response((ASSETS / "serve.js").read_bytes(), media_type="text/javascript",
                        headers=FRESH)

    async def leaflet_page(request):
        name, variant = request.path_params["name"], request.query_params.get("variant", "standard")
        path = leaflet_file(preview, name, variant)
        pages = await asyncio.to_thread(page_count, path)
        return html_response(preview_page(name, variant, pages, layout.leaflet(name, variant)))

    async def leaflet_pages(request):
        name, variant = request.path_params["name"], request.path_params["variant"]
        path = leaflet_file(preview, name, variant)
        number = request.path_params["number"]
        if number == "count":
            return Response(json.dumps({"pages": await asyncio.to_thread(page_count, path)}),
                            media_type="application/json", headers=FRESH)
        if number == "pdf":
            return FileResponse(path, media_type="application/pdf", headers=FRESH)
        if not number.isdigit():
            raise HTTPException(404)
        image = await asyncio.to_thread(page_image, path, int(number))
        return Response(image, media_type="image/png", headers=FRESH)

    routes = [
        Route(f"{PREFIX}/events", events),
        Route(f"{PREFIX}/serve.js", script),
        Route(f"{PREFIX}/leaflet/{{name}}", leaflet_page),
        Route(f"{PREFIX}/leaflet/{{name}}/{{variant}}/{{number:str}}", leaflet_pages),
        Mount("/", app=PagesWithScript(preview)),
    ]
    return Starlette(routes=routes, middleware=[Middleware(RefusePathEscapes)])


class RefusePathEscapes:
    """403 for any request whose path climbs out ('..'), before routing; nothing else is served
    from outside output/web/ either (StaticFiles checks each file's real path)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and ".." in re.split(r"[/\\]", scope["path"]):
            from starlette.responses import PlainTextResponse  # noqa: PLC0415

            await PlainTextResponse("refused: the path leaves the site", status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def PagesWithScript(preview: Preview):  # noqa: N802 - a class made on demand: starlette is imported lazily
    from starlette.staticfiles import StaticFiles  # noqa: PLC0415

    class Pages(StaticFiles):
        """output/web/ as it is, but every HTML page gets the refresh script as it is served."""

        def file_response(self, full_path, stat_result, scope, status_code=200):
            if not str(full_path).endswith(".html"):
                response = super().file_response(full_path, stat_result, scope, status_code)
                response.headers.update(FRESH)
                return response
            served = layout.WEB + Path(full_path).resolve().relative_to((preview.output / layout.WEB).resolve()).as_posix()
            page = Path(full_path).read_text(encoding="utf-8")
            return html_response(with_script(page, served, leaflet_of(preview, served)), status_code)

    return Pages(directory=preview.output / layout.WEB, html=True, check_dir=False)


def html_response(page: str, status_code: int = 200):
    from starlette.responses import HTMLResponse  # noqa: PLC0415

    return HTMLResponse(page, status_code, headers=FRESH)


def with_script(page: str, shows: str, leaflet: str | None = None) -> str:
    """The page with the serve script before </body>: `shows` is the output it shows (the
    script refreshes the page when that is written), `leaflet` the article's preview name."""
    attributes = f' data-shows="{shows}"' + (f' data-leaflet="{leaflet}"' if leaflet else "")
    tag = f'<script src="{PREFIX}/serve.js"{attributes} defer></script>'
    at = page.rfind("</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


def leaflet_of(preview: Preview, page: str) -> str | None:
    name = layout.name_of_page(page)
    return name if name and (preview.output / layout.leaflet(name, "standard")).is_file() else None


def leaflet_file(preview: Preview, name: str, variant: str) -> Path:
    from starlette.exceptions import HTTPException  # noqa: PLC0415

    if not NAME.match(name) or variant not in VARIANTS:
        raise HTTPException(404)
    try:
        return inside(preview.output / layout.leaflet(name, variant), preview.output / layout.PDF)
    except (UnsafePath, FileNotFoundError):
        raise HTTPException(404) from None


def page_count(path: Path) -> int:
    stat = path.stat()
    return pages_in(str(path), stat.st_mtime_ns, stat.st_size)


def page_image(path: Path, number: int) -> bytes:
    from starlette.exceptions import HTTPException  # noqa: PLC0415

    stat = path.stat()  # once: the count and the page must come from the same version of the file
    if not 1 <= number <= pages_in(str(path), stat.st_mtime_ns, stat.st_size):
        raise HTTPException(404)
    return rendered_page(str(path), stat.st_mtime_ns, stat.st_size, number)


@lru_cache(maxsize=16)
def pages_in(path: str, _mtime: int, _size: int) -> int:
    """How many pages the leaflet has now (the key changes when the file is rewritten)."""
    with opened(Path(path).read_bytes()) as document:
        return len(document)


@lru_cache(maxsize=64)
def rendered_page(path: str, _mtime: int, _size: int, number: int) -> bytes:
    with opened(Path(path).read_bytes()) as document:
        image = document[number - 1].render(scale=PREVIEW_SCALE).to_pil()
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def preview_page(name: str, variant: str, pages: int, shows: str) -> str:
    """The leaflet preview: its pages as images, refreshed in place when the leaflet is rewritten."""
    import jinja2  # noqa: PLC0415

    template = jinja2.Template((ASSETS / "serve-leaflet.html").read_text(encoding="utf-8"), autoescape=True)
    return with_script(template.render(name=name, variant=variant, pages=pages, prefix=PREFIX,
                                       other=next(v for v in VARIANTS if v != variant)), shows)
