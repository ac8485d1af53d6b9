"""Diagnostics: located problems in content, collected across a run and printed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

CONTROL_CHARACTERS = {code: f"\\x{code:02x}" for code in range(32)} | {10: "\\n", 13: "\\r", 9: "\\t"}


class UsageError(Exception):
    """The command cannot run here as asked (no manuscripts/ folder, an unknown name, no git
    history): not a content problem and not a bug. The command line exits 2 with the message."""


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place in one file."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.severity.value}: {self.message}"
        # One problem, one line: control characters quoted from a manuscript are shown escaped.
        return (f"{text}: {self.hint}" if self.hint else text).translate(CONTROL_CHARACTERS)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class Reporter:
    """Collect diagnostics for one file at a time; positions are 1-based."""

    path: Path
    display_root: Path | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def display_path(self) -> str:
        if self.display_root is not None:
            try:
                return self.path.relative_to(self.display_root).as_posix()
            except ValueError:
                pass
        return self.path.as_posix()

    def error(self, position: tuple[int, int], code: str, message: str, hint: str = "") -> None:
        self._add(position, Severity.ERROR, code, message, hint)

    def warning(self, position: tuple[int, int], code: str, message: str, hint: str = "") -> None:
        self._add(position, Severity.WARNING, code, message, hint)

    def error_diagnostic(self, position: tuple[int, int], code: str, message: str, hint: str = "") -> Diagnostic:
        """An error for this file, made without recording it here."""
        return Diagnostic(self.display_path, position[0], position[1], Severity.ERROR, code, message, hint)

    def _add(self, position, severity, code, message, hint) -> None:
        line, column = position
        self.diagnostics.append(
            Diagnostic(self.display_path, line, column, severity, code, message, hint)
        )


def deduplicate(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Sort by file and position, dropping exact repeats."""
    return sorted(set(diagnostics), key=lambda d: (d.path, d.line, d.column, d.code, d.message))


def has_errors(diagnostics: list[Diagnostic], strict: bool = False) -> bool:
    """Errors fail a run; with --strict, so do warnings."""
    return any(d.severity is Severity.ERROR or strict for d in diagnostics)
