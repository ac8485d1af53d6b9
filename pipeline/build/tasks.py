"""The tasks a build sends to its workers: lay out an article's stale leaflets and render its
page; lay out a booklet's print edition."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.distribute.pool import LIMIT_ERRORS, preload_nothing, spare_the_collector
from pipeline.examine.document import Document
from pipeline.examine.run import preload_for_check
from pipeline.output import layout
from pipeline.output.editions import Editions
from pipeline.render.braille import render_braille
from pipeline.render.leaflet import render_leaflet
from pipeline.render.office_booklet import render_office_booklet
from pipeline.render.preflight import Problem, preflight
from pipeline.render.press import render_press
from pipeline.render.print_edition import render_print_edition
from pipeline.render.web import render_page
from pipeline.source.publication import Booklet, Publication
from pipeline.source.theme import Theme

PRESSED = {press: leaflet for leaflet, press in layout.PRESS.items()}  # the leaflet each press file is made from


@dataclass
class Rendered:
    files: dict[str, bytes] = field(default_factory=dict)
    bugs: dict[str, str] = field(default_factory=dict)  # output path -> traceback
    preflighted: dict[str, list[Problem]] = field(default_factory=dict)  # a press file's path -> its problems


@dataclass
class RenderTask:
    """Lay out an article's stale leaflets and render its page."""

    slug: str
    document: Document
    variants: tuple[str, ...]
    page: bool
    downloads: list
    theme: Theme
    publication: Publication
    page_size: str
    manuscripts: Path
    limit: float
    size: int = 0
    editions: Editions | None = None
    other_size: str | None = None  # page_size, when it is not the publication's: the leaflets' file names say it
    braille: tuple[str, ...] = ()  # the braille files to make (layout.braille: those that are stale)

    @property
    def preload(self):
        """What this task needs warmed where it runs: WeasyPrint for leaflets (braille reads the
        standard one's pages), nothing for a page."""
        return preload_for_leaflets if self.variants or self.braille else preload_nothing

    def __call__(self) -> Rendered:
        rendered, made = Rendered(), {}
        for variant in self.variants:
            path = layout.leaflet(self.slug, variant, self.other_size)
            attempt(rendered, path, lambda v=variant: self.lay_out(v, made))
            if variant in PRESSED and path in rendered.files:  # preflighted here, in parallel, not by the build
                rendered.preflighted[path] = preflight(rendered.files[path])
        if self.page:
            attempt(rendered, layout.page(self.slug), lambda: render_page(
                self.document, self.publication, self.downloads, self.theme, self.editions).encode("utf-8"))
        if self.braille:
            attempt_together(rendered, layout.braille(self.slug), lambda: self.braille_files(made), self.braille)
        return rendered

    def braille_files(self, made: dict[str, bytes]) -> tuple[bytes, bytes]:
        """The braille, with where each page of the standard leaflet at the publication's size
        begins: the one this task laid out, else laid out for it."""
        leaflet = None
        if self.publication.braille.print_pages:
            leaflet = made.get(layout.STANDARD) if self.other_size is None else None
            leaflet = leaflet or self.leaflet(layout.STANDARD, self.publication.leaflet.page_size)
        files = render_braille(self.document, self.publication, self.theme, leaflet)
        if files is None:
            raise ValueError(f"no braille table for {self.document.lang}: the build asked for braille all the same")
        return files


    def lay_out(self, variant: str, made: dict[str, bytes]) -> bytes:
        """One output; a press file from its digital leaflet, laid out once for both when this task
        makes both at the publication's size (`made` keeps what this task laid out)."""
        if variant == layout.OFFICE_BOOKLET:
            return render_office_booklet(self.document, self.publication, self.theme, self.manuscripts, self.editions)
        if variant in PRESSED:
            leaflet = made.get(PRESSED[variant]) if self.other_size is None else None
            leaflet = leaflet or self.leaflet(PRESSED[variant], self.publication.leaflet.page_size)
            return render_press(leaflet, self.publication.print_, self.manuscripts)
        made[variant] = self.leaflet(variant, self.page_size)
        return made[variant]

    def leaflet(self, variant: str, page_size: str) -> bytes:
        return render_leaflet(self.document, self.publication, variant, page_size, self.theme, self.manuscripts,
                              self.editions)


@dataclass
class PrintEditionTask:
    """Lay out a booklet's print edition and preflight it (its slug: the file's path)."""

    booklet: Booklet
    documents: list[Document]
    publication: Publication
    theme: Theme
    manuscripts: Path
    limit: float
    size: int = 0

    @property
    def slug(self) -> str:
        return layout.print_edition(self.booklet.id)

    @property
    def preload(self):
        return preload_for_leaflets

    def __call__(self) -> Rendered:
        rendered = Rendered()
        attempt(rendered, self.slug, lambda: render_print_edition(self.booklet, self.documents, self.publication,
                                                                  self.theme, self.manuscripts))
        if self.slug in rendered.files:
            rendered.preflighted[self.slug] = preflight(rendered.files[self.slug])
        return rendered


def attempt(rendered: Rendered, path: str, render) -> None:
    """Render one output; a bug in it is recorded and the article's other outputs go on."""
    try:
        rendered.files[path] = render()
    except LIMIT_ERRORS:
        raise
    except Exception:  # noqa: BLE001 - a bug, reported as one (exit 3), not hidden
        rendered.bugs[path] = traceback.format_exc()


def attempt_together(rendered: Rendered, paths: list[str], render, wanted: tuple[str, ...]) -> None:
    """Render outputs made together (`render` returns them in the order of `paths`) and keep the
    `wanted` ones; a bug in it is each one's."""
    try:
        rendered.files.update((path, made) for path, made in zip(paths, render(), strict=True) if path in wanted)
    except LIMIT_ERRORS:
        raise
    except Exception:  # noqa: BLE001 - a bug, reported as one (exit 3), not hidden
        rendered.bugs.update(dict.fromkeys(wanted, traceback.format_exc()))


def preload_for_build() -> None:
    """Pay a build's one-off costs (WeasyPrint's import, and examination's) before any article's
    clock starts."""
    preload_for_leaflets()
    preload_for_check()


def preload_for_leaflets() -> None:
    """WeasyPrint's import, the part of a build's preload that laying out leaflets needs."""
    from weasyprint.text.fonts import FontConfiguration  # noqa: F401, PLC0415

    spare_the_collector()
