"""GitLab: a Code Quality report (a JSON array), which merge requests show inline and as a
widget of new and fixed problems."""

from __future__ import annotations

import json

from pipeline.base.diagnostics import Diagnostic
from pipeline.report.findings import Findings, told
from pipeline.report.fingerprints import fingerprints

CRITICAL = {"not-built", "difference", "not-verified"}  # an output is missing or says something else


def severity(findings: Findings, diagnostic: Diagnostic) -> str:
    """GitLab's scale: info, minor, major, critical, blocker."""
    if diagnostic.code == "internal-error":
        return "blocker"
    if diagnostic.code in CRITICAL:
        return "critical"
    return "major" if findings.fails(diagnostic) else "minor"


def code_quality(findings: Findings) -> str:
    issues = [{"description": told(diagnostic), "check_name": diagnostic.code, "fingerprint": fingerprint,
               "severity": severity(findings, diagnostic),
               "location": {"path": diagnostic.path, "lines": {"begin": diagnostic.line}}}
              for diagnostic, fingerprint in zip(findings.diagnostics, fingerprints(findings.diagnostics), strict=True)]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
