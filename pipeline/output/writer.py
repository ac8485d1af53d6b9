"""The one place that writes to output/: atomic files, one writer per path, and the manifest."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.output.layout import LOCK, MANIFEST, OUTPUT, TEMPORARY


class WriteConflict(Exception):
    """Two outputs of one build claimed the same path."""


@dataclass(frozen=True)
class Recorded:
    """An output as the manifest records it."""

    sha256: str  # of the file's bytes
    source: str  # the input key it was made from
    stale: bool = False  # kept from an earlier build because this one could not remake it

    def as_stale(self) -> "Recorded":
        return replace(self, stale=True)

    def as_json(self) -> dict:
        data = {"sha256": self.sha256, "source": self.source}
        return {**data, "stale": True} if self.stale else data


@dataclass
class OutputWriter:
    """Writes files under output/ atomically and records each in the manifest."""

    root: Path  # the output folder
    tool_versions: dict[str, str] = field(default_factory=dict)
    entries: dict[str, Recorded] = field(default_factory=dict)

    def write(self, relative: str, content: bytes | str, source_hash: str) -> Path:
        """Write one output; refuse a path this build has written already."""
        if relative in self.entries:
            raise WriteConflict(f"output/{relative} would be written twice in one build")
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = self.root / relative
        atomic_write(path, data, self.root / TEMPORARY)
        self.entries[relative] = Recorded(hashlib.sha256(data).hexdigest(), source_hash)
        return path

    def write_manifest(self, previous: dict[str, Recorded] | None = None) -> Path:
        """List every output with its hash, its source hash and the tool versions."""
        outputs = {**(previous or {}), **self.entries}
        outputs = {path: outputs[path].as_json() for path in sorted(outputs)
                   if not path.startswith(".") and (self.root / path).is_file()}
        manifest = {"tools": self.tool_versions, "outputs": outputs}
        path = self.root / MANIFEST
        atomic_write(path, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"), self.root / TEMPORARY)
        return path


def atomic_write(path: Path, data: bytes, temporary_dir: Path | None = None) -> None:
    """Write to a temporary file (in `temporary_dir`, same file system), then rename it into place:
    readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = temporary_dir or path.parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_tools(output: Path) -> dict:
    try:
        return json.loads((output / MANIFEST).read_text(encoding="utf-8")).get("tools", {})
    except (OSError, ValueError):
        return {}


def read_manifest(output: Path) -> dict[str, Recorded]:
    try:
        outputs = json.loads((output / MANIFEST).read_text(encoding="utf-8")).get("outputs", {})
        return {path: Recorded(entry["sha256"], entry["source"], bool(entry.get("stale"))) for path, entry in outputs.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # no manifest, or one this version cannot read: everything is made again


def clean_output(root: Path) -> int:
    """Empty output/ (keeping the folder and its lock); return how many entries were removed."""
    folder = root / OUTPUT
    if not folder.is_dir():
        return 0
    with exclusive(folder):
        entries = [entry for entry in folder.iterdir() if entry.name != LOCK]
        for entry in entries:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        (folder / LOCK).unlink(missing_ok=True)  # last, while still held
    return len(entries)


class Busy(Exception):
    """Another build holds the lock on this output folder."""


@contextmanager
def exclusive(output: Path):
    """Hold output/.lock for one build; fail fast if another holds it. Clears stale temporary files."""
    output.mkdir(parents=True, exist_ok=True)
    with open(output / LOCK, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy("another publish build is writing to output/; run this one when it has finished") from None
        shutil.rmtree(output / TEMPORARY, ignore_errors=True)
        try:
            yield
        finally:
            shutil.rmtree(output / TEMPORARY, ignore_errors=True)
            fcntl.flock(lock, fcntl.LOCK_UN)
