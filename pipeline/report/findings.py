"""What one command found, as one list of located diagnostics, whatever it was: a check's
problems, an output a build could not make, a difference verify saw, an overdue review.

Every format is written from this one model, so they all carry the same problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.diagnostics import Diagnostic, Severity, has_errors
from pipeline.report.codes import FAMILIES
from pipeline.source.folders import MANUSCRIPTS

JSON_VERSION = 1  # raised when a field changes meaning or goes away; new fields may appear at any time
COMMAND_FAMILIES = {  # the families of checks each command runs, for a test report's passing cases
    "check": [name for name in FAMILIES if name not in ("build", "verify", "print")],
    "build": [name for name in FAMILIES if name != "verify"],
    "merge": [name for name in FAMILIES if name != "verify"],
    "verify": [name for name in FAMILIES if name not in ("build", "print")],
    "status": ["review"],
    "translations": ["translations"],
    "preflight": ["print"],
}


@dataclass
class Findings:
    command: str  # check, build, verify or status
    diagnostics: list[Diagnostic]
    subjects: list[str] = field(default_factory=list)  # every file looked at, problems or not
    strict: bool = False  # warnings fail the command (check --strict)
    facts: dict = field(default_factory=dict)  # the command's own account: outputs, grades, timings

    @property
    def failed(self) -> bool:
        return has_errors(self.diagnostics, self.strict)

    def fails(self, diagnostic: Diagnostic) -> bool:
        return diagnostic.severity is Severity.ERROR or self.strict

    def as_json(self) -> dict:
        """The JSON contract (docs/diagnostics.md): a version, the command, its diagnostics, its account."""
        return {"version": JSON_VERSION, "command": self.command,
                "diagnostics": [diagnostic.as_dict() for diagnostic in self.diagnostics], **self.facts}


def told(diagnostic: Diagnostic) -> str:
    """A diagnostic's message with its hint, as an annotation shows it (the place is shown apart)."""
    return f"{diagnostic.message}: {diagnostic.hint}" if diagnostic.hint else diagnostic.message


def manuscript_path(name: str) -> str:
    """A manuscript's path as diagnostics give it (relative to the project)."""
    return f"{MANUSCRIPTS}/{name}.md"


def subject_path(subject: str) -> str:
    """Where a build failure belongs: an article's manuscript, publication.yaml, or the output itself."""
    if subject == "publication.yaml":
        return f"{MANUSCRIPTS}/publication.yaml"
    return f"output/{subject}" if "/" in subject else manuscript_path(subject)


def error(path: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, 1, 1, Severity.ERROR, code, message)


def check_findings(result, strict: bool, root: Path, names: tuple[str, ...]) -> Findings:
    readability = {article.slug: [{"measure": m.name, "value": m.value, "scale": m.scale} for m in article.readability]
                   for article in result.articles if article.converted}
    return Findings("check", result.diagnostics, subjects_of(root, names), strict,
                    {"readability": readability, "failed": result.failed})


def build_findings(result, root: Path, names: tuple[str, ...], command: str = "build") -> Findings:
    """The build's diagnostics, and each output it could not make (an article's at its manuscript)."""
    failures = [error(subject_path(subject), "internal-error" if subject in result.bugs else "not-built",
                      f"not built: {reason}") for subject, reason in sorted(result.failed.items())]
    facts = {"written": result.written, "up_to_date": result.skipped, "failed": result.failed,
             "seconds": {slug: round(seconds, 3) for slug, seconds in result.seconds.items()},
             "peak_memory_mb": {str(pid): round(size / 2**20, 1) for pid, size in result.peak_memory.items()},
             "internal_errors": result.bugs}
    return Findings(command, [*result.diagnostics, *failures], subjects_of(root, names), facts=facts)


def verify_findings(result, root: Path, names: tuple[str, ...]) -> Findings:
    """The check's errors, each difference (at the article's manuscript) and each article not verified."""
    errors = [d for d in result.check.diagnostics if d.severity is Severity.ERROR]
    differences = [error(manuscript_path(d.article), "difference", f"[{d.format}] {d.element}: expected "
                         f"{d.expected!r}, found {d.found!r}") for d in result.differences]
    unverified = [error(manuscript_path(article), "not-verified", f"not verified: {reason}")
                  for article, reason in sorted(result.unverified.items())]
    facts = {"differences": [d.as_dict() for d in result.differences], "unverified": result.unverified,
             "checked": [{"article": c.article, "format": c.format, "elements": c.checked} for c in result.comparisons],
             "seconds": {slug: round(seconds, 3) for slug, seconds in result.seconds.items()}}
    return Findings("verify", [*errors, *differences, *unverified], subjects_of(root, names), facts=facts)


def status_findings(result, fail_overdue: bool, root: Path, names: tuple[str, ...]) -> Findings:
    """Front matter that could not be read, and each overdue article (an error with --fail-overdue)."""
    severity = Severity.ERROR if fail_overdue else Severity.WARNING
    overdue = [Diagnostic(manuscript_path(row.name), *row.review_date_at, severity, "overdue",
                          f"overdue for review: the review date {row.review_date.isoformat()} has passed")
               for row in result.overdue]
    facts = {"articles": [row.as_dict() for row in result.rows]}
    return Findings("status", [*result.diagnostics, *overdue], subjects_of(root, names), facts=facts)


def translations_findings(result, fail_outdated: bool, root: Path, names: tuple[str, ...]) -> Findings:
    """Each translation not up to date with its source, at its manuscript (an error with --fail-outdated)."""
    severity = Severity.ERROR if fail_outdated else Severity.WARNING
    behind = [Diagnostic(manuscript_path(row.name), 1, 1, severity,
                         "translation-unaccepted" if row.state == "never-accepted" else "translation-outdated",
                         f"translation {row.describe()} (against {row.source}.md)")
              for row in result.rows if row.state != "up-to-date"]
    facts = {"translations": [{"name": row.name, "lang": result.langs[row.name], "state": row.state,
                               "source-version": row.source_version, "outdated": [block.name for block in row.outdated],
                               "removed": row.removed} for row in result.rows],
             "accepted": result.accepted}
    return Findings("translations", [*result.diagnostics, *behind], subjects_of(root, names), facts=facts)


def preflight_findings(result, root: Path, names: tuple[str, ...]) -> Findings:
    return Findings("preflight", result.diagnostics, subjects_of(root, names), facts={"files": result.files})


def subjects_of(root: Path, names: tuple[str, ...]) -> list[str]:
    """The files a command looked at, as diagnostics name them: the NAMEs' manuscripts (or every
    manuscript) and publication.yaml."""
    found = [manuscript_path(name) for name in names] or [
        f"{MANUSCRIPTS}/{path.name}" for path in (root / MANUSCRIPTS).glob("*.md")]
    return sorted({*found, f"{MANUSCRIPTS}/publication.yaml"})
