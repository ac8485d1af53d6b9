"""Fuzzing: whatever a manuscript holds, check and build end with a located diagnostic, never a traceback.

A fixed seed set runs every time (derandomised), plus a fresh sample; failing examples that
hypothesis found are kept in fixtures/fuzz/ and replayed as regression cases.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import BASE_PROJECT, FIXTURES, publish
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LOCATED = re.compile(r"^manuscripts/[^:]+:\d+:\d+: (error|warning): .+$")
SUMMARY = re.compile(r"^(checked \d+ manuscripts?: .*|[a-z0-9.-]+: .*(grade|reading ease|words a sentence|long words|running text).*|built \d+ files?, .*|wrote output/.*|failed .*)$")
FIXED = settings(max_examples=300, derandomize=True, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FRESH = settings(max_examples=100, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text a leaflet may really contain: Latin with accents, Arabic and Hebrew (right to left),
# combining marks, emoji, and the characters Markdown and YAML treat specially.
alphabet = st.sampled_from(list("abcdefghij XYZ éñüø 0123") + list("العربية") + list("עברית")
                           + ["\u0301", "\u0308", "\u200f", "\u202e", "😀", "*", "_", "[", "]", "@", "#", "|",
                              ":", "-", ">", "<", "`", "\\", "{", "}", "'", '"', "!", "\t", "\n"])
text = st.text(alphabet, max_size=60)
markdown_piece = st.one_of(
    text,
    st.builds(lambda t: f"## {t}", text),
    st.builds(lambda t, k: f"{t} [@{k}]", text, st.sampled_from(["source", "missing", "a b"])),
    st.builds(lambda items: "\n".join(f"- {i}" for i in items), st.lists(text, max_size=4)),
    st.builds(lambda cells: "| A | B |\n|---|---|\n" + "\n".join(f"| {c} | {c} |" for c in cells) + "\n\n: Cap",
              st.lists(text.filter(lambda c: "\n" not in c and "|" not in c), max_size=4)),
    st.sampled_from(["<b>bold</b>", "<script>x</script>", "<div onclick='x'>y</div>", "![](media/dot.png)",
                     "![alt](nowhere.png)", "[link](javascript:x)", ":::\nopen fence", "---\ntitle: inner\n---",
                     "```\ncode\n```", "$$x^2$$", "^[a footnote]", "<!-- comment -->", "&nbsp;&#x202e;"]),
)
scalar = st.one_of(text, st.integers(-10, 3000), st.booleans(), st.none(), st.dates(datetime.date(1990, 1, 1)),
                   st.floats(allow_nan=False, allow_infinity=False))
value = st.recursive(scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(text, inner, max_size=3)), max_leaves=6)
FIELDS = ["title", "subtitle", "lang", "date", "review-date", "leaflet-id", "version", "authors", "summary",
          "key-points", "faq", "references", "disclaimer", "reveiw-date", "extra"]
GOOD = {"title": "T", "lang": "en", "date": "2026-01-01", "review-date": "2099-01-01", "summary": "S",
        "disclaimer": "medical", "references": [{"id": "source", "type": "webpage", "title": "x"}]}


@st.composite
def manuscripts(draw) -> bytes:
    # Mostly valid front matter, so that most examples get as far as pandoc and the renderers.
    front = {key: GOOD[key] for key in GOOD if draw(st.integers(0, 9)) > 0 or key in ("title", "summary")}
    for key in draw(st.lists(st.sampled_from(FIELDS), max_size=3)):
        front[key] = draw(value)
    front_text = json.dumps(front, default=str, ensure_ascii=draw(st.booleans()))
    if draw(st.integers(0, 4)) == 0:
        front_text = draw(st.sampled_from(["{", "title: [", ": : :", "- a\n- b", front_text + "\n\tbad: x"]))
    body = "\n\n".join(draw(st.lists(markdown_piece, max_size=8)))
    document = f"---\n{front_text}\n---\n\n{body}\n"
    if draw(st.booleans()):
        document = document.replace("\n", "\r\n")
    data = document.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 20)) == 0:
        data = data[: len(data) // 2] + b"\xff\xfe" + data[len(data) // 2:]
    return data


def assert_located_or_clean(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code != 3, f"internal error (exit 3):\n{result.output}"
    assert result.exit_code in (0, 1), result.output
    for line in result.output.splitlines():
        assert "Traceback" not in line and "internal error" not in line.lower(), result.output
        assert LOCATED.match(line) or SUMMARY.match(line), line
    if result.exit_code == 1:
        assert re.search(r": error: |^failed ", result.output, flags=re.M)


def run_case(project: Path, data: bytes, command: str, *args: str):
    (project / "manuscripts" / "fuzz.md").write_bytes(data)
    return publish(command, *args, project=project)


def keep_failure(data: bytes) -> None:
    """Save what failed, so that it is replayed by test_regressions from now on."""
    import hashlib

    (FIXTURES / "fuzz" / f"{hashlib.sha256(data).hexdigest()[:12]}.md").write_bytes(data)


def checked(project: Path, data: bytes, command: str, *args: str) -> None:
    try:
        assert_located_or_clean(run_case(project, data, command, *args))
    except AssertionError:
        keep_failure(data)
        raise


@FIXED
@given(data=manuscripts())
def test_check_never_crashes_fixed_seeds(project: Path, data: bytes) -> None:
    checked(project, data, "check")


@FRESH
@given(data=manuscripts())
def test_check_never_crashes_fresh_sample(project: Path, data: bytes) -> None:
    checked(project, data, "check")


@settings(max_examples=40, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=manuscripts())
def test_build_never_crashes(project: Path, data: bytes) -> None:
    shutil.rmtree(project / "output", ignore_errors=True)
    checked(project, data, "build", "--jobs", "1")


# --- regressions --------------------------------------------------------------------------------
#
# Most kept examples failed in their front matter, so check rejects them before pandoc or a
# renderer runs. Each is replayed as it is, and then its Markdown body again under front matter
# that is known to be good, so that the body reaches pandoc and, when check accepts it, every
# renderer (web, pdf, epub).

REGRESSIONS = sorted((FIXTURES / "fuzz").glob("*.md"))
BOM = b"\xef\xbb\xbf"
RENDERED = ("pdf/fuzz.pdf", "web/fuzz.html", "epub/all-articles.epub")  # one output per renderer


def body_of(data: bytes) -> bytes:
    """The bytes after the front matter: all of them without an opening '---' line, none without
    a closing one."""
    lines = data.removeprefix(BOM).splitlines(keepends=True)
    if not lines or lines[0].rstrip(b"\r\n") != b"---":
        return data.removeprefix(BOM)
    closing = next((n for n, line in enumerate(lines[1:], 1) if line.rstrip(b"\r\n") in (b"---", b"...")), None)
    return b"".join(lines[closing + 1:]) if closing is not None else b""


def under_good_front_matter(data: bytes) -> bytes:
    """The fixture's body under GOOD's front matter, its byte-order mark and line endings kept."""
    newline = b"\r\n" if data.removeprefix(BOM).split(b"\n", 1)[0].endswith(b"\r") else b"\n"
    front = json.dumps(GOOD, ensure_ascii=False).encode("utf-8")
    return (BOM if data.startswith(BOM) else b"") + b"---" + newline + front + newline + b"---" + newline + body_of(data)


def body_reaches_renderers(root: Path, data: bytes) -> bool:
    """Build the fixture's body under good front matter, alone in a new project at root; return
    whether every renderer wrote it. An article that check accepts must come out in every format:
    a renderer failing on it (reported as `failed pdf/fuzz.pdf: ...`) fails the case."""
    shutil.copytree(BASE_PROJECT, root, ignore=shutil.ignore_patterns("*.md"))
    result = run_case(root, under_good_front_matter(data), "build", "--jobs", "1")
    assert_located_or_clean(result)
    written = set(re.findall(r"^wrote output/(\S+)$", result.output, flags=re.M))
    if not re.search(r"^manuscripts/fuzz\.md:\d+:\d+: error: ", result.output, flags=re.M):
        assert result.exit_code == 0 and set(RENDERED) <= written, result.output
    return set(RENDERED) <= written


@pytest.fixture(scope="module")
def rendered() -> dict[str, bool]:
    """Fixture name -> whether its body, under good front matter, reached every renderer."""
    return {}


@pytest.mark.parametrize("case", REGRESSIONS, ids=lambda p: p.stem)
def test_regressions(project: Path, case: Path, rendered: dict[str, bool], tmp_path: Path) -> None:
    data = case.read_bytes()
    for command in ("check", "build"):
        assert_located_or_clean(run_case(project, data, command))
    rendered[case.stem] = body_reaches_renderers(tmp_path / "body", data)


def test_regression_bodies_reach_every_renderer(rendered: dict[str, bool], tmp_path: Path) -> None:
    """Proof that test_regressions exercised the renderers, not only check: most bodies were built,
    including some with text in them. A case test_regressions did not run (deselected) is built here."""
    for case in REGRESSIONS:
        if case.stem not in rendered:
            rendered[case.stem] = body_reaches_renderers(tmp_path / case.stem, case.read_bytes())
    built = [case for case in REGRESSIONS if rendered[case.stem]]
    assert len(built) * 2 >= len(REGRESSIONS), f"only {len(built)} of {len(REGRESSIONS)} bodies reached the renderers"
    assert [case for case in built if body_of(case.read_bytes()).strip()], "no body with text in it reached the renderers"
