"""The formats CI systems read (--format): each pinned for every check fixture, the SARIF valid
against the SARIF 2.1.0 schema, and each carrying the same problems.

Each fixture folder under fixtures/check/ holds `expected.<format>` beside its expected.txt. To
regenerate after a deliberate change:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_report_formats.py

and review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, publish
from lxml import etree

CASES = sorted(path for path in (FIXTURES / "check").iterdir() if path.is_dir())
DOCUMENTS = ("json", "gitlab", "sarif", "junit")
SARIF_SCHEMA = REPO / "tools" / "node_modules" / "@microsoft" / "jest-sarif" / "lib" / "schemas" / "sarif-2.1.0-rtm.5.json"
CI_VARIABLES = ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA")


@pytest.fixture(autouse=True)
def outside_ci(monkeypatch) -> None:
    """The pinned outputs are those of a run outside GitHub Actions (where this suite may run)."""
    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("case, told", [pytest.param(case, told, id=f"{case.name}-{told}")
                                        for case in CASES for told in (*DOCUMENTS, "github")])
def test_each_format_is_pinned_for_every_check_fixture(case: Path, told: str, project: Path) -> None:
    shutil.copytree(case / "manuscripts", project / "manuscripts", dirs_exist_ok=True)
    text = publish("check", project=project)
    result = publish("check", "--format", told, project=project)
    assert result.exit_code == text.exit_code  # the exit status is the format's business no more than before
    expected_file = case / f"expected.{told}"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == expected_file.read_text(encoding="utf-8")
    if told == "github":  # the text account, then the workflow commands
        assert result.stdout.startswith(text.stdout)
    else:  # a document alone on standard output; the text account on standard error
        assert result.stderr == text.stdout
    assert_same_problems(told, result.stdout, json.loads(publish("check", "--format", "json", project=project).stdout))


def assert_same_problems(told: str, output: str, reference: dict) -> None:
    """Every format carries the JSON's diagnostics: path, line, column, code and message (with its
    hint where the format shows one), in order (JUnit groups them by file and family)."""
    wanted = [(d["path"], d["line"], d["column"], d["code"], d["message"] + (f": {d['hint']}" if d["hint"] else ""))
              for d in reference["diagnostics"]]
    if told == "json":
        assert json.loads(output)["diagnostics"] == reference["diagnostics"]
    elif told == "gitlab":
        assert [(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"], i["description"])
                for i in json.loads(output)] == [(p, line, code, m) for p, line, _, code, m in wanted]
    elif told == "sarif":
        results = json.loads(output)["runs"][0]["results"]
        found = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                  r["locations"][0]["physicalLocation"]["region"]["startLine"],
                  r["locations"][0]["physicalLocation"]["region"]["startColumn"], r["ruleId"], r["message"]["text"])
                 for r in results]
        assert found == wanted
    elif told == "junit":
        root = etree.fromstring(output.encode("utf-8"))
        lines = [line for element in root.iter("failure", "system-out") for line in element.text.splitlines()]
        assert sorted(lines) == sorted(f"{d['path']}:{d['line']}:{d['column']}: {d['severity']}: {d['message']}"
                                       + (f": {d['hint']}" if d["hint"] else "") for d in reference["diagnostics"])
    else:
        assert github_commands(output) == wanted


def github_commands(output: str) -> list[tuple]:
    found = []
    for line in output.splitlines():
        if line.startswith(("::error ", "::warning ")):
            properties, _, message = line.split(" ", 1)[1].partition("::")
            fields = dict(part.split("=", 1) for part in properties.split(","))
            found.append((unescape(fields["file"]), int(fields["line"]), int(fields["col"]), fields["title"],
                          unescape(message)))
    return found


def unescape(text: str) -> str:
    return text.replace("%3A", ":").replace("%2C", ",").replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def test_sarif_is_valid_sarif_2_1_0_with_a_rule_per_code_and_stable_fingerprints(project: Path) -> None:
    from jsonschema import Draft4Validator

    shutil.copytree(FIXTURES / "check" / "raw-html-links" / "manuscripts", project / "manuscripts", dirs_exist_ok=True)
    log = json.loads(publish("check", "--format", "sarif", project=project).stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert sorted(error.message for error in Draft4Validator(schema).iter_errors(log)) == []
    run = log["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules == sorted({result["ruleId"] for result in run["results"]}) and run["results"]
    assert all(rules[result["ruleIndex"]] == result["ruleId"] for result in run["results"])
    docs = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    for rule in run["tool"]["driver"]["rules"]:
        assert f'<a id="{rule["id"]}"></a>' in docs and f"#{rule['id']}" in rule["help"]["markdown"]
    prints = [result["partialFingerprints"]["publishProblem/v1"] for result in run["results"]]
    assert len(set(prints)) == len(prints)
    manuscript = project / "manuscripts" / "raw.md"  # a line added above every problem moves them, not their prints
    manuscript.write_text(manuscript.read_text(encoding="utf-8").replace("\n---\n", "\n---\n\nA new first line.\n", 1),
                          encoding="utf-8")
    moved = json.loads(publish("check", "--format", "sarif", project=project).stdout)["runs"][0]["results"]
    assert [r["partialFingerprints"]["publishProblem/v1"] for r in moved] == prints
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved] == [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 for r in run["results"]]


def test_sarif_help_links_are_absolute_inside_github_actions(project: Path, monkeypatch) -> None:
    shutil.copytree(FIXTURES / "check" / "unknown-field" / "manuscripts", project / "manuscripts", dirs_exist_ok=True)
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.example")
    monkeypatch.setenv("GITHUB_REPOSITORY", "clinic/leaflets")
    monkeypatch.setenv("GITHUB_SHA", "0123abc")
    rules = json.loads(publish("check", "--format", "sarif", project=project).stdout)["runs"][0]["tool"]["driver"]["rules"]
    assert {rule["helpUri"] for rule in rules} == {
        f"https://github.example/clinic/leaflets/blob/0123abc/docs/diagnostics.md#{rule['id']}" for rule in rules}


def test_github_is_the_default_in_github_actions_and_the_summary_has_every_problem(project: Path, tmp_path: Path,
                                                                                   monkeypatch) -> None:
    shutil.copytree(FIXTURES / "check" / "raw-html-links" / "manuscripts", project / "manuscripts", dirs_exist_ok=True)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = publish("check", project=project)
    reference = json.loads(publish("check", "--format", "json", project=project).stdout)["diagnostics"]
    assert len(github_commands(result.stdout)) == len(reference) > 10  # more than GitHub shows as annotations
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n### publish check: ")  # appended, as every step does
    rows = [line for line in written.splitlines() if line.startswith("| error |") or line.startswith("| warning |")]
    assert len(rows) == len(reference)
    assert all(f"`{d['code']}`" in row and f"{d['line']}:{d['column']}" in row for d, row in zip(reference, rows, strict=True))


def test_build_verify_and_status_take_the_same_formats(built_samples: Path, tmp_path: Path) -> None:
    root = tmp_path / "built"
    shutil.copytree(built_samples, root)
    (root / "output" / "web" / "b12-neck-stiffness.html").write_text("<html lang=en><body>nothing</body></html>")
    verified = publish("verify", "--format", "gitlab", project=root)
    issues = json.loads(verified.stdout)
    assert verified.exit_code == 1 and issues and {i["check_name"] for i in issues} == {"difference"}
    assert {i["location"]["path"] for i in issues} == {"manuscripts/b12-neck-stiffness.md"}
    assert {i["severity"] for i in issues} == {"critical"} and len({i["fingerprint"] for i in issues}) == len(issues)
    (root / "output" / "web" / "b12-neck-stiffness.html").unlink()
    built = publish("build", "--format", "web", "--format", "junit", project=root)
    suites = etree.fromstring(built.stdout.encode("utf-8"))
    assert built.exit_code == 0 and suites.get("failures") == "0" and suites.findall("testsuite")
    assert "wrote output/web/b12-neck-stiffness.html" in built.stderr
    status = publish("status", "--format", "json", "--fail-overdue", project=root)
    assert json.loads(status.stdout)["command"] == "status" and json.loads(status.stdout)["version"] == 1


def test_a_pre_commit_hook_checks_the_changed_manuscripts(project: Path) -> None:
    """pre-commit passes file names: a manuscript's file is its name, publication.yaml means all."""
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: publish check" in hooks and "manuscripts/" in hooks
    shutil.copytree(FIXTURES / "check" / "unknown-field" / "manuscripts", project / "manuscripts", dirs_exist_ok=True)
    one = publish("check", "manuscripts/ok.md", project=project)
    assert one.exit_code == 0 and "checked 1 manuscript" in one.stdout
    every = publish("check", "manuscripts/ok.md", "manuscripts/publication.yaml", project=project)
    assert every.exit_code == 1 and "checked 2 manuscripts" in every.stdout


def test_translations_tell_each_one_behind_its_source(tmp_path: Path) -> None:
    root = tmp_path / "translations"
    shutil.copytree(FIXTURES / "translations" / "manuscripts", root / "manuscripts")
    assert json.loads(publish("translations", "--format", "gitlab", project=root).stdout) == []
    source = root / "manuscripts" / "b12-joint-stiffness.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("\nsummary: >\n", "\nsummary: >\n  It changed.\n", 1), encoding="utf-8")
    assert "It changed." in source.read_text(encoding="utf-8")
    warned = publish("translations", "--format", "gitlab", project=root)
    issues = json.loads(warned.stdout)
    assert warned.exit_code == 0 and {i["check_name"] for i in issues} == {"translation-outdated"}
    assert sorted(i["location"]["path"] for i in issues) == sorted(
        f"manuscripts/b12-joint-stiffness.{lang}.md" for lang in ("ar", "bn", "pl", "ur", "zh-Hans"))
    assert {i["severity"] for i in issues} == {"minor"}
    failed = publish("translations", "--format", "gitlab", "--fail-outdated", project=root)
    assert failed.exit_code == 1 and {i["severity"] for i in json.loads(failed.stdout)} == {"major"}
