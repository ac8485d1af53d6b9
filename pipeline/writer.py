"""The one place that writes to output/."""

from __future__ import annotations

import shutil
from pathlib import Path

OUTPUT = "output"


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
