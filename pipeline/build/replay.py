"""A build with nothing to do, answered from the last build's account.

A build stamps its cache folder (output/.cache, or --cache-dir) with a key of everything it reads (the pipeline and its tools, the
installed fonts, every file under manuscripts/ and the theme's folders, the options, today's
date, the commit git is at, SOURCE_DATE_EPOCH) and with what it found. When the key is the
same and every output it recorded is there, the next `publish build` tells that account again
without importing the pipeline's stages: the same problems, nothing written, everything up to
date. A build that met a bug, a lost worker or a time limit is not replayed: those may not
happen again.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
from pathlib import Path

from pipeline.base.diagnostics import Diagnostic, Severity
from pipeline.base.progress import Event
from pipeline.build.result import HAS_ERRORS, NOT_BUILT, BuildResult
from pipeline.output import keys, layout
from pipeline.output.writer import atomic_write, read_manifest
from pipeline.source.folders import MANUSCRIPTS, style_folders

REPLAYABLE_FAILURES = (HAS_ERRORS, NOT_BUILT.partition("{")[0])  # what the same inputs fail again


def inputs_key(root: Path, slugs: tuple[str, ...], formats: tuple[str, ...], page_size: str | None) -> str:
    return keys.build_key(root / MANUSCRIPTS, style_folders(root), slugs, formats, page_size,
                          datetime.date.today().isoformat(), git_commit(root), os.environ.get("SOURCE_DATE_EPOCH"))


def git_commit(root: Path) -> str | None:
    """The commit the project's repository is at (versions are checked against its history)."""
    try:
        found = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                               timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return found.stdout.strip() if found.returncode == 0 else None


def record_account(cache: Path, key: str, result: BuildResult) -> None:
    """Stamp output/ with the inputs' key and what the build found, when a next build may replay it
    (a build that finds the same again leaves the stamp as it was)."""
    if not replayable(result):
        return
    account = {"inputs": key, "diagnostics": [d.as_dict() for d in result.diagnostics],
               "outputs": sorted({*result.written, *result.skipped}), "failed": result.failed}
    data = json.dumps(account, ensure_ascii=False, sort_keys=True).encode("utf-8")
    stamp = cache / layout.BUILD_STAMP
    if not stamp.is_file() or stamp.read_bytes() != data:
        atomic_write(stamp, data)


def forget_account(cache: Path, key: str) -> None:
    """Until a build of other inputs has finished, there is nothing to replay: an interrupted one
    may have written outputs of its inputs under the account of others."""
    try:
        if json.loads((cache / layout.BUILD_STAMP).read_text(encoding="utf-8"))["inputs"] == key:
            return
    except (OSError, ValueError, KeyError, TypeError):
        pass
    (cache / layout.BUILD_STAMP).unlink(missing_ok=True)


def replayable(result: BuildResult) -> bool:
    return not result.bugs and all(reason.startswith(REPLAYABLE_FAILURES) for reason in result.failed.values()) \
        and not any(d.code == "resource-limit" for d in result.diagnostics)


def tell(result: BuildResult, on_event) -> BuildResult:
    """Tell a replayed build's failures as they happened in the build it repeats."""
    for subject, reason in result.failed.items():
        on_event(Event("failed", subject, reason))
    return result


def replay(root: Path, key: str, cache_dir: Path | None = None) -> BuildResult | None:
    """The last build's account, when it read what has the inputs `key` now (inputs_key) and its
    outputs are all there."""
    output = root.resolve() / layout.OUTPUT
    cache = cache_dir.resolve() if cache_dir else output / layout.CACHE
    try:
        account = json.loads((cache / layout.BUILD_STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    recorded = read_manifest(output)
    try:
        if account["inputs"] != key or not all(
                path in recorded and (output / path).is_file() for path in account["outputs"]):
            return None
        diagnostics = [Diagnostic(**{**item, "severity": Severity(item["severity"])}) for item in account["diagnostics"]]
        return BuildResult(diagnostics, skipped=list(account["outputs"]), failed=dict(account["failed"]))
    except (KeyError, TypeError, ValueError):  # an account this version cannot read: the build looks at everything
        return None
