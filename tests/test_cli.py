"""The `publish` command as users meet it: output text, exit codes, and its sub-commands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, publish

from pipeline.cli import main


def test_sample_manuscripts_pass_strict_check(samples: Path) -> None:
    result = publish("check", "--strict", project=samples)
    assert result.exit_code == 0, result.stdout
    assert ": error: " not in result.stdout and ": warning: " not in result.stdout
    assert result.stdout.endswith("checked 3 manuscripts: 0 errors, 0 warnings\n")


def test_clean_project_exits_zero_and_names_each_grade(project: Path) -> None:
    result = publish("check", project=project)
    assert (result.exit_code, result.stdout) == (0, "ok: Flesch-Kincaid grade 0.2\nchecked 1 manuscript: 0 errors, 0 warnings\n")


def test_warnings_pass_unless_strict(project: Path) -> None:
    manuscript = project / "manuscripts" / "ok.md"
    manuscript.write_text(manuscript.read_text().replace("review-date: 2099-01-10", "review-date: 2026-02-01"))
    assert publish("check", project=project).exit_code == 0
    strict = publish("check", "--strict", project=project)
    assert strict.exit_code == 1
    assert "manuscripts/ok.md:5:14: warning: overdue for review" in strict.stdout


def test_one_broken_manuscript_does_not_hide_the_others(project: Path) -> None:
    (project / "manuscripts" / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    good = (project / "manuscripts" / "ok.md").read_text()
    (project / "manuscripts" / "second.md").write_text(good.replace("[@source]", "[@nope]"))
    result = publish("check", project=project)
    assert result.exit_code == 1
    assert "manuscripts/broken.md:3:1: error: malformed YAML" in result.stdout
    assert "manuscripts/second.md:6:47: error: citation '@nope' has no matching reference" in result.stdout
    assert "ok: Flesch-Kincaid grade" in result.stdout


def test_unreadable_manuscript_is_reported_not_raised(project: Path) -> None:
    (project / "manuscripts" / "folder.md").mkdir()
    result = publish("check", project=project)
    assert result.exit_code == 1
    assert "manuscripts/folder.md:1:1: error: cannot read file: Is a directory" in result.stdout


def test_crlf_and_byte_order_mark_are_read_like_plain_files(project: Path) -> None:
    manuscript = project / "manuscripts" / "ok.md"
    manuscript.write_bytes(b"\xef\xbb\xbf" + manuscript.read_bytes().replace(b"\n", b"\r\n"))
    result = publish("check", "--strict", project=project)
    assert result.exit_code == 0, result.stdout


def test_check_selected_slugs_only(project: Path) -> None:
    (project / "manuscripts" / "broken.md").write_text("no front matter\n")
    result = publish("check", "ok", project=project)
    assert result.exit_code == 0
    assert "broken" not in result.stdout


def test_unknown_slug_is_a_usage_error(project: Path) -> None:
    result = publish("check", "okk", project=project)
    assert result.exit_code == 2
    assert "Error: no manuscript 'okk' in manuscripts/: did you mean 'ok'?" in result.output


def test_missing_project_is_a_usage_error(tmp_path: Path) -> None:
    result = publish("check", project=tmp_path)
    assert result.exit_code == 2
    assert "no manuscripts/ folder in" in result.output


def test_unknown_option_is_a_usage_error(project: Path) -> None:
    assert publish("check", "--stritc", project=project).exit_code == 2


def test_report_writes_json(project: Path, tmp_path: Path) -> None:
    (project / "manuscripts" / "broken.md").write_text("no front matter\n")
    report = tmp_path / "report.json"
    result = publish("check", "--report", str(report), project=project)
    assert result.exit_code == 1
    data = json.loads(report.read_text())
    assert data["failed"] == ["broken"]
    assert data["readability"] == {"ok": [{"measure": "Flesch-Kincaid grade", "value": 0.2, "scale": "grade"}]}
    assert data["diagnostics"] == [{
        "path": "manuscripts/broken.md", "line": 1, "column": 1, "severity": "error",
        "code": "front-matter", "message": "missing YAML front matter",
        "hint": "start the file with a line '---', the fields, and another '---'",
    }]


OWN_WORDS = {  # the template's lines, written by an author
    "Say in one or two short sentences what this leaflet is about and who it is for.": "Low vitamin D can make muscles ache.",
    "The main point": "Ask for a blood test",
    "Put the most important thing first, in plain words.": "A simple blood test shows your vitamin D level.",
    "Who is this leaflet for?": "Who should read this?",
    "Write the answer in short sentences. Say what the reader can do next.": "Anyone with aching muscles.",
    "Name of the page you used": "Vitamin D",
    "Name of the organisation that wrote it": "NHS",
    "https://example.org/address-of-the-page-you-used": "https://www.nhs.uk/conditions/vitamins-and-minerals/vitamin-d/",
    "Start with a short opening paragraph. Say where the facts come from": "Vitamin D keeps muscles strong",
    "A first heading": "What to do",
    "Keep each paragraph short. Use lists for steps:": "Steps you can take:",
    "Do this first.": "See your doctor.",
    "Then do this.": "Get some sunlight.",
    "What is it?": "What helps?",
    "What can I do?": "Who can help?",
    "A short answer": "Sunlight and food",
    "Give every table a caption": "Ways to get vitamin D",
}


def test_new_writes_a_start_that_check_refuses_until_its_author_writes_it(project: Path) -> None:
    """Every line of the template says what to write there; check refuses each line still as it was."""
    result = publish("new", "vitamin-d-muscle-aches", project=project)
    assert (result.exit_code, result.stdout) == (0, "wrote manuscripts/vitamin-d-muscle-aches.md\n")
    path = project / "manuscripts" / "vitamin-d-muscle-aches.md"
    text = path.read_text()
    assert text.startswith("---\ntitle: Vitamin D muscle aches\n")
    check = publish("check", "vitamin-d-muscle-aches", project=project)
    assert check.exit_code == 1
    line = text.splitlines().index("    title: Name of the page you used") + 1
    assert (f"manuscripts/vitamin-d-muscle-aches.md:{line}:12: error: the template's text, never replaced: "
            "'Name of the page you used': write this article's own words here, or remove the line") in check.stdout
    assert check.stdout.count("the template's text, never replaced") == 16, check.stdout
    for template, own in OWN_WORDS.items():
        text = text.replace(template, own)
    path.write_text(text)
    written = publish("check", "--strict", "vitamin-d-muscle-aches", project=project)
    assert written.exit_code == 0, written.stdout


def test_new_refuses_to_overwrite(project: Path) -> None:
    before = (project / "manuscripts" / "ok.md").read_text()
    result = publish("new", "ok", project=project)
    assert result.exit_code == 1
    assert "manuscripts/ok.md already exists; not overwriting it" in result.output
    assert (project / "manuscripts" / "ok.md").read_text() == before


@pytest.mark.parametrize("slug", ["Bad Slug", "index", "-x"])
def test_new_rejects_unusable_slugs(project: Path, slug: str) -> None:
    result = CliRunner().invoke(main, ["new", "--project", str(project), "--", slug])
    assert result.exit_code == 2
    assert not list((project / "manuscripts").glob("*.md"))[1:]


def test_clean_empties_output(project: Path) -> None:
    output = project / "output"
    (output / "web").mkdir(parents=True)
    (output / "web" / "index.html").write_text("old")
    (output / "manifest.json").write_text("{}")
    result = publish("clean", project=project)
    assert (result.exit_code, result.stdout) == (0, "removed 2 items from output/\n")
    assert output.is_dir() and not any(output.iterdir())


def test_every_command_has_help() -> None:
    for name, command in main.commands.items():
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help and command.help.split("\n")[0] in result.output


def test_readme_documents_every_command_and_make_target() -> None:
    readme = (REPO / "README.md").read_text()
    for name in main.commands:
        assert f"publish {name}" in readme, name
    targets = re.findall(r"^([a-z-]+):.*## ", (REPO / "Makefile").read_text(), flags=re.M)
    for target in targets:
        if target != "help":
            assert f"make {target}" in readme, target


def test_publish_help_does_not_import_the_renderers() -> None:
    code = "import sys; from pipeline.cli import main; print(sorted(m for m in sys.modules if m.split('.')[0] in {'weasyprint', 'ebooklib', 'pydantic', 'ruamel'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
