"""JUnit XML, for CI test reports: a suite per file, a test case per family of checks the
command ran on it, failing with the located problems found."""

from __future__ import annotations

from pipeline.report.codes import FAMILIES, family_of
from pipeline.report.findings import COMMAND_FAMILIES, Findings


def junit_xml(findings: Findings) -> str:
    from lxml import etree  # noqa: PLC0415 - only this format writes XML

    families = COMMAND_FAMILIES[findings.command]
    by_case: dict[tuple[str, str], list] = {}
    for diagnostic in findings.diagnostics:
        by_case.setdefault((diagnostic.path, family_of(diagnostic.code)), []).append(diagnostic)
    subjects = sorted({*findings.subjects, *(path for path, _ in by_case)})
    root = etree.Element("testsuites", name=f"publish {findings.command}")
    for subject in subjects:
        names = families + sorted({family for path, family in by_case if path == subject and family not in families})
        suite = etree.SubElement(root, "testsuite", name=subject)
        for family in names:
            test_case(suite, findings, subject, family, by_case.get((subject, family), []))
        count(suite)
    count(root)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True).decode("utf-8")


def test_case(suite, findings: Findings, subject: str, family: str, diagnostics: list) -> None:
    from lxml import etree  # noqa: PLC0415

    description = FAMILIES.get(family, ("other checks",))[0]
    case = etree.SubElement(suite, "testcase", classname=subject, name=f"{family}: {description}")
    failing = [d for d in diagnostics if findings.fails(d)]
    if failing:
        failure = etree.SubElement(case, "failure", message=str(failing[0]), type=failing[0].code)
        failure.text = "\n".join(map(str, failing))
    warnings = [str(d) for d in diagnostics if not findings.fails(d)]
    if warnings:
        etree.SubElement(case, "system-out").text = "\n".join(warnings)


def count(element) -> None:
    """A suite's (or all suites') numbers of test cases and failures."""
    cases = element.findall(".//testcase")
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(case.find("failure") is not None for case in cases)))
    element.set("errors", "0")
