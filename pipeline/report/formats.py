"""The formats a command can tell its findings in (--format), and where each goes."""

from __future__ import annotations

import json
import os

from pipeline.report.findings import Findings
from pipeline.report.github import step_summary, workflow_commands
from pipeline.report.gitlab import code_quality
from pipeline.report.junit import junit_xml
from pipeline.report.sarif import sarif_log

FORMATS = ("text", "json", "github", "gitlab", "sarif", "junit")
DOCUMENTS = {  # formats that are one document on standard output: the human account goes to standard error
    "json": lambda findings: json.dumps(findings.as_json(), indent=2, ensure_ascii=False) + "\n",
    "gitlab": code_quality,
    "sarif": sarif_log,
    "junit": junit_xml,
}


def default_format() -> str:
    """text, or github inside GitHub Actions (which sets GITHUB_ACTIONS=true in every step)."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def is_document(name: str) -> bool:
    return name in DOCUMENTS


def told_in(findings: Findings, name: str) -> str:
    """What the format adds to standard output after the human account: the document, the
    workflow commands, or nothing (text)."""
    if name in DOCUMENTS:
        return DOCUMENTS[name](findings)
    if name == "github":
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:  # the runner's file for the job's summary page; each step appends to it
            with open(summary, "a", encoding="utf-8") as file:
                file.write(step_summary(findings))
        return workflow_commands(findings)
    return ""
