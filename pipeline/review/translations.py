"""`publish translations`: every translation's currency against its source, and accepting some
(recording in translations.lock that they match their sources' current blocks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.diagnostics import Diagnostic, Reporter
from pipeline.check.translations import Currency, accept, currency, read_lock, structure_problems, write_lock
from pipeline.examine.run import examine_articles
from pipeline.output.layout import is_translation, source_of
from pipeline.source.project import ProjectError, load_project


@dataclass
class TranslationsResult:
    rows: list[Currency] = field(default_factory=list)
    langs: dict[str, str] = field(default_factory=dict)  # name -> lang
    accepted: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # why a translation could not be accepted or listed


def translation_status(root: Path, accept_names: tuple[str, ...] = (), cache_dir: Path | None = None,
                       only: tuple[str, ...] = ()) -> TranslationsResult:
    """Every translation's currency against its source (or only those named); with `accept_names`,
    first record that those translations match their sources' current blocks (refused while
    either has errors)."""
    project = load_project(root, cache_dir=cache_dir)
    names = [name for name in project.sources if source_of(name)]  # translations and Easy Read editions
    accept_names, only = (tuple(project.canonical(name) for name in given) for given in (accept_names, only))
    for name in accept_names + only:
        if name not in names:
            raise ProjectError(f"'{name}' is not a translation in manuscripts/ (a translation is <slug>.<lang>.md, "
                               "an Easy Read edition <slug>.easy-read.md)")
    names = [name for name in names if name in only] if only else names
    usable = [n for n in project.with_sources(names) if n not in project.unusable]
    examined = examine_articles(project, usable)
    result, lock = TranslationsResult(), read_lock(project.manuscripts)
    if accept_names and project.publication is None:  # nothing can be accepted; say why once
        result.diagnostics += [d for d in project.diagnostics if d.severity.value == "error"]
        accept_names = ()
    for name in accept_names:
        problems = acceptance_problems(project, examined, name)
        result.diagnostics += problems
        if not problems:
            source = examined[source_of(name)]
            lock[name] = accept(source.blocks, source.version)
            result.accepted.append(name)
    if result.accepted:
        write_lock(project.manuscripts, lock)
    for name in names:
        source = examined.get(source_of(name))
        if source is not None and source.blocks and name in examined:
            result.rows.append(currency(name, source.blocks, lock))
            result.langs[name] = examined[name].lang
    return result


def acceptance_problems(project, examined: dict, name: str) -> list[Diagnostic]:
    """A translation is accepted only when it and its source are clean and its structure matches (an
    Easy Read edition's structure is its own)."""
    slug = source_of(name)
    translation, source = examined.get(name), examined.get(slug)
    for article in (translation, source):
        if article is None or article.document is None:
            failed = name if article is translation else slug
            return [Reporter(project.path(failed), project.root).error_diagnostic(
                (1, 1), "translation-accept", f"cannot accept {name}: {failed} has errors (run publish check)")]
    if not is_translation(name):
        return []
    problems = structure_problems(list(translation.blocks), list(source.blocks), project.path(name), f"{slug}.md",
                                  project.root)
    return [d for d in problems if d.severity.value == "error"]
