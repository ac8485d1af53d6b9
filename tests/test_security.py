"""Untrusted manuscripts: every vector is refused by publish check, and neutralised even if it got past.

Each test plants a secret outside the project and asserts on the real output files that it
did not leak and that nothing in them can run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pikepdf
import pytest
from conftest import publish

from pipeline.convert.sanitize import clean_html
from pipeline.render.leaflet import lay_out, project_fetcher

SECRET = "TOP-SECRET-7f3a9c"
VECTORS = {
    "path-traversal": ("![x](../../secret.png)", "image '../../secret.png' is outside the project"),
    "file-url": ("![x](file:///etc/hostname)", "image 'file:///etc/hostname' is outside the project"),
    "metadata-service": ("![x](http://169.254.169.254/latest/meta-data/)", "is remote"),
    "css-url": ('<div style="background: url(file:///etc/hostname)">x</div>', "style attribute with url()"),
    "style-element": ("<style>body { background: url(../../secret.png) }</style>", "<style> element"),
    "attachment": ('<link rel="attachment" href="../../secret.png">', "<link> element"),
    "javascript-link": ("[click](javascript:alert(1))", "'javascript:' URL could run script"),
    "event-handler": ('<img src="media/dot.png" alt="a" onerror="alert(1)">', "event handler attribute 'onerror'"),
    "script": ("<script>fetch('/x')</script>", "<script> element"),
    "iframe": ('<iframe src="https://example.org"></iframe>', "<iframe> element"),
    "form": ('<form action="https://example.org"><input></form>', "<form> element"),
    "embed": ('<embed src="media/dot.png">', "<embed> element"),
    "data-link": ("[x](data:text/html;base64,PHNjcmlwdD4=)", "'data:' URL could run script"),
}


@pytest.fixture
def hostile(project: Path, tmp_path: Path) -> Path:
    """The base project, with a secret file beside it (outside manuscripts/)."""
    (tmp_path / "secret.png").write_text(SECRET)
    return project


def add_manuscript(project: Path, name: str, body: str) -> Path:
    text = (project / "manuscripts" / "ok.md").read_text()
    path = project / "manuscripts" / f"{name}.md"
    path.write_text(text.replace("The body is short. It has one picture.", body).replace("A valid article", name))
    return path


def outputs_text(project: Path, skip: tuple[str, ...] = ()) -> str:
    found = []
    for path in (project / "output").rglob("*"):
        if path.is_file() and ".cache" not in path.parts and not set(skip) & set(path.parts):
            found.append(path.read_bytes().decode("latin-1"))
    return "\n".join(found)


@pytest.mark.parametrize("vector", sorted(VECTORS))
def test_check_refuses_the_vector_and_the_build_leaks_nothing(hostile: Path, vector: str) -> None:
    markdown, message = VECTORS[vector]
    add_manuscript(hostile, "attack", markdown)
    result = publish("build", project=hostile)
    assert result.exit_code == 1
    assert re.search(rf"manuscripts/attack.md:\d+:\d+: error: .*{re.escape(message)}", result.output), result.output
    published = [path for path in (hostile / "output").rglob("attack*") if ".cache" not in path.parts]
    assert not published, "a refused article must produce nothing"
    cached = json.loads((hostile / "output" / ".cache" / "articles" / "attack.json").read_text())
    assert cached["article"]["document"] is None and cached["published"] is None, "nor a document to publish"
    assert (hostile / "output" / "pdf" / "ok.pdf").is_file(), "the other article still builds"
    text = outputs_text(hostile)
    assert SECRET not in text
    assert "javascript:" not in text and "<iframe" not in text and "onerror" not in text


def test_symlink_out_of_media_is_refused_everywhere(hostile: Path, tmp_path: Path) -> None:
    (hostile / "manuscripts" / "media" / "etc").symlink_to("/etc")
    (hostile / "manuscripts" / "media" / "leak.png").symlink_to(tmp_path / "secret.png")
    add_manuscript(hostile, "attack", "![x](media/leak.png) ![y](media/etc/hostname)")
    result = publish("build", project=hostile)
    assert result.exit_code == 1
    assert "image 'media/leak.png' is outside the project" in result.output
    assert "image 'media/etc/hostname' is outside the project" in result.output
    assert SECRET not in outputs_text(hostile)


def test_svg_with_external_references_is_refused(hostile: Path) -> None:
    (hostile / "manuscripts" / "media" / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        '<image xlink:href="file:///etc/hostname" width="10" height="10"/>'
        '<use href="http://169.254.169.254/x#a"/><script>alert(1)</script>'
        '<rect width="10" height="10" onload="alert(2)"/></svg>')
    add_manuscript(hostile, "attack", "![An evil picture](media/evil.svg)")
    result = publish("check", project=hostile)
    assert result.exit_code == 1
    for problem in ("refers to 'file:///etc/hostname' outside itself", "refers to 'http://169.254.169.254/x#a'",
                    "contains a <script> element", "has an event handler attribute 'onload'"):
        assert f"image 'media/evil.svg' {problem}" in result.output


# --- defence in depth: what if a vector got past the checks? --------------------------------

@pytest.mark.parametrize("html", [
    "<script>alert(1)</script>", '<img src="x.png" onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://example.org"></iframe>', '<object data="x.swf"></object>', '<embed src="x">',
    '<form action="https://example.org"><button>go</button></form>', "<style>* { color: red }</style>",
    '<link rel="attachment" href="secret.png">', '<a rel="attachment" href="secret.png">x</a>',
    '<div style="background: url(file:///etc/hostname)">x</div>', '<a href="data:text/html,x">x</a>',
])
def test_sanitiser_removes_what_could_run_or_load(html: str) -> None:
    cleaned = clean_html(html).lower()
    for forbidden in ("<script", "onerror", "javascript:", "<iframe", "<object", "<embed", "<form", "<style",
                      "<link", "attachment", "url(", "data:"):
        assert forbidden not in cleaned, (html, cleaned)


def test_leaflet_renderer_reads_no_file_outside_the_project_even_when_asked(project: Path, tmp_path: Path) -> None:
    from pipeline.source.theme import Theme

    folder, styles = project / "manuscripts", Theme.of(project)
    html = (f'<html lang="en"><head><title>t</title><link rel="attachment" href="{tmp_path}/secret.png">'
            f'<style>body {{ background: url(file://{tmp_path}/secret.png) }}</style></head><body>'
            f'<h1>Hi</h1><img src="../../secret.png" alt="a"><img src="file:///etc/hostname" alt="b">'
            f'<img src="http://169.254.169.254/latest/" alt="c"><a rel="attachment" href="{tmp_path}/secret.png">x</a>'
            "</body></html>")
    pdf_path = tmp_path / "out.pdf"
    pdf_path.write_bytes(lay_out(html, "standard", styles, folder))
    assert SECRET.encode() not in pdf_path.read_bytes()
    with pikepdf.open(pdf_path) as pdf:
        assert "/Names" not in pdf.Root or "/EmbeddedFiles" not in pdf.Root.Names
        for page in pdf.pages:
            assert not [name for name, x in (page.Resources.get("/XObject") or {}).items() if x.get("/Subtype") == "/Image"]


@pytest.mark.parametrize("target", ["/etc/passwd", "/dev/zero", "{tmp}/secret.png", "{tmp}/manuscripts/../secret.png"])
def test_fetcher_refuses_files_outside_its_folders(tmp_path: Path, target: str) -> None:
    (tmp_path / "manuscripts").mkdir()
    (tmp_path / "secret.png").write_text(SECRET)
    fetcher = project_fetcher(tmp_path / "manuscripts")
    with pytest.raises(ValueError):
        fetcher.fetch("file://" + target.format(tmp=tmp_path))


def test_pandoc_runs_sandboxed(monkeypatch, project: Path) -> None:
    import subprocess

    from pipeline.convert import pandoc_process

    commands = []
    real_popen = subprocess.Popen
    monkeypatch.setattr(pandoc_process.subprocess, "Popen",
                        lambda command, **kw: commands.append(command) or real_popen(command, **kw))
    pandoc_process.end_all()  # a process kept from an earlier test would not show its command
    assert publish("check", project=project).exit_code == 0
    conversions = [command for command in commands if "--from" in command]  # not pypandoc's --version
    assert conversions and all("--sandbox" in command for command in conversions)


@pytest.mark.parametrize("sandboxed", [True, False])
def test_the_readers_a_conversion_runs_are_sandboxed(tmp_path: Path, sandboxed: bool) -> None:
    """--sandbox does not reach the readers a Lua script runs, so fragments.lua gives each an empty
    file system of its own. Markdown loads no files; LaTeX's \\input does, so here the reader reads
    LaTeX: with the sandbox it cannot load the secret, and without it (the control) it does."""
    from pipeline.convert.pandoc_process import SCRIPT, PandocProcess
    from pipeline.output.layout import RESERVED_ID_PATTERNS, RESERVED_IDS

    (tmp_path / "secret.tex").write_text(SECRET)
    reader = (SCRIPT.parent / "fragments.lua").read_text().replace("'markdown'", "'latex'")
    (tmp_path / "fragments.lua").write_text(reader if sandboxed else reader.replace("SANDBOX)", "nil)"))
    for name in ("parts.lua", "articles.lua"):
        (tmp_path / name).write_text((SCRIPT.parent / name).read_text())
    pandoc = PandocProcess(tmp_path / "articles.lua")
    article = {"lang": "en", "reserved-ids": RESERVED_IDS, "reserved-patterns": RESERVED_ID_PATTERNS, "references": [],
               "fragments": [{"key": "body", "text": f"\\input{{{tmp_path / 'secret.tex'}}}"}]}
    answer = pandoc.ask(json.dumps(article).encode(), timeout=60)
    pandoc.stop()
    assert json.loads(answer)["fragments"][0]["key"] == "body"
    assert (SECRET in answer.decode()) is not sandboxed


def test_outputs_carry_no_script_but_the_json_ld_and_the_search(built_samples: Path) -> None:
    """The only scripts: the JSON-LD data block and the site's own search script, never anything
    from a manuscript (Pagefind's own scripts live in pagefind/, not in any page)."""
    search = re.compile(r'<script src="(\.\./)*assets/search\.js" defer>')
    for path in (built_samples / "output" / "web").rglob("*.html"):
        scripts = [s for s in re.findall(r"<script[^>]*>", path.read_text()) if not search.fullmatch(s)]
        assert scripts in ([], ['<script type="application/ld+json">']), path.name
    text = search.sub("", outputs_text(built_samples, skip=("pagefind",)).replace('<script type="application/ld+json">', ""))
    assert "<script" not in text


@pytest.mark.parametrize("text", ['a "quoted" \\ word', "ends the string\"; } body { color: red", "</style><script>x()</script>",
                                  "line\nbreak, tab\tand  two spaces\n", "Folleto · Versión 2", "رقم النشرة PIL-0042"])
def test_text_in_the_leaflets_style_stays_one_css_string(text: str) -> None:
    """The footer's words (from manuscripts and publication.yaml) go into the leaflet's <style> as CSS
    strings: each must read back as exactly its text, and none can close the style element."""
    import tinycss2

    from pipeline.source.theme import css_string

    for isolate in (False, True):
        written = str(css_string(text, isolate))
        tokens = [token for token in tinycss2.parse_component_value_list(written) if token.type != "whitespace"]
        assert [token.type for token in tokens] == ["string"]
        words = " ".join(text.split())  # white space collapsed, as the HTML footer's was
        assert tokens[0].value == ("\u2066" + words + "\u2069" if isolate else words)
        assert "<" not in written and "\n" not in written
