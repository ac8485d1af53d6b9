"""The one place that writes to output/: atomic files, one writer per path, and the manifest."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

OUTPUT = "output"
MANIFEST = "manifest.json"


class WriteConflict(Exception):
    """Two outputs of one build claimed the same path."""


@dataclass
class OutputWriter:
    """Writes files under output/ atomically and records each in the manifest."""

    root: Path  # the output folder
    tool_versions: dict[str, str] = field(default_factory=dict)
    entries: dict[str, dict] = field(default_factory=dict)

    def write(self, relative: str, content: bytes | str, source_hash: str) -> Path:
        """Write one output; refuse a path this build has written already."""
        if relative in self.entries:
            raise WriteConflict(f"output/{relative} would be written twice in one build")
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = self.root / relative
        atomic_write(path, data)
        self.entries[relative] = {"sha256": hashlib.sha256(data).hexdigest(), "source": source_hash}
        return path

    def write_manifest(self, previous: dict | None = None) -> Path:
        """List every output with its hash, its source hash and the tool versions."""
        outputs = {**(previous or {}), **self.entries}
        outputs = {path: outputs[path] for path in sorted(outputs)
                   if not path.startswith(".") and (self.root / path).is_file()}
        manifest = {"tools": self.tool_versions, "outputs": outputs}
        path = self.root / MANIFEST
        atomic_write(path, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))
        return path


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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


def read_manifest(output: Path) -> dict:
    try:
        return json.loads((output / MANIFEST).read_text(encoding="utf-8")).get("outputs", {})
    except (OSError, ValueError):
        return {}


def clean_output(root: Path) -> int:
    """Empty output/ (keeping the folder); return how many entries were removed."""
    folder = root / OUTPUT
    if not folder.is_dir():
        return 0
    entries = list(folder.iterdir())
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return len(entries)
