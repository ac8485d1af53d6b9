"""publish preflight: our preflight of the press files a build made, as a print shop would run its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.diagnostics import Diagnostic, Severity, UsageError
from pipeline.examine.cache import article_cache
from pipeline.output import layout
from pipeline.render.preflight import preflight, preflight_diagnostics
from pipeline.source.project import load_project


@dataclass
class PreflightResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the press files read


def preflight_project(root: Path, names: tuple[str, ...] = (), cache_dir: Path | None = None) -> PreflightResult:
    """Every press file of the chosen articles (all, by default), read back and checked."""
    project = load_project(root, names, cache_dir)
    result = PreflightResult([d for d in project.diagnostics if d.path.endswith("publication.yaml")])
    if project.publication is None:
        return result
    if not project.publication.print_.press:
        raise UsageError("publication.yaml asks for no press files: set print: {press: true}, then run publish build")
    cache = article_cache(project)
    for name in project.chosen:
        entry = cache.load(name)
        images = list(entry.published.images) if entry and entry.published else []
        manuscript = project.path(name)
        for variant in layout.PRESS.values():
            relative = layout.leaflet(name, variant)
            path = project.output / relative
            if not path.is_file():
                result.diagnostics.append(Diagnostic(f"output/{relative}", 1, 1, Severity.ERROR, "preflight-missing",
                                                     "no press file: run publish build"))
                continue
            result.files.append(relative)
            result.diagnostics += preflight_diagnostics(preflight(path), relative, manuscript,
                                                          project.root, images)
    return result
