"""What a build did: the problems it found, what it wrote, kept and could not make."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.base.diagnostics import Diagnostic

# Why an output could not be made: the first two the same inputs meet again (build/replay.py).
HAS_ERRORS = "the manuscript has errors; its last good outputs are kept"
NOT_BUILT = "not built: {} cannot be built"
LOST = "its worker process stopped before finishing it (killed?); run the build again"
BUG_HELP = "this is a bug in the pipeline, not a problem in the manuscripts"


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # outputs that were already up to date
    failed: dict[str, str] = field(default_factory=dict)  # what could not be built, and why
    bugs: dict[str, str] = field(default_factory=dict)  # failures that were internal errors: tracebacks
    seconds: dict[str, float] = field(default_factory=dict)  # per article processed
    peak_memory: dict[int, int] = field(default_factory=dict)  # worker pid -> bytes
