"""The review cycle: status, versions from real git histories, changes, and review fields."""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASE_PROJECT, publish

from pipeline.preview.serve import Preview
from pipeline.review.status import review_status, status_summary, status_table

AUTHOR = {"GIT_AUTHOR_NAME": "Asha Patel", "GIT_AUTHOR_EMAIL": "asha@clinic.example",
          "GIT_COMMITTER_NAME": "Asha Patel", "GIT_COMMITTER_EMAIL": "asha@clinic.example"}


def git(root: Path, *arguments: str, date: str = "2026-03-01T10:00:00+00:00") -> str:
    env = {**os.environ, **AUTHOR, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-C", str(root), *arguments], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def commit(root: Path, message: str, date: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """The base project in a git repository of its own, at version 1."""
    root = tmp_path / "clinic"
    shutil.copytree(BASE_PROJECT, root)
    edit(root / "manuscripts" / "ok.md", "review-date: 2099-01-10\n", "review-date: 2099-01-10\nversion: 1\n")
    git(root, "init", "-q", "-b", "main")
    commit(root, "Version 1", "2026-03-01T10:00:00+00:00")
    return root


def add_article(root: Path, slug: str, review_date: str, version: str, leaflet: str) -> None:
    text = (root / "manuscripts" / "ok.md").read_text()
    text = text.replace("review-date: 2099-01-10", f"review-date: {review_date}").replace("version: 1", f"version: {version}")
    (root / "manuscripts" / f"{slug}.md").write_text(text.replace("title: A valid article", f"leaflet-id: {leaflet}\ntitle: A valid article", 1))


def test_status_lists_every_article_with_its_state(repository: Path) -> None:
    add_article(repository, "due-soon", "2027-02-15", "2", "PIL-2")
    add_article(repository, "late", "2026-12-01", "7", "PIL-3")
    (repository / "manuscripts" / "late.md").write_text(
        (repository / "manuscripts" / "late.md").read_text().replace("date: 2026-01-10", "date: 2026-01-10", 1))
    result = review_status(repository, today=datetime.date(2027, 1, 1))
    assert status_table(result.rows) == [
        "article   leaflet  version  lang   review date  days left  state",
        "due-soon  PIL-2    2        en-GB  2027-02-15          45  due-soon",
        "late      PIL-3    7        en-GB  2026-12-01         -31  overdue",
        "ok        -        1        en-GB  2099-01-10       26307  ok",
    ]
    assert status_summary(result.rows) == "3 articles: 1 ok, 1 due soon, 1 overdue"
    assert [row.name for row in review_status(repository, today=datetime.date(2027, 1, 1), within=60).rows] == [
        "due-soon", "late"]


def test_status_fails_on_overdue_only_when_asked_and_writes_a_report(repository: Path, tmp_path: Path) -> None:
    add_article(repository, "late", "2026-02-01", "1", "PIL-9")
    assert publish("status", project=repository).exit_code == 0
    report = tmp_path / "status.json"
    result = publish("status", "--fail-overdue", "--report", str(report), project=repository)
    assert result.exit_code == 1
    assert "\nlate     PIL-9    1        en-GB  2026-02-01 " in result.output and "  overdue\n" in result.output
    rows = {row["name"]: row for row in json.loads(report.read_text())["articles"]}
    assert rows["late"]["state"] == "overdue" and rows["late"]["review_date"] == "2026-02-01"
    assert rows["late"]["days_left"] == (datetime.date(2026, 2, 1) - datetime.date.today()).days


def test_an_overdue_article_is_held_back_when_the_policy_says_error(repository: Path) -> None:
    add_article(repository, "late", "2026-02-01", "1", "PIL-9")
    config = repository / "manuscripts" / "publication.yaml"
    config.write_text(config.read_text() + "review: {warn-days: 30, overdue: error}\n")
    result = publish("build", "--jobs", "1", project=repository)
    assert result.exit_code == 1
    assert ("manuscripts/late.md:6:14: error: overdue for review: the review date 2026-02-01 has passed: "
            "review it, then set a new review-date") in result.output
    assert not (repository / "output" / "pdf" / "late.pdf").exists()
    assert (repository / "output" / "pdf" / "ok.pdf").is_file()


def test_check_asks_for_a_new_version_when_the_content_changed(repository: Path) -> None:
    manuscript = repository / "manuscripts" / "ok.md"
    assert publish("check", project=repository).exit_code == 0
    edit(manuscript, "| One | 1 |", "| One | 2 |")
    first = git(repository, "rev-parse", "--short=7", "HEAD")
    result = publish("check", "--strict", project=repository)
    assert result.exit_code == 1
    assert (f"manuscripts/ok.md:6:10: warning: the content has changed since version 1 was committed "
            f"({first}, 2026-03-01): raise the version") in result.output
    edit(manuscript, "version: 1", "version: 2")
    assert publish("check", "--strict", project=repository).exit_code == 0


def test_a_version_that_goes_down_is_an_error(repository: Path) -> None:
    manuscript = repository / "manuscripts" / "ok.md"
    edit(manuscript, "version: 1", "version: 2")
    second = commit(repository, "Version 2", "2026-04-01T10:00:00+00:00")
    edit(manuscript, "version: 2", "version: 1")
    result = publish("check", project=repository)
    assert result.exit_code == 1
    assert (f"manuscripts/ok.md:6:10: error: version 1 is lower than version 2, committed in {second[:7]} "
            "on 2026-04-01") in result.output


def test_a_lowered_version_is_refused_by_check_build_and_the_preview_alike(repository: Path) -> None:
    """The one pass after examination (examine.verdicts) holds the article back everywhere: its
    outputs are not written, the other article's are, and the preview's overlay shows the error."""
    add_article(repository, "other", "2099-01-10", "1", "PIL-9")
    manuscript = repository / "manuscripts" / "ok.md"
    edit(manuscript, "version: 1", "version: 2")
    second = commit(repository, "Version 2", "2026-04-01T10:00:00+00:00")
    edit(manuscript, "version: 2", "version: 1")
    expected = (f"manuscripts/ok.md:6:10: error: version 1 is lower than version 2, committed in {second[:7]} "
                "on 2026-04-01")
    check = publish("check", project=repository)
    assert check.exit_code == 1 and expected in check.output, check.output
    build = publish("build", "--format", "web,pdf", project=repository)
    assert build.exit_code == 1 and expected in build.output, build.output
    output = repository / "output"
    assert not (output / "web/ok.html").exists() and not (output / "pdf/ok.pdf").exists()
    assert (output / "web/other.html").is_file() and (output / "pdf/other.pdf").is_file()
    preview = Preview(repository, jobs=1, cache_dir=None, echo=lambda _line: None)
    preview.rebuild(workers=None)
    shown = [(p["where"], p["severity"], p["code"]) for p in preview.news.latest["problems"]]
    assert ("manuscripts/ok.md:6:10", "error", "version-down") in shown, shown
    assert not (output / "web/ok.html").exists()


def test_changes_names_each_element_that_changed(repository: Path) -> None:
    manuscript = repository / "manuscripts" / "ok.md"
    first = git(repository, "rev-parse", "HEAD")
    edit(manuscript, "version: 1", "version: 2")
    edit(manuscript, "| One | 1 |", "| One | 2 |\n| Two | 3 |")
    edit(manuscript, "    text: The point is short.\n", "    text: The point is short.\n  - title: Another point\n    text: It is new.\n")
    edit(manuscript, "The body is short.", "The body is short and clear.")
    second = commit(repository, "Version 2", "2026-04-01T10:00:00+00:00")
    edit(manuscript, "version: 2", "version: 3")
    edit(manuscript, "answer: Yes, it is.", "answer: Yes, it is, and here is why.")
    result = publish("changes", "ok", "--from", "1", "--to", "2", project=repository)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"ok: version 1 ({first[:7]}, 2026-03-01) → version 2 ({second[:7]}, 2026-04-01)",
        "version: '1' → '2'",
        "key point 2: added 'Another point. It is new.'",
        "table 1 row 1 column 2: '1' → '2'",
        "table 1 row 2: added 'Two | 3'",
        "lead: 'The body is short. It has one picture. A small …' → 'The body is short and clear. It has one picture…'",
        "5 changes",
    ]
    default = publish("changes", "ok", project=repository)
    assert default.output.splitlines() == [
        f"ok: version 2 ({second[:7]}, 2026-04-01) → working copy (version 3)",
        "version: '2' → '3'",
        "FAQ item 1: 'Is this a question? / Yes, it is.' → 'Is this a question? / Yes, it is, and here is why.'",
        "2 changes",
    ]


def test_history_commands_need_git_and_the_whole_history(tmp_path: Path, repository: Path) -> None:
    outside = tmp_path / "outside"
    shutil.copytree(BASE_PROJECT, outside)
    result = publish("changes", "ok", project=outside)
    assert result.exit_code == 2
    assert "is not in a git repository: versions are read from git history" in result.output
    manuscript = repository / "manuscripts" / "ok.md"
    edit(manuscript, "version: 1", "version: 2")
    commit(repository, "Version 2", "2026-04-01T10:00:00+00:00")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repository}", str(shallow)], check=True)
    result = publish("changes", "ok", project=shallow)
    assert result.exit_code == 2
    assert "this is a shallow clone" in result.output and "git fetch --unshallow" in result.output
    assert publish("check", project=shallow).exit_code == 0  # check itself still works: it cannot compare


def test_review_fields_are_checked_and_published(repository: Path) -> None:
    manuscript = repository / "manuscripts" / "ok.md"
    edit(manuscript, "version: 1\n", "version: 1\nlast-reviewed: 2099-02-01\nreviewed-by:\n"
         "  - {role: Pharmacist, date: 2026-01-02}\n  - {name: Dr Lee, role: GP, date: 2999-01-01}\n")
    result = publish("check", project=repository)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "manuscripts/ok.md:9:5: error: missing required field 'name' in reviewed-by item 1"
    edit(manuscript, "{role: Pharmacist,", "{name: Sam Okafor, role: Pharmacist,")
    result = publish("check", project=repository)
    assert result.exit_code == 1
    assert {"manuscripts/ok.md:7:16: error: last reviewed 2099-02-01, after the next review date 2099-01-10",
            "manuscripts/ok.md:10:36: error: the review by Dr Lee is dated 2999-01-01, which is in the future",
            } <= set(result.output.splitlines())
    edit(manuscript, "last-reviewed: 2099-02-01", "last-reviewed: 2026-02-01")
    edit(manuscript, "2999-01-01", "2026-01-20")
    assert publish("build", "--jobs", "1", project=repository).exit_code == 0
    page = (repository / "output" / "web" / "ok.html").read_text()
    data = json.loads(page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    web_page = data["@graph"][0]
    assert web_page["lastReviewed"] == "2026-02-01" and web_page["dateModified"] == "2026-02-01"
    assert web_page["reviewedBy"] == [{"@type": "Person", "name": "Sam Okafor", "jobTitle": "Pharmacist"},
                                      {"@type": "Person", "name": "Dr Lee", "jobTitle": "GP"}]
    text = subprocess.run(["pdftotext", str(repository / "output" / "pdf" / "ok.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Last reviewed: 1 February 2026" in text and "Next review due: 10 January 2099" in text


def test_audit_record_holds_the_whole_history_and_is_accessible(repository: Path, page) -> None:
    from pipeline.review.gates import axe_violations

    manuscript = repository / "manuscripts" / "ok.md"
    first = git(repository, "rev-parse", "--short=7", "HEAD")
    edit(manuscript, "version: 1\n", "version: 2\nlast-reviewed: 2026-04-01\nreviewed-by:\n"
         "  - {name: Sam Okafor, role: Pharmacist, date: 2026-03-30}\n")
    edit(manuscript, "| One | 1 |", "| One | 2 |")
    second = git(repository, "rev-parse", "--short=7", commit(repository, "Version 2", "2026-04-01T10:00:00+00:00"))
    assert publish("build", "--jobs", "1", project=repository).exit_code == 0
    # In its own process: its browser gate starts a Playwright of its own.
    result = subprocess.run([str(Path(sys.executable).parent / "publish"), "audit", "ok", "--project", str(repository)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "wrote output/audit/ok.audit.html\n"
    html = (repository / "output" / "audit" / "ok.audit.html").read_text()
    for expected in (f"<td>1</td><td>2026-03-01</td><td><code>{first}</code></td><td>Asha Patel</td>",
                     f"<td>2</td><td>2026-04-01</td><td><code>{second}</code></td><td>Asha Patel</td>",
                     "<li>table 1 row 1 column 2: &#39;1&#39; → &#39;2&#39;</li>",
                     "<td>Sam Okafor</td><td>Pharmacist</td><td>2026-03-30</td>",
                     '<a href="https://example.org/">https://example.org/</a>',
                     ):
        assert expected in html, expected
    checks = re.findall(r'<tr><td>([^<]+)</td>\s*<td><span class="(\w+)">', html)
    assert checks == [("publish verify", "pass"), ("PDF/UA tags and footers, ok.pdf", "pass"),
                      ("PDF/UA tags and footers, ok.large-print.pdf", "pass"), ("EPUBCheck, all-articles.epub", "pass"),
                      ("axe-core WCAG 2.2 AA, ok.html", "pass")]
    manifest = json.loads((repository / "output" / "manifest.json").read_text())["outputs"]
    assert f"<td><code>{manifest['pdf/ok.pdf']['sha256']}</code></td>" in html
    assert "<script" not in html and "<link" not in html  # self-contained: it opens from disk as it is
    assert axe_violations(page, (repository / "output" / "audit" / "ok.audit.html").as_uri()) == []
    assert page.pdf()[:4] == b"%PDF"  # and it prints


def test_audit_outside_git_is_a_usage_error(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    shutil.copytree(BASE_PROJECT, outside)
    result = publish("audit", "ok", project=outside)
    assert result.exit_code == 2 and "is not in a git repository" in result.output
