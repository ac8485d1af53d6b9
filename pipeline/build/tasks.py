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
from pipeline.render.preflight import Problem
from pipeline.render.press import pressed
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
            if variant in PRESSED:  # preflighted here, in parallel, not by the build
                attempt_pressed(rendered, path, lambda v=variant: self.press(v, made))
            else:
                attempt(rendered, path, lambda v=variant: self.lay_out(v, made))
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
        """A leaflet or office booklet (`made` keeps the leaflets this task laid out)."""
        if variant == layout.OFFICE_BOOKLET:
            return render_office_booklet(self.document, self.publication, self.theme, self.manuscripts, self.editions)
        made[variant] = self.leaflet(variant, self.page_size)
        return made[variant]

    def press(self, variant: str, made: dict[str, bytes]) -> tuple[bytes, list[Problem]]:
        """A press file and its preflight, from its digital leaflet at the publication's size: laid
        out once for both when this task makes both, and again with the bleed if the press needs it."""
        leaflet, page_size = PRESSED[variant], self.publication.leaflet.page_size

        def lay_out(bleed: float) -> bytes:
            laid_out = made.get(leaflet) if self.other_size is None and not bleed else None
            return laid_out or self.leaflet(leaflet, page_size, bleed)

        return pressed(lay_out, self.publication.print_, self.manuscripts)

    def leaflet(self, variant: str, page_size: str, bleed: float = 0.0) -> bytes:
        return render_leaflet(self.document, self.publication, variant, page_size, self.theme, self.manuscripts,
                              self.editions, bleed)


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
        attempt_pressed(rendered, self.slug, lambda: render_print_edition(self.booklet, self.documents,
                                                                          self.publication, self.theme, self.manuscripts))
        return rendered


def attempt(rendered: Rendered, path: str, render) -> None:
    """Render one output; a bug in it is recorded and the article's other outputs go on."""
    try:
        rendered.files[path] = render()
    except LIMIT_ERRORS:
        raise
    except Exception:  # noqa: BLE001 - a bug, reported as one (exit 3), not hidden
        rendered.bugs[path] = traceback.format_exc()


def attempt_pressed(rendered: Rendered, path: str, press) -> None:
    """Make a press file (`press` returns it and its preflight), keeping the preflight beside it."""
    def file() -> bytes:
        data, rendered.preflighted[path] = press()
        return data

    attempt(rendered, path, file)


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
