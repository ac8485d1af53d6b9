"""publish preflight: our preflight of the press files a build made, as a print shop would run its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.diagnostics import Diagnostic, Severity, UsageError
from pipeline.examine.cache import article_cache
from pipeline.output import layout
from pipeline.render.preflight import preflight, preflight_diagnostics
from pipeline.source.project import load_project, select
from pipeline.source.publication import PUBLICATION_FILE


@dataclass
class PreflightResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the press files read


def preflight_project(root: Path, names: tuple[str, ...] = (), cache_dir: Path | None = None) -> PreflightResult:
    """Every press file of the chosen articles and print edition of the chosen booklets (NAMEs
    are either; all, by default), read back and checked."""
    project = load_project(root, (), cache_dir)
    result = PreflightResult([d for d in project.diagnostics if d.path.endswith("publication.yaml")])
    if project.publication is None:
        return result
    booklets = {booklet.id for booklet in project.publication.booklets}
    if names:
        articles = tuple(name for name in names if name not in booklets)
        project.chosen = select(project.sources, articles) if articles else []
    editions = [booklet.id for booklet in project.publication.booklets
                if booklet.printed is not None and (not names or booklet.id in names)]
    if not project.publication.print_.press and not editions:
        raise UsageError("publication.yaml asks for no press files and no print edition: set print: {press: true}, "
                         "or a booklet's print-edition, then run publish build")
    for booklet_id in editions:
        preflight_file(result, project, layout.print_edition(booklet_id), project.manuscripts / PUBLICATION_FILE, [])
    if not project.publication.print_.press:
        return result
    cache = article_cache(project)
    for name in project.chosen:
        entry = cache.load(name)
        images = list(entry.published.images) if entry and entry.published else []
        manuscript = project.path(name)
        for variant in layout.PRESS.values():
            preflight_file(result, project, layout.leaflet(name, variant), manuscript, images)
    return result


def preflight_file(result: PreflightResult, project, relative: str, manuscript: Path, images: list[str]) -> None:
    """One press-ready file read back, its problems told at `manuscript` where they are about its images."""
    path = project.output / relative
    if not path.is_file():
        result.diagnostics.append(Diagnostic(f"output/{relative}", 1, 1, Severity.ERROR, "preflight-missing",
                                             "no press file: run publish build"))
        return
    result.files.append(relative)
    result.diagnostics += preflight_diagnostics(preflight(path), relative, manuscript, project.root, images)
