"""build(): load → examine (cached) and judge → render pages and the booklets' print editions →
booklets and site, while workers lay out the leaflets → downloads → record.

Every output has an input key (output/keys.py). A build works the keys out from file hashes
and the cache, and redoes only the outputs whose key changed: a build with nothing to do
reads hashes and stops, without importing pandoc's wrapper or WeasyPrint.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path

from pipeline.base.diagnostics import deduplicate
from pipeline.build.articles import examine, render_articles, retire_office_booklets
from pipeline.build.booklets import plan_print_editions, write_booklets
from pipeline.build.record import record
from pipeline.build.replay import forget_account, inputs_key, record_account
from pipeline.build.result import BuildResult
from pipeline.build.shards import write_stamp
from pipeline.build.site import write_downloads, write_site
from pipeline.build.state import Build
from pipeline.build.tasks import preload_for_build
from pipeline.distribute.pool import Workers
from pipeline.output.layout import FORMATS, OUTPUT
from pipeline.output.writer import OutputWriter, exclusive, read_manifest
from pipeline.source.project import load_project


def build(root: Path, slugs: tuple[str, ...] = (), formats: tuple[str, ...] = FORMATS,
          page_size: str | None = None, jobs: int | None = None, on_event=None,
          cache_dir: Path | None = None, workers=None, shard=None,
          inputs: str | None = None) -> BuildResult:
    """Validate, redo what is stale (largest articles first, in parallel), write, record the manifest.

    `workers` lends the build a pool kept warm between builds (publish serve, a Dask cluster)
    instead of its own; a `shard` (shards.Shard) builds only its slice of the articles, and no
    site or booklets. `inputs` is replay.inputs_key of this build, when the caller has it already."""
    result = BuildResult()
    key = inputs or inputs_key(root.resolve(), slugs, formats, page_size)
    with exclusive(root.resolve() / OUTPUT):
        project = load_project(root, slugs, cache_dir)
        forget_account(project.cache_root, key)
        if shard is not None:
            project.chosen = shard.holds(project.chosen)
            project.unusable &= set(project.chosen)
        result.diagnostics += project.diagnostics
        if project.publication is None:
            result.failed["publication.yaml"] = "publication.yaml has errors; nothing was built"
            result.diagnostics = deduplicate(result.diagnostics)
            return result
        output = project.output
        run = Build(project, formats, page_size or project.publication.leaflet.page_size, OutputWriter(output),
                    read_manifest(output), result, on_event or (lambda _event: None))
        try:
            pool = nullcontext(workers) if workers else Workers(jobs or os.cpu_count() or 1, preload_for_build)
            with pool as running:
                examine(run, running)
                booklets = "epub" in formats and shard is None
                leaflets_done = render_articles(run, running, plan_print_editions(run) if booklets else ([], None))
                if booklets:
                    write_booklets(run)
                if "web" in formats and shard is None:
                    write_site(run)
                leaflets_done()
            retire_office_booklets(run)
            if "web" in formats and shard is None:
                write_downloads(run)
        finally:
            record(run)  # also when interrupted: what was finished is recorded
        result.diagnostics = deduplicate(result.diagnostics)
        if shard is not None:
            write_stamp(output, shard, formats, page_size)
        else:
            record_account(project.cache_root, key, result)
    return result
