"""Reading project files safely: only regular files under the allowed folders, after symlinks."""

from __future__ import annotations

from pathlib import Path


class UnsafePath(Exception):
    """A path that leads outside the folders the pipeline may read."""


def inside(path: Path, *roots: Path) -> Path:
    """The real path of a regular file under one of `roots`, or UnsafePath."""
    real = path.resolve()
    if not any(real.is_relative_to(root.resolve()) for root in roots):
        raise UnsafePath(f"{path} is outside {', '.join(str(root) for root in roots)}")
    if not real.is_file():
        raise UnsafePath(f"{path} is not a regular file")
    return real


def read_inside(path: Path, *roots: Path) -> bytes:
    return inside(path, *roots).read_bytes()
