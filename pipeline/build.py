"""build(): check everything, convert each article once, then write every format."""

from __future__ import annotations

import platform
import uuid
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .config import Booklet, Publication
from .document import Document, build_document
from .project import CheckResult, check_project, manuscripts_dir, styles_dir
from .render.booklet import render_booklet
from .render.leaflet import VARIANTS, leaflet_name, render_leaflet
from .render.web import Download, render_site
from .render.theme import labels
from .writer import OUTPUT, OutputWriter, read_manifest

FORMATS = ("web", "pdf", "epub")


@dataclass
class BuildResult:
    check: CheckResult
    written: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # what could not be built, and why
    skipped: list[str] = field(default_factory=list)


def build(root: Path, slugs: tuple[str, ...] = (), formats: tuple[str, ...] = FORMATS,
          page_size: str | None = None) -> BuildResult:
    """The whole pipeline: validate, convert, render leaflets, booklets and the site, write the manifest."""
    root = root.resolve()
    checked = check_project(root, slugs)
    result = BuildResult(checked)
    publication = checked.publication
    if publication is None:
        result.failed["publication.yaml"] = "publication.yaml has errors; nothing was built"
        return result
    folder, styles = manuscripts_dir(root), styles_dir(root)
    documents = [build_document(a.manuscript, a.converted, publication, folder)
                 for a in checked.articles if a.manuscript.slug not in checked.failed]
    result.failed.update({slug: "the manuscript has errors" for slug in checked.failed})
    writer = OutputWriter(root / OUTPUT, tool_versions())
    previous = read_manifest(writer.root)
    downloads: dict[str, list[Download]] = {d.slug: [] for d in documents}
    if "pdf" in formats:
        write_leaflets(documents, publication, page_size or publication.leaflet.page_size,
                       styles, folder, writer, result, downloads)
    booklet_downloads: list[Download] = []
    if "epub" in formats and not slugs:
        write_booklets(documents, checked, publication, styles, folder, writer, result, downloads, booklet_downloads)
    if "web" in formats:
        write_site(documents, publication, downloads, booklet_downloads, styles, folder, writer, result, bool(slugs))
    result.written = sorted(writer.entries)
    writer.write_manifest(previous)
    return result


def write_leaflets(documents, publication, page_size, styles, folder, writer, result, downloads) -> None:
    for document in documents:
        words = labels(styles, document.lang)
        for variant in VARIANTS:
            name = leaflet_name(document.slug, variant)
            try:
                pdf = render_leaflet(document, publication, variant, page_size, styles, folder)
            except Exception as error:  # noqa: BLE001 - one bad leaflet must not stop the others
                result.failed[f"pdf/{name}"] = f"{type(error).__name__}: {error}"
                continue
            writer.write(f"pdf/{name}", pdf, document.source_hash)
            label = words.pdf_standard if variant == "standard" else words.pdf_large
            downloads[document.slug].append(Download(label, f"downloads/{name}"))


def booklets_of(publication: Publication, slugs: list[str]) -> list[tuple[Booklet, list[str]]]:
    """Each booklet with the slugs it holds; one booklet of every article when none is defined."""
    booklets = publication.booklets or [Booklet(
        id="all-articles", title=f"{publication.publisher}: all articles",
        identifier=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, publication.base_url)}")]
    return [(b, sorted(slugs) if b.manuscripts == "all" else list(b.manuscripts)) for b in booklets]


def write_booklets(documents, checked, publication, styles, folder, writer, result, downloads,
                   booklet_downloads) -> None:
    by_slug = {document.slug: document for document in documents}
    all_slugs = [a.manuscript.slug for a in checked.articles] + list(checked.failed)
    for booklet, members in booklets_of(publication, sorted(set(all_slugs))):
        name = f"epub/{booklet.id}.epub"
        broken = [slug for slug in members if slug not in by_slug]
        if broken:
            result.failed[name] = f"not built: {', '.join(broken)} cannot be built"
            continue
        chosen = [by_slug[slug] for slug in members]
        try:
            data = render_booklet(booklet, chosen, publication, styles, folder)
        except Exception as error:  # noqa: BLE001 - one bad booklet must not stop the others
            result.failed[name] = f"{type(error).__name__}: {error}"
            continue
        writer.write(name, data, combined_hash(chosen))
        download = Download(labels(styles, chosen[0].lang).format("epub", title=booklet.title),
                            f"downloads/{booklet.id}.epub")
        booklet_downloads.append(download)
        for document in chosen:
            downloads[document.slug].append(download)


def write_site(documents, publication, downloads, booklet_downloads, styles, folder, writer, result,
               selected_only: bool) -> None:
    for download_list in [*downloads.values(), booklet_downloads]:
        for download in download_list:
            source = download.href.replace("downloads/", "pdf/" if download.href.endswith(".pdf") else "epub/")
            if f"web/{download.href}" not in writer.entries:
                writer.copy(source, f"web/{download.href}")
    if selected_only:
        result.skipped.append("web/index.html (built with every article only)")
    render_site(documents, publication, downloads, booklet_downloads, styles, folder, writer,
                combined_hash(documents), write_index=not selected_only)


def combined_hash(documents: list[Document]) -> str:
    import hashlib  # noqa: PLC0415

    return hashlib.sha256("".join(d.source_hash for d in documents).encode()).hexdigest()


def tool_versions() -> dict[str, str]:
    import pypandoc  # noqa: PLC0415

    versions = {"python": platform.python_version(), "pandoc": pypandoc.get_pandoc_version()}
    for package in ("health-publishing-pipeline", "weasyprint", "ebooklib", "nh3"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "unknown"
    return versions
