"""Where a project keeps what a build reads: its manuscripts, its own styles, and the bundled theme."""

from __future__ import annotations

from pathlib import Path

MANUSCRIPTS = "manuscripts"
STYLES = "styles"
BUNDLED = Path(__file__).resolve().parents[2] / STYLES  # the theme every project falls back to


def style_folders(root: Path) -> list[Path]:
    """The theme's folders, the project's own first when it has one."""
    own = (root / STYLES).resolve()
    return list(dict.fromkeys([own, BUNDLED] if own.is_dir() else [BUNDLED]))
