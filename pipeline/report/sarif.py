"""SARIF 2.1.0, for code scanning (GitHub's, and the other tools that read it): a rule per
diagnostic code found, with its help in docs/diagnostics.md, and a result per problem."""

from __future__ import annotations

import json
import os
from importlib import metadata

from pipeline.report.codes import anchor, family_of, summary_of
from pipeline.report.findings import Findings, told
from pipeline.report.fingerprints import fingerprints

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "publishProblem/v1"


def sarif_log(findings: Findings) -> str:
    codes = sorted({diagnostic.code for diagnostic in findings.diagnostics})  # a rule per code found
    index = {code: number for number, code in enumerate(codes)}
    results = [result(findings, diagnostic, index[diagnostic.code], fingerprint)
               for diagnostic, fingerprint in zip(findings.diagnostics, fingerprints(findings.diagnostics), strict=True)]
    driver = {"name": "publish", "version": version(), "rules": [rule(code) for code in codes]}
    run = {"tool": {"driver": driver}, "results": results,
           "invocations": [{"executionSuccessful": True, "commandLine": f"publish {findings.command}"}]}
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False) + "\n"


def rule(code: str) -> dict:
    summary = summary_of(code)
    described = {"id": code, "shortDescription": {"text": summary},
                 "help": {"text": f"{summary}. See {anchor(code)}.", "markdown": f"{summary}. See [{code}]({anchor(code)})."},
                 "properties": {"tags": [family_of(code)]}}
    help_uri = repository_link(anchor(code))
    return {**described, "helpUri": help_uri} if help_uri else described


def repository_link(path: str) -> str | None:
    """An absolute link to a file of the repository being checked, where CI says which one it is
    (GitHub Actions): SARIF's help links must be absolute."""
    server, repository, commit = (os.environ.get(name) for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    return f"{server}/{repository}/blob/{commit}/{path}" if server and repository and commit else None


def result(findings: Findings, diagnostic, rule_index: int, fingerprint: str) -> dict:
    region = {"startLine": diagnostic.line, "startColumn": diagnostic.column}
    location = {"physicalLocation": {"artifactLocation": {"uri": diagnostic.path, "uriBaseId": "%SRCROOT%"},
                                     "region": region}}
    return {"ruleId": diagnostic.code, "ruleIndex": rule_index, "level": "error" if findings.fails(diagnostic) else "warning",
            "message": {"text": told(diagnostic)}, "locations": [location],
            "partialFingerprints": {FINGERPRINT: fingerprint}}


def version() -> str:
    try:
        return metadata.version("health-publishing-pipeline")
    except metadata.PackageNotFoundError:
        return "unknown"
