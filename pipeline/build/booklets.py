"""The booklet stage of a build: each EPUB booklet, from its articles' last good documents."""

from __future__ import annotations

from pipeline.build.articles import booklet_members
from pipeline.build.result import NOT_BUILT
from pipeline.build.state import Build
from pipeline.output import keys, layout
from pipeline.render.booklet import render_booklet


def write_booklets(run: Build) -> None:
    """A booklet is rebuilt only when every article in it can be: never with a chapter missing."""
    for booklet, members in booklet_members(run):
        path = layout.booklet(booklet.id)
        broken = [slug for slug in members if run.is_broken(slug) or run.last_good(slug) is None]
        if broken:
            run.fail(path, NOT_BUILT.format(", ".join(broken)), [path])
            continue
        key = keys.booklet_key([(slug, run.key_of(slug)) for slug in members], run.project.theme.key("epub"),
                               booklet.model_dump(), run.project.publication_key)
        if not run.stale(path, key):
            continue
        run.make(path, key, lambda: render_booklet(booklet, [run.last_good(slug) for slug in members],
                                                   run.project.publication, run.project.theme,
                                                   run.project.manuscripts))
