"""build(): check everything, convert each article once, then write every format."""

from __future__ import annotations

import hashlib
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .config import Publication, booklets_of
from .document import Document, build_document
from .project import CheckResult, check_project, manuscripts_dir, styles_dir
from .render.booklet import render_booklet
from .render.leaflet import VARIANTS, leaflet_name, render_leaflet
from .render.theme import labels
from .render.web import Download, render_site
from .writer import OUTPUT, OutputWriter, read_manifest

FORMATS = ("web", "pdf", "epub")


@dataclass
class BuildResult:
    check: CheckResult
    written: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # what could not be built, and why
    skipped: list[str] = field(default_factory=list)


@dataclass
class Build:
    """What every rendering step of one build shares."""

    publication: Publication
    styles: Path
    manuscripts: Path
    writer: OutputWriter
    result: BuildResult
    documents: list[Document]
    downloads: dict[str, list[Download]] = field(default_factory=dict)  # per article slug
    booklet_downloads: list[Download] = field(default_factory=list)


def build(root: Path, slugs: tuple[str, ...] = (), formats: tuple[str, ...] = FORMATS,
          page_size: str | None = None) -> BuildResult:
    """Validate, convert once per article, render leaflets, booklets and the site, record the manifest."""
    root = root.resolve()
    checked = check_project(root, slugs)
    result = BuildResult(checked)
    result.failed.update({slug: "the manuscript has errors" for slug in checked.failed})
    if checked.publication is None:
        result.failed["publication.yaml"] = "publication.yaml has errors; nothing was built"
        return result
    run = start_build(root, checked, result)
    if "pdf" in formats:
        write_leaflets(run, page_size or run.publication.leaflet.page_size)
    if "epub" in formats and not slugs:
        write_booklets(run, checked)
    if "web" in formats:
        write_site(run, index=not slugs)
    result.written = sorted(run.writer.entries)
    run.writer.write_manifest(read_manifest(run.writer.root))
    return result


def start_build(root: Path, checked: CheckResult, result: BuildResult) -> Build:
    """One Document per article that passed its checks: the only input the renderers get."""
    folder, publication = manuscripts_dir(root), checked.publication
    documents = [build_document(a.manuscript, a.converted, publication, folder)
                 for a in checked.articles if a.manuscript.slug not in checked.failed]
    return Build(publication, styles_dir(root), folder, OutputWriter(root / OUTPUT, tool_versions()),
                 result, documents, {document.slug: [] for document in documents})


def write_leaflets(run: Build, page_size: str) -> None:
    for document in run.documents:
        words = labels(run.styles, document.lang)
        for variant in VARIANTS:
            name = leaflet_name(document.slug, variant)
            try:
                pdf = render_leaflet(document, run.publication, variant, page_size, run.styles, run.manuscripts)
            except Exception as error:  # noqa: BLE001 - one bad leaflet must not stop the others
                run.result.failed[f"pdf/{name}"] = f"{type(error).__name__}: {error}"
                continue
            run.writer.write(f"pdf/{name}", pdf, document.source_hash)
            label = words.pdf_standard if variant == "standard" else words.pdf_large
            run.downloads[document.slug].append(Download(label, f"downloads/{name}"))


def write_booklets(run: Build, checked: CheckResult) -> None:
    """Each booklet is built only when every article in it is: never with a chapter missing."""
    by_slug = {document.slug: document for document in run.documents}
    every_slug = sorted({a.manuscript.slug for a in checked.articles} | set(checked.failed))
    for booklet, members in booklets_of(run.publication, every_slug):
        name = f"epub/{booklet.id}.epub"
        broken = [slug for slug in members if slug not in by_slug]
        if broken:
            run.result.failed[name] = f"not built: {', '.join(broken)} cannot be built"
            continue
        chosen = [by_slug[slug] for slug in members]
        try:
            data = render_booklet(booklet, chosen, run.publication, run.styles, run.manuscripts)
        except Exception as error:  # noqa: BLE001 - one bad booklet must not stop the others
            run.result.failed[name] = f"{type(error).__name__}: {error}"
            continue
        run.writer.write(name, data, combined_hash(chosen))
        download = Download(labels(run.styles, chosen[0].lang).format("epub", title=booklet.title),
                            f"downloads/{booklet.id}.epub")
        run.booklet_downloads.append(download)
        for document in chosen:
            run.downloads[document.slug].append(download)


def write_site(run: Build, index: bool) -> None:
    """The pages, and a copy of every download they link to, so the folder stands alone."""
    for download in {d.href: d for links in [*run.downloads.values(), run.booklet_downloads] for d in links}.values():
        folder = "pdf" if download.href.endswith(".pdf") else "epub"
        run.writer.copy(download.href.replace("downloads", folder, 1), f"web/{download.href}")
    if not index:
        run.result.skipped.append("web/index.html (built with every article only)")
    render_site(run.documents, run.publication, run.downloads, run.booklet_downloads, run.styles,
                run.manuscripts, run.writer, combined_hash(run.documents), write_index=index)


def combined_hash(documents: list[Document]) -> str:
    return hashlib.sha256("".join(d.source_hash for d in documents).encode()).hexdigest()


def tool_versions() -> dict[str, str]:
    import pypandoc  # noqa: PLC0415 - cheap, but only builds need it

    versions = {"python": platform.python_version(), "pandoc": pypandoc.get_pandoc_version()}
    for package in ("health-publishing-pipeline", "weasyprint", "ebooklib", "nh3"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "unknown"
    return versions
