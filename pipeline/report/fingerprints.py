"""Fingerprints that follow a problem from one run to the next, so that CI systems can tell a
new problem from one they have seen: made of what the problem is and where (file, code,
message), not of its line, which moves whenever text is added above it."""

from __future__ import annotations

import hashlib

from pipeline.base.diagnostics import Diagnostic


def fingerprints(diagnostics: list[Diagnostic]) -> list[str]:
    """One per diagnostic, unique in the run: the same problem twice in a file is told apart by
    its order."""
    seen: dict[tuple, int] = {}
    found = []
    for diagnostic in diagnostics:
        identity = (diagnostic.path, diagnostic.code, diagnostic.message)
        seen[identity] = seen.get(identity, 0) + 1
        text = "\0".join([*identity, str(seen[identity])])
        found.append(hashlib.sha256(text.encode("utf-8")).hexdigest())
    return found
