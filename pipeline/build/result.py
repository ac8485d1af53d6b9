"""What a build did: the problems it found, what it wrote, kept and could not make."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.base.diagnostics import Diagnostic


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # outputs that were already up to date
    failed: dict[str, str] = field(default_factory=dict)  # what could not be built, and why
    bugs: dict[str, str] = field(default_factory=dict)  # failures that were internal errors: tracebacks
    seconds: dict[str, float] = field(default_factory=dict)  # per article processed
    peak_memory: dict[int, int] = field(default_factory=dict)  # worker pid -> bytes
