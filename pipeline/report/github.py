"""GitHub Actions: a workflow command per problem, which GitHub shows as an annotation on the
line, and a Markdown table of every problem for the job's summary page (GitHub shows only the
first ten annotations of each kind in a step; the summary has them all)."""

from __future__ import annotations

from pipeline.base.diagnostics import Diagnostic
from pipeline.report.findings import Findings, told


def workflow_commands(findings: Findings) -> str:
    return "".join(f"{command(findings, diagnostic)}\n" for diagnostic in findings.diagnostics)


def command(findings: Findings, diagnostic: Diagnostic) -> str:
    kind = "error" if findings.fails(diagnostic) else "warning"
    where = ",".join(f"{name}={escape_property(str(value))}" for name, value in (
        ("file", diagnostic.path), ("line", diagnostic.line), ("col", diagnostic.column), ("title", diagnostic.code)))
    return f"::{kind} {where}::{escape_data(told(diagnostic))}"


def escape_data(text: str) -> str:
    """A command's message may hold any text: GitHub reads %, CR and LF as escapes."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def step_summary(findings: Findings) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: a count, then a row per problem."""
    errors = sum(map(findings.fails, findings.diagnostics))
    warnings = len(findings.diagnostics) - errors
    lines = [f"### publish {findings.command}: {plural(errors, 'error')}, {plural(warnings, 'warning')}", ""]
    if findings.diagnostics:
        lines += ["| | file | line | code | problem |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {'error' if findings.fails(d) else 'warning'} | `{d.path}` | {d.line}:{d.column} | `{d.code}` | "
                  f"{cell(told(d))} |" for d in findings.diagnostics]
    return "\n".join(lines) + "\n\n"


def cell(text: str) -> str:
    """Text as one Markdown table cell: its bars and markup escaped, its lines joined (a message
    may quote a manuscript's raw HTML)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"
