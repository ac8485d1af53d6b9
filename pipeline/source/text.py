"""Source files: decoding, front matter, and YAML that remembers where each value came from."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from pipeline.base.diagnostics import Reporter

FENCE = "---"
FENCE_ENDS = {"---", "..."}


@dataclass(frozen=True)
class SourceText:
    """A decoded text file that maps character offsets to 1-based line and column."""

    text: str

    def __post_init__(self) -> None:
        starts = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]
        object.__setattr__(self, "_line_starts", starts)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def offset(self, line: int, column: int = 1) -> int:
        index = min(max(line - 1, 0), len(self._line_starts) - 1)
        return self._line_starts[index] + column - 1

    def find(self, token: str, start: tuple[int, int]) -> tuple[int, int] | None:
        """Locate the first occurrence of `token` at or after a position."""
        found = self.text.find(token, self.offset(*start))
        return None if found < 0 else self.position(found)


def read_source(path: Path, reporter: Reporter) -> SourceText | None:
    """Read a UTF-8 file; report unreadable or undecodable files."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        reporter.error((1, 1), "unreadable", f"cannot read file: {error.strerror or error}")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        reporter.error(
            (line, column), "encoding", "file is not valid UTF-8",
            f"byte 0x{raw[error.start]:02x} cannot be decoded; save the file as UTF-8",
        )
        return None
    return SourceText(plain_text(text))


def plain_text(text: str) -> str:
    """Text as every reader here takes it: no byte-order mark, and '\\n' for every line end."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class FrontMatter:
    """The YAML between the fences and the Markdown after them."""

    yaml: str
    yaml_first_line: int  # 1-based line of the first YAML line in the file
    body: str
    body_first_line: int


def split_front_matter(source: SourceText, reporter: Reporter) -> FrontMatter | None:
    lines = source.text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        reporter.error((1, 1), "front-matter", "missing YAML front matter",
                       "start the file with a line '---', the fields, and another '---'")
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in FENCE_ENDS:
            return FrontMatter(
                yaml="\n".join(lines[1:index]) + "\n",
                yaml_first_line=2,
                body="\n".join(lines[index + 1:]),
                body_first_line=index + 2,
            )
    reporter.error((1, 1), "front-matter", "front matter is not closed",
                   "end the fields with a line '---'")
    return None


@dataclass
class YamlDocument:
    """Parsed YAML that can say where any value (by its path of keys and indexes) was written."""

    data: object
    first_line: int  # 1-based file line of the YAML's first line

    def position(self, loc: tuple = (), key: bool = False) -> tuple[int, int]:
        """1-based position of the value at `loc`, or of the deepest container that exists."""
        node, (line, column) = self.data, (0, 0)
        for depth, part in enumerate(loc):
            last = depth == len(loc) - 1
            if isinstance(node, CommentedMap) and part in node:
                line, column = node.lc.key(part) if key and last else node.lc.value(part)
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                line, column = node.lc.item(part)
                node = node[part]
            else:
                break
        return line + self.first_line, column + 1


def parse_yaml(text: str, first_line: int, reporter: Reporter) -> YamlDocument | None:
    """Parse YAML keeping positions; report syntax errors where they are."""
    try:
        data = YAML(typ="rt", pure=True).load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        problem = " ".join(filter(None, [error.problem, error.context and f"({error.context})"]))
        reporter.error(position, "yaml", f"malformed YAML: {problem or error}")
        return None
    except YAMLError as error:
        reporter.error((first_line, 1), "yaml", f"malformed YAML: {error}")
        return None
    doc = YamlDocument(data, first_line)
    broken = list(lone_surrogates(data))
    for loc, key in broken:
        reporter.error(doc.position(loc, key=key), "encoding",
                       "text holds half of a character (a lone \\uD800-\\uDFFF escape)",
                       "write the character itself, or escape it whole as \\U0001F600")
    return None if broken else doc


def lone_surrogates(node, loc: tuple = ()):
    """Where YAML escapes produced a lone UTF-16 surrogate, which no output can encode."""
    def broken(text) -> bool:
        return isinstance(text, str) and any("\ud800" <= ch <= "\udfff" for ch in text)

    if isinstance(node, dict):
        for key, value in node.items():
            if broken(key):
                yield loc + (key,), True
            yield from lone_surrogates(value, loc + (key,))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from lone_surrogates(item, loc + (index,))
    elif broken(node):
        yield loc, False
