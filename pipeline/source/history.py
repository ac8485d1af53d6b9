"""Versions from git: each value a manuscript's `version` has had, at the commit where it first
appeared, with that commit's date, author and the manuscript's text."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline.base.diagnostics import Reporter, UsageError
from pipeline.source.manuscript import front_matter_model, front_matter_of, parse_manuscript
from pipeline.source.text import SourceText, plain_text

FIELD, RECORD = "\x1f", "\x1e"


class HistoryError(UsageError):
    """The history a command needs is not there (no git repository, a shallow clone)."""


@dataclass(frozen=True)
class Version:
    version: str | None
    commit: str
    date: str  # ISO 8601, the commit's author date
    author: str
    text: str  # the manuscript as committed

    @property
    def short(self) -> str:
        return self.commit[:7]

    @property
    def day(self) -> str:
        return self.date[:10]


@dataclass
class History:
    """A manuscript's committed history, oldest first."""

    root: Path  # the repository's top folder
    path: Path  # the manuscript
    commits: list[tuple[str, str, str, str]]  # (commit, date, author, path in the repository then)

    @cached_property
    def texts(self) -> list[str | None]:
        return read_blobs(self.root, [f"{commit}:{where}" for commit, _, _, where in self.commits])

    @cached_property
    def versions(self) -> list[Version]:
        """One entry per value of `version`, at the commit where that value first appeared."""
        found: list[Version] = []
        for (commit, date, author, _where), text in zip(self.commits, self.texts):
            if text is None:
                continue
            value = version_of(text, self.path)
            if not found or value != found[-1].version:
                found.append(Version(value, commit, date, author, text))
        return found

    def first_appearance(self, version: str | None) -> Version | None:
        """Where the current run of this version value began."""
        return next((v for v in reversed(self.versions) if v.version == version), None)


def git(root: Path, *arguments: str, stdin: str | None = None) -> str:
    process = subprocess.run(["git", "-C", str(root), *arguments], input=stdin, capture_output=True, text=True,
                             encoding="utf-8", errors="replace")
    if process.returncode != 0:
        raise HistoryError(process.stderr.strip() or f"git {arguments[0]} failed")
    return process.stdout


@dataclass(frozen=True)
class Repository:
    """The git repository a project is in."""

    top: Path
    shallow: bool

    @classmethod
    def of(cls, root: Path) -> "Repository":
        try:
            top = Path(git(root, "rev-parse", "--show-toplevel").strip())
        except (HistoryError, FileNotFoundError):
            raise HistoryError(f"{root} is not in a git repository: versions are read from git history "
                               "(commit the manuscripts with git first)") from None
        return cls(top, git(top, "rev-parse", "--is-shallow-repository").strip() == "true")

    def history(self, path: Path) -> History:
        """The committed history of one manuscript, following renames."""
        self.require_full_history()
        relative = self.relative(path)
        commits = [(commit, date, author, names[0] if names else relative)
                   for commit, date, author, names in self.log("--follow", "--", relative)]
        return History(self.top, path, list(reversed(commits)))

    def histories(self, folder: Path, paths: list[Path]) -> dict[Path, History]:
        """The histories of many manuscripts from one `git log` and one `git cat-file` (renames
        are not followed here: the history of a renamed file starts at its new name)."""
        self.require_full_history()
        wanted = {self.relative(path): path for path in paths}
        commits: dict[str, list] = {name: [] for name in wanted}
        for commit, date, author, names in self.log("--", self.relative(folder)):
            for name in names:
                if name in commits:
                    commits[name].insert(0, (commit, date, author, name))
        found = {wanted[name]: History(self.top, wanted[name], found_commits) for name, found_commits in commits.items()}
        texts = iter(read_blobs(self.top, [f"{c}:{where}" for h in found.values() for c, _, _, where in h.commits]))
        for history_ in found.values():
            history_.__dict__["texts"] = [next(texts) for _ in history_.commits]  # fills the cached property
        return found

    def log(self, *arguments: str) -> list[tuple[str, str, str, list[str]]]:
        """(commit, date, author, files changed) of the commits git log selects, newest first."""
        output = git(self.top, "log", f"--format={RECORD}%H{FIELD}%aI{FIELD}%an", "--name-only", *arguments)
        found = []
        for record in output.split(RECORD)[1:]:
            header, _, names = record.partition("\n")
            commit, date, author = header.split(FIELD)
            found.append((commit, date, author, [name for name in names.splitlines() if name.strip()]))
        return found

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.top.resolve()).as_posix()

    def require_full_history(self) -> None:
        if self.shallow:
            raise HistoryError("this is a shallow clone, so the manuscripts' earlier versions are missing: "
                               "run `git fetch --unshallow` first")


def read_blobs(root: Path, specs: list[str]) -> list[str | None]:
    """Many files from git at once (one `git cat-file --batch`); None for one that is missing."""
    if not specs:
        return []
    process = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"], input=("\n".join(specs) + "\n").encode("utf-8"),
                             capture_output=True, check=True)
    data, texts, offset = process.stdout, [], 0
    for _spec in specs:
        end = data.index(b"\n", offset)
        header = data[offset:end].split()
        if header[-1] == b"missing":
            texts.append(None)
            offset = end + 1
            continue
        size = int(header[2])
        texts.append(data[end + 1:end + 1 + size].decode("utf-8", "replace"))
        offset = end + 1 + size + 1
    return texts


def version_of(text: str, path: Path) -> str | None:
    front = front_matter_of(text, front_matter_model(path))
    if front is None:  # the quick reading failed: the careful one may still find the field
        manuscript = parse_manuscript(SourceText(plain_text(text)), path, Reporter(path))
        front = manuscript.front if manuscript else None
    return front.version if front else None


def resolve(history_: History, revision: str) -> Version:
    """A version value ("3") or any git revision (a commit, a tag, HEAD~2) of this manuscript."""
    by_value = next((v for v in reversed(history_.versions) if v.version == revision), None)
    if by_value:
        return by_value
    try:
        commit = git(history_.root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()
    except HistoryError:
        raise HistoryError(f"'{revision}' is neither a version of {history_.path.name} nor a git revision") from None
    where = history_.path.resolve().relative_to(history_.root.resolve()).as_posix()
    text = read_blobs(history_.root, [f"{commit}:{where}"])[0]
    if text is None:
        raise HistoryError(f"{where} does not exist at {revision}")
    date, author = git(history_.root, "show", "-s", f"--format=%aI{FIELD}%an", commit).strip().split(FIELD)
    return Version(version_of(text, history_.path), commit, date, author, text)


def same_text(first: str, second: str) -> bool:
    return plain_text(first) == plain_text(second)


def version_problems(committed: History, root: Path, version: str | None, position: tuple[int, int]) -> list:
    """A version lower than one already committed is an error; content changed since the current
    version was first committed is a warning that the version should be raised."""
    path = committed.path
    reporter = Reporter(path, root)
    if not committed.commits or version is None:
        return []
    highest = max((v for v in committed.versions if number(v.version) is not None),
                  key=lambda v: number(v.version), default=None)
    if highest and number(version) is not None and number(version) < number(highest.version):
        reporter.error(position, "version-down", f"version {version} is lower than version {highest.version}, "
                       f"committed in {highest.short} on {highest.day}")
        return reporter.diagnostics
    first = committed.first_appearance(version)
    try:
        current = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # reported by check already
    if first is not None and not same_text(first.text, current):
        reporter.warning(position, "version-not-raised", f"the content has changed since version {version} was "
                         f"committed ({first.short}, {first.day})", "raise the version")
    return reporter.diagnostics


def number(version: str | None) -> float | None:
    try:
        return float(version) if version is not None else None
    except ValueError:
        return None
