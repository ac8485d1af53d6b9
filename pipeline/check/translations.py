"""Translations: the blocks of an article, a translation's structure against its source's, and
block-level currency recorded in manuscripts/translations.lock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.diagnostics import Diagnostic, Reporter, UsageError
from pipeline.convert.conversion import Converted
from pipeline.output.layout import is_translation, source_of
from pipeline.output.writer import atomic_write
from pipeline.source.manuscript import Manuscript
from pipeline.source.publication import Publication

LOCK_FILE = "translations.lock"
STRUCTURAL = ("key-points", "faq", "tables", "images")  # counts a translation must keep
NAMES = {"key-points": "key point", "faq": "FAQ", "tables": "table", "sections": "section", "images": "image",
         "references": "reference"}


@dataclass(frozen=True)
class Block:
    """One block of an article: what a translation must keep of it, and a fingerprint of its text."""

    kind: str  # title, summary, key-points, faq, tables, sections, disclaimer; images, references (structure only)
    number: int  # 1-based within its kind; 0 for the title, summary, disclaimer and the opening text
    fingerprint: str
    shape: str = ""  # a table's rows × columns, a reference's id and URL, the disclaimer's key
    position: tuple[int, int] = (1, 1)

    @property
    def name(self) -> str:
        if self.kind == "sections" and self.number == 0:
            return "opening text"
        return f"{NAMES[self.kind]} {self.number}" if self.kind in NAMES else self.kind


def fingerprint(*texts: str) -> str:
    return hashlib.sha256("\x1f".join(" ".join(t.split()) for t in texts).encode()).hexdigest()[:16]


def blocks_of(manuscript: Manuscript, converted: Converted, publication: Publication | None) -> tuple[Block, ...]:
    """Every block of an article, in order, with where it is written."""
    yaml, body = manuscript.yaml, converted.body.facts
    after_body = (manuscript.body_first_line, 1)
    found = [Block("title", 0, fingerprint(converted.title.facts.text), position=yaml.position(("title",))),
             Block("summary", 0, fingerprint(converted.summary.facts.text), position=yaml.position(("summary",)))]
    found += [Block("key-points", i, fingerprint(title.facts.text, text.facts.text),
                    position=yaml.position(("key-points", i - 1)))
              for i, (title, text) in enumerate(converted.key_points, 1)]
    found += [Block("faq", i, fingerprint(question.facts.text, answer.facts.text), position=yaml.position(("faq", i - 1)))
              for i, (question, answer) in enumerate(converted.faq, 1)]
    found += [Block("tables", i, fingerprint(t.caption, *(cell for row in t.head + t.body for cell in row)),
                    shape=f"{len(t.head) + len(t.body)}×{max((len(row) for row in t.head + t.body), default=0)}",
                    position=t.position or after_body)
              for i, t in enumerate(body.tables, 1)]
    headed = [section for section in body.sections if section.heading]
    opening = [section for section in body.sections if not section.heading]
    found += [Block("sections", 0, fingerprint("", opening[0].text), position=after_body)] if opening else []
    found += [Block("sections", i, fingerprint(section.heading, section.text), position=section.position or after_body)
              for i, section in enumerate(headed, 1)]
    images = [image for fragment in converted.fragments for image in fragment.facts.images]
    found += [Block("images", i, fingerprint(image.alt), shape=image.source, position=image.position or after_body)
              for i, image in enumerate(images, 1)]
    found += [Block("references", i, "", shape=f"{ref.id} {getattr(ref, 'URL', None) or ''}".strip(),
                    position=yaml.position(("references", i - 1, "id")))
              for i, ref in enumerate(manuscript.front.references, 1)]
    found.append(disclaimer_block(manuscript, publication))
    return tuple(found)


def disclaimer_block(manuscript: Manuscript, publication: Publication | None) -> Block:
    """The disclaimer, fingerprinted by its wording in the article's own language."""
    key = manuscript.front.disclaimer
    wording = publication.wording(key, manuscript.front.lang) if publication and key in publication.disclaimers else None
    texts = (wording.title, wording.text, wording.short or "") if wording else ("",)
    return Block("disclaimer", 0, fingerprint(key, *texts), shape=key, position=manuscript.yaml.position(("disclaimer",)))


# --- structure: a translation against its source ---------------------------------------------------

def structure_problems(translation: list[Block], source: list[Block], path: Path, source_path: str,
                       root: Path | None = None) -> list[Diagnostic]:
    """A translation must keep its source's key points, FAQ items, tables, images, references and
    disclaimer; a different number of sections is only a warning."""
    reporter = Reporter(path, root)
    mine, theirs = by_kind(translation), by_kind(source)
    for kind in STRUCTURAL:
        count_problem(reporter, kind, mine.get(kind, []), theirs.get(kind, []), source_path, reporter.error)
    for ours, its in zip(mine.get("tables", []), theirs.get("tables", []), strict=False):
        if ours.shape != its.shape:
            reporter.error(ours.position, "translation-structure",
                           f"{ours.name} has {describe_shape(ours.shape)}; in {source_path} it has {describe_shape(its.shape)}",
                           "keep every row and column of the source's table, in order")
    references_problem(reporter, mine.get("references", []), theirs.get("references", []), source_path)
    ours, its = mine["disclaimer"][0], theirs["disclaimer"][0]
    if ours.shape != its.shape:
        reporter.error(ours.position, "translation-structure",
                       f"the disclaimer is '{ours.shape}'; {source_path} uses '{its.shape}'", f"use disclaimer: {its.shape}")
    headed = [b for b in mine.get("sections", []) if b.number]
    source_headed = [b for b in theirs.get("sections", []) if b.number]
    count_problem(reporter, "sections", headed, source_headed, source_path, reporter.warning)
    return reporter.diagnostics


def by_kind(blocks: list[Block]) -> dict[str, list[Block]]:
    found: dict[str, list[Block]] = {}
    for block in blocks:
        found.setdefault(block.kind, []).append(block)
    return found


def count_problem(reporter: Reporter, kind: str, ours: list[Block], theirs: list[Block], source_path: str, report) -> None:
    if len(ours) == len(theirs):
        return
    word = NAMES[kind] + ("s" if kind != "faq" else " items")
    where = ours[len(theirs)].position if len(ours) > len(theirs) else (ours[-1].position if ours else (1, 1))
    report(where, "translation-structure" if report == reporter.error else "translation-sections",
           f"this translation has {len(ours)} {word}; its source {source_path} has {len(theirs)}",
           f"translate every {NAMES[kind]} of the source, in the same order")


def describe_shape(shape: str) -> str:
    rows, columns = shape.split("×")
    return f"{rows} rows of {columns} columns"


def references_problem(reporter: Reporter, ours: list[Block], theirs: list[Block], source_path: str) -> None:
    for index, its in enumerate(theirs):
        mine = ours[index] if index < len(ours) else None
        if mine is None or mine.shape != its.shape:
            where = mine.position if mine else (ours[-1].position if ours else (1, 1))
            reporter.error(where, "translation-references",
                           f"reference {index + 1} should be '{its.shape}' as in {source_path}"
                           + (f", not '{mine.shape}'" if mine else ", but it is missing"),
                           "keep the source's references: the same ids and URLs, in the same order")
            return
    if len(ours) > len(theirs):
        reporter.error(ours[len(theirs)].position, "translation-references",
                       f"reference '{ours[len(theirs)].shape}' is not in {source_path}",
                       "keep the source's references: the same ids and URLs, in the same order")


# --- currency: which source blocks each translation was last accepted against ----------------------

@dataclass
class Accepted:
    source_version: str | None
    blocks: dict[str, str]  # block name -> fingerprint


@dataclass
class Currency:
    name: str
    source: str
    state: str  # up-to-date, outdated, never-accepted
    outdated: list[Block] = field(default_factory=list)  # the source's blocks that changed, new ones included
    removed: list[str] = field(default_factory=list)  # blocks accepted once that the source no longer has
    source_version: str | None = None  # the source version it was accepted against

    def describe(self) -> str:
        if self.state == "never-accepted":
            return "never accepted"
        if self.state == "up-to-date":
            return "up to date"
        return "outdated: " + ", ".join([b.name for b in self.outdated] + [f"{n} (removed)" for n in self.removed])


def tracked(blocks) -> list[Block]:
    """The blocks whose currency is tracked (images and references are checked by structure)."""
    return [block for block in blocks if block.kind not in ("images", "references")]


def currency(name: str, source_blocks, lock: dict[str, Accepted]) -> Currency:
    source = source_of(name)
    accepted = lock.get(name)
    if accepted is None:
        return Currency(name, source, "never-accepted", tracked(source_blocks))
    current = tracked(source_blocks)
    outdated = [block for block in current if accepted.blocks.get(block.name) != block.fingerprint]
    removed = sorted(set(accepted.blocks) - {block.name for block in current})
    state = "outdated" if outdated or removed else "up-to-date"
    return Currency(name, source, state, outdated, removed, accepted.source_version)


def currency_diagnostics(state: Currency, translation_blocks, path: Path, critical: list[str],
                         root: Path | None = None) -> list[Diagnostic]:
    """Outdated blocks as warnings, and as errors for the critical kinds (the translation is then not built)."""
    reporter = Reporter(path, root)
    edition = "translation" if is_translation(state.name) else "Easy Read edition"
    critical = [] if edition != "translation" else critical  # an Easy Read edition says the source in its own rows
    hint = f"update the {edition}, then run: publish translations --accept {state.name}"
    if state.state == "never-accepted":
        report = reporter.error if any(b.kind in critical for b in state.outdated) else reporter.warning
        report((1, 1), "translation-unaccepted", f"{edition} has never been accepted against {state.source}.md",
               f"check it against the source, then run: publish translations --accept {state.name}")
        return reporter.diagnostics
    where = {block.name: block.position for block in translation_blocks}
    for block in state.outdated:
        report = reporter.error if block.kind in critical else reporter.warning
        report(where.get(block.name, (1, 1)), "translation-outdated",
               f"{block.name} changed in {state.source}.md since this {edition} was accepted", hint)
    for name in state.removed:
        reporter.warning(where.get(name, (1, 1)), "translation-outdated",
                         f"{name} was removed from {state.source}.md since this {edition} was accepted", hint)
    return reporter.diagnostics


def read_lock(manuscripts: Path) -> dict[str, Accepted]:
    """translations.lock; empty when there is none. A malformed lock is a usage problem."""
    import yaml  # noqa: PLC0415

    path = manuscripts / LOCK_FILE
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return {name: Accepted(None if entry.get("source-version") is None else str(entry["source-version"]),
                               {str(k): str(v) for k, v in entry.get("blocks", {}).items()})
                for name, entry in data.items()}
    except (yaml.YAMLError, AttributeError, TypeError, UnicodeDecodeError) as error:
        raise LockError(f"{path}: cannot be read as a translations lock ({error})") from None


def write_lock(manuscripts: Path, lock: dict[str, Accepted]) -> None:
    import yaml  # noqa: PLC0415

    data = {name: {"source-version": entry.source_version, "blocks": dict(entry.blocks)}
            for name, entry in sorted(lock.items())}
    text = ("# Written by `publish translations --accept`: the source blocks each translation was last\n"
            "# checked against. Commit it with the manuscripts.\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False))
    atomic_write(manuscripts / LOCK_FILE, text.encode("utf-8"))


def accept(source_blocks, source_version: str | None) -> Accepted:
    return Accepted(source_version, {block.name: block.fingerprint for block in tracked(source_blocks)})


class LockError(UsageError):
    """translations.lock cannot be read."""
