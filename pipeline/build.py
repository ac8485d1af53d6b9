"""build(): check, plan what is stale, convert and lay out in warm workers, write, record.

Every output has an input key (fingerprint.py). A build works the keys out from file
hashes and the cache, and redoes only the outputs whose key changed: a build with nothing
to do reads hashes and stops, without importing pandoc's wrapper or WeasyPrint.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

from .article import ArticleCheck, policy_warnings
from .cache import CachedArticle, load_cached, store_cached
from .config import Booklet, Publication, booklets_of
from .diagnostics import Diagnostic, deduplicate, has_errors
from .files import read_inside
from .fingerprint import article_digest, digest, file_digest, publication_digest, styles_digest, tool_digest
from .project import check_publication, check_slug, manuscript_paths, manuscripts_dir, select, styles_dir
from .writer import OUTPUT, OutputWriter, exclusive, read_manifest, read_tools

FORMATS = ("web", "pdf", "epub")
VARIANTS = ("standard", "large-print")


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # outputs that were already up to date
    failed: dict[str, str] = field(default_factory=dict)  # what could not be built, and why
    seconds: dict[str, float] = field(default_factory=dict)  # per article processed
    peak_memory: dict[int, int] = field(default_factory=dict)  # worker pid -> bytes


@dataclass
class Article:
    """One manuscript during a build: what the cache knew and what this build found."""

    slug: str
    path: Path
    cached: CachedArticle | None
    chosen: bool = True  # built in this run (not left out by a slug selection)
    key: str = ""
    check: ArticleCheck | None = None
    document: object = None  # this run's Document, or the cached one when still valid
    failed: bool = False

    @property
    def last_good(self):
        """The document the published outputs were made from: this run's, or the cache's."""
        if self.document is not None:
            return self.document
        return self.cached.document if self.cached else None


@dataclass
class Build:
    root: Path
    publication: Publication
    raw_publication: dict
    formats: tuple[str, ...]
    page_size: str
    jobs: int
    writer: OutputWriter
    previous: dict  # the last manifest's outputs
    result: BuildResult
    on_event: object
    articles: dict[str, Article] = field(default_factory=dict)
    digests: dict = field(default_factory=dict)  # hashes of inputs that cannot change during a build

    def styles_key(self, folder: str) -> str:
        """One format's templates, hashed once per build, not once per output."""
        if folder not in self.digests:
            self.digests[folder] = styles_digest(self.styles, folder)
        return self.digests[folder]

    @property
    def publication_key(self) -> str:
        if "publication" not in self.digests:
            self.digests["publication"] = publication_digest(self.raw_publication, self.manuscripts)
        return self.digests["publication"]

    @property
    def manuscripts(self) -> Path:
        return manuscripts_dir(self.root)

    @property
    def styles(self) -> Path:
        return styles_dir(self.root)

    def stale(self, path: str, key: str) -> bool:
        """Whether an output must be (re)made: no record, another key, or the file is gone."""
        entry = self.previous.get(path)
        return entry is None or entry.get("source") != key or not (self.writer.root / path).is_file()

    def write(self, path: str, content: bytes, key: str) -> None:
        """Write one output; a failed write (a full disk) leaves the previous file as it was."""
        try:
            self.writer.write(path, content, key)
        except OSError as error:
            self.result.failed[path] = f"could not write it: {error.strerror or error}"
            self.on_event("failed", path, self.result.failed[path])
            if path in self.previous:
                self.writer.entries[path] = {**self.previous[path], "stale": True}
            return
        self.result.written.append(path)
        self.on_event("wrote", path)

    def keep(self, path: str) -> None:
        self.writer.entries[path] = self.previous[path]
        self.result.skipped.append(path)


def build(root: Path, slugs: tuple[str, ...] = (), formats: tuple[str, ...] = FORMATS,
          page_size: str | None = None, jobs: int | None = None, on_event=None) -> BuildResult:
    """Validate, redo what is stale (largest articles first, in parallel), write, record the manifest."""
    result = BuildResult()
    root = root.resolve()
    with exclusive(root / OUTPUT):
        run = start(root, slugs, formats, page_size, jobs or os.cpu_count() or 1, result,
                    on_event or (lambda *args: None))
        if run is not None:
            try:
                process_articles(run)
                if "epub" in formats:
                    write_booklets(run)
                if "web" in formats:
                    write_site(run)
            finally:
                finish(run)  # also when interrupted: what was finished is recorded
    result.diagnostics = deduplicate(result.diagnostics)
    return result


def start(root, slugs, formats, page_size, jobs, result, on_event) -> Build | None:
    """Read the configuration, the manifest and the cache; check file names and publication.yaml."""
    all_paths = manuscript_paths(manuscripts_dir(root))
    chosen = select(all_paths, slugs)
    publication, config_diagnostics = check_publication(root, set(all_paths))
    result.diagnostics += config_diagnostics
    if publication is None:
        result.failed["publication.yaml"] = "publication.yaml has errors; nothing was built"
        return None
    output = root / OUTPUT
    run = Build(root, publication, raw_publication(root), formats, page_size or publication.leaflet.page_size,
                jobs, OutputWriter(output), read_manifest(output), result, on_event)
    for slug, paths in all_paths.items():
        article = run.articles[slug] = Article(slug, paths[0], load_cached(output, slug), chosen=slug in chosen)
        if not article.chosen:
            article.key = article.cached.key if article.cached else ""
            continue
        problems = check_slug(slug, paths, root)
        result.diagnostics += problems
        article.failed = has_errors(problems)
    return run


def raw_publication(root: Path) -> dict:
    """publication.yaml as plain data, for input keys (already validated by check_publication)."""
    from ruamel.yaml import YAML  # noqa: PLC0415

    return YAML(typ="safe", pure=True).load((manuscripts_dir(root) / "publication.yaml").read_text(encoding="utf-8"))


# --- keys ------------------------------------------------------------------------------------

def article_key(run: Build, article: Article, media: list[str]) -> str:
    return article_digest(article.path, media, run.manuscripts, run.publication_key)


def leaflet_path(slug: str, variant: str) -> str:
    return f"pdf/{slug}.pdf" if variant == "standard" else f"pdf/{slug}.{variant}.pdf"


def leaflet_key(run: Build, article: Article, variant: str) -> str:
    return digest(article.key, run.styles_key("print"), run.page_size, variant)


def page_key(run: Build, article: Article) -> str:
    return digest(article.key, run.styles_key("web"), [vars(d) for d in downloads_of(run, article.slug)])


def variants_of(run: Build) -> tuple[str, ...]:
    return VARIANTS if "pdf" in run.formats else ()


# --- articles --------------------------------------------------------------------------------

def process_articles(run: Build) -> None:
    """Examine changed articles and lay out stale leaflets and pages, in the worker pool."""
    tasks = [task for article in run.articles.values() if article.chosen and not article.failed
             for task in [plan_article(run, article)] if task is not None]
    if tasks:
        from .workers import run_articles  # noqa: PLC0415 - only a build with work to do needs WeasyPrint

        run.on_event("start", "articles", len(tasks))
        lost = run_articles(tasks, run.jobs, lambda outcome: receive(run, outcome))
        for slug in lost:
            run.articles[slug].failed = True
            run.result.failed[slug] = "its worker process stopped before finishing it (killed?); run the build again"
    for article in run.articles.values():
        if article.chosen:
            report_article(run, article)


def plan_article(run: Build, article: Article):
    """The work an article needs: everything when it changed, its stale outputs otherwise."""
    cached = article.cached
    article.key = article_key(run, article, list(cached.document.images) if cached and cached.document else [])
    if not (cached and cached.key == article.key):
        return new_task(run, article, variants_of(run), "web" in run.formats, None)
    article.check, article.document = cached.check, cached.document
    if article.document is None:
        article.failed = True
        return None
    variants = tuple(v for v in variants_of(run) if run.stale(leaflet_path(article.slug, v), leaflet_key(run, article, v)))
    page = "web" in run.formats and run.stale(f"web/{article.slug}.html", page_key(run, article))
    for variant in set(variants_of(run)) - set(variants):
        run.keep(leaflet_path(article.slug, variant))
    if "web" in run.formats and not page:
        run.keep(f"web/{article.slug}.html")
    return new_task(run, article, variants, page, article.document) if variants or page else None


def new_task(run: Build, article: Article, variants: tuple[str, ...], page: bool, document):
    from .workers import ArticleTask  # noqa: PLC0415

    return ArticleTask(run.root, article.path, article.slug, run.styles, run.publication, run.page_size,
                       variants, page, downloads_of(run, article.slug), document, article.path.stat().st_size)


def receive(run: Build, outcome) -> None:
    """Write what a worker made as soon as it arrives, and cache the article's document."""
    article = run.articles[outcome.slug]
    if outcome.check is not None:
        article.check, article.document = outcome.check, outcome.document
        article.failed = outcome.document is None
        if not article.failed:
            article.key = article_key(run, article, list(outcome.document.images))
            store_cached(run.writer.root, CachedArticle(article.key, article.check, article.document))
    for path, content in sorted(outcome.files.items()):
        if path.startswith("pdf/"):
            key = leaflet_key(run, article, "large-print" if path.endswith(".large-print.pdf") else "standard")
        else:
            key = page_key(run, article)
        run.write(path, content, key)
    for path, reason in outcome.failures.items():
        run.result.failed[path] = reason
        run.on_event("failed", path, reason)
    run.result.seconds[outcome.slug] = outcome.seconds
    run.result.peak_memory[outcome.worker] = max(outcome.peak_memory, run.result.peak_memory.get(outcome.worker, 0))
    run.on_event("article", outcome.slug)


def report_article(run: Build, article: Article) -> None:
    """Its diagnostics; and if it failed, its last good outputs are kept but marked stale."""
    if article.check is not None:
        run.result.diagnostics += article.check.diagnostics + policy_warnings(
            article.check, run.publication.readability.target_grade, datetime.date.today())
    if article.failed:
        run.result.failed.setdefault(article.slug, "the manuscript has errors; its last good outputs are kept")
        for path in own_outputs(article.slug):
            if path in run.previous:
                run.writer.entries[path] = {**run.previous[path], "stale": True}


def own_outputs(slug: str) -> list[str]:
    leaflets = [leaflet_path(slug, variant) for variant in VARIANTS]
    return [f"web/{slug}.html", *leaflets, *(f"web/downloads/{p.split('/', 1)[1]}" for p in leaflets)]


# --- booklets, site, manifest ----------------------------------------------------------------

def booklet_members(run: Build) -> list[tuple[Booklet, list[str]]]:
    return booklets_of(run.publication, sorted(run.articles))


def downloads_of(run: Build, slug: str) -> list:
    """What an article's page offers to download, given the formats this build makes."""
    from .render.web import Download  # noqa: PLC0415

    found = [Download("pdf-standard", f"downloads/{slug}.pdf"),
             Download("pdf-large", f"downloads/{slug}.large-print.pdf")] if "pdf" in run.formats else []
    if "epub" in run.formats:
        found += [booklet_download(booklet) for booklet, members in booklet_members(run) if slug in members]
    return found


def write_booklets(run: Build) -> None:
    """A booklet is rebuilt only when every article in it can be: never with a chapter missing."""
    for booklet, members in booklet_members(run):
        path = f"epub/{booklet.id}.epub"
        articles = [run.articles[slug] for slug in members if slug in run.articles]
        broken = [a.slug for a in articles if a.failed or a.last_good is None] + \
                 [slug for slug in members if slug not in run.articles]
        if broken:
            run.result.failed[path] = f"not built: {', '.join(broken)} cannot be built"
            run.on_event("failed", path, run.result.failed[path])
            if path in run.previous:
                run.writer.entries[path] = {**run.previous[path], "stale": True}
            continue
        key = digest([a.key for a in articles], run.styles_key("epub"), booklet.model_dump(), run.publication_key)
        if not run.stale(path, key):
            run.keep(path)
            continue
        from .render.booklet import render_booklet  # noqa: PLC0415

        try:
            documents = [a.last_good for a in articles]
            run.write(path, render_booklet(booklet, documents, run.publication, run.styles, run.manuscripts), key)
        except Exception as error:  # noqa: BLE001 - one bad booklet must not stop the others
            run.result.failed[path] = f"{type(error).__name__}: {error}"


def write_site(run: Build) -> None:
    """The stylesheet, the images pages show, a copy of every download, and the index."""
    from .render.web import stylesheet_path  # noqa: PLC0415

    css = stylesheet_path(run.styles)
    copy_if_stale(run, "web/assets/site.css", css, file_digest(css))
    published = [a for a in run.articles.values() if a.last_good is not None]
    for image in sorted({image for a in published for image in a.last_good.images}):
        copy_if_stale(run, f"web/{image}", run.manuscripts / image, file_digest(run.manuscripts / image))
    for path, entry in sorted(run.writer.entries.items()):
        if path.startswith(("pdf/", "epub/")) and not entry.get("stale"):
            copy_if_stale(run, f"web/downloads/{path.split('/', 1)[1]}", run.writer.root / path, entry["sha256"])
    write_index(run, published)


def write_index(run: Build, published: list[Article]) -> None:
    from .render.web import render_index  # noqa: PLC0415

    booklets = [booklet_download(b) for b, _ in booklet_members(run)
                if "epub" in run.formats and (run.writer.root / "epub" / f"{b.id}.epub").is_file()]
    key = digest([(a.slug, a.key) for a in published], run.styles_key("web"),
                 [vars(d) for d in booklets], run.publication_key)
    if not run.stale("web/index.html", key):
        run.keep("web/index.html")
        return
    html = render_index([a.last_good for a in published], run.publication, booklets, run.styles)
    run.write("web/index.html", html.encode("utf-8"), key)


def booklet_download(booklet: Booklet):
    from .render.web import Download  # noqa: PLC0415

    return Download("epub", f"downloads/{booklet.id}.epub", booklet.title)


def copy_if_stale(run: Build, path: str, source: Path, key: str) -> None:
    if run.stale(path, key):
        run.write(path, read_inside(source, run.manuscripts, run.styles, run.writer.root), key)
    elif path not in run.writer.entries:
        run.keep(path)


def finish(run: Build) -> None:
    """Record the manifest: this build's outputs, earlier ones still valid, and the tools."""
    fingerprint = tool_digest()
    tools = read_tools(run.writer.root)
    if tools.get("fingerprint") != fingerprint:
        tools = {**tool_versions(), "fingerprint": fingerprint}
    run.writer.tool_versions = tools
    if run.result.written or any(e.get("stale") for e in run.writer.entries.values()) or not run.previous:
        run.writer.write_manifest(run.previous)


def tool_versions() -> dict[str, str]:
    import platform  # noqa: PLC0415
    from importlib import metadata  # noqa: PLC0415

    import pypandoc  # noqa: PLC0415

    versions = {"python": platform.python_version(), "pandoc": pypandoc.get_pandoc_version()}
    for package in ("health-publishing-pipeline", "weasyprint", "ebooklib", "nh3"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "unknown"
    return versions
