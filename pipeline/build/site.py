"""The site stage of a build: everything in web/ beside the article pages.

Per shelf (the source articles in web/, each language's translations in web/<lang>/): an
index, grouped by topic when articles have topics; an A–Z; a page per topic. Per language:
a search page, and Pagefind's index of that language's pages in web/pagefind/. Shared:
the stylesheet, the search script, the images pages show, and a copy of every download.

Each page has an input key like every output, so a build with nothing new touches nothing;
site pages that no longer have anything to show (a topic no article names) are removed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.base.files import read_inside
from pipeline.build.articles import booklet_download, booklet_members, editions_for
from pipeline.build.state import Build
from pipeline.examine.document import Document
from pipeline.output import keys, layout
from pipeline.output.editions import Editions, index_editions
from pipeline.output.keys import file_digest
from pipeline.output.writer import Recorded
from pipeline.render.finding import render_a_to_z, render_search, render_topic, sort_key
from pipeline.render.search import ENTRY, pagefind_version, search_index
from pipeline.render.web import Entry, render_index, site_language


def write_site(run: Build) -> None:
    """The stylesheet and search script, the images pages show, the shelves' pages, the search
    pages and index; then away with site pages nothing shows any more."""
    for path, name in ((layout.SITE_STYLESHEET, "web/site.css"), (layout.SEARCH_SCRIPT, "web/search.js")):
        source = run.project.theme.file(name)
        copy_if_stale(run, path, source, file_digest(source))
    published = {slug: document for slug in sorted(run.project.sources) for document in [run.last_good(slug)] if document}
    for image in sorted({image for document in published.values() for image in document.images}):
        source = run.project.manuscripts / image
        copy_if_stale(run, layout.media(image), source, file_digest(source))
    made = write_shelves(run, published) + write_search(run, published)
    retire(run, set(made))


def write_downloads(run: Build) -> None:
    """A copy of every leaflet and booklet in web/downloads/, once the leaflets are laid out."""
    for path, entry in sorted(run.writer.entries.items()):
        if layout.is_download_source(path) and not entry.stale:
            copy_if_stale(run, layout.download(path), run.writer.root / path, entry.sha256)


def shelves_of(published: dict[str, Document]) -> dict[str | None, list[str]]:
    """The articles of each shelf: None for the sources, a language for its translations."""
    shelves: dict[str | None, list[str]] = {None: []}
    for name in published:
        shelves.setdefault(layout.split_name(name)[1], []).append(name)
    return shelves


def write_shelves(run: Build, published: dict[str, Document]) -> list[str]:
    """Each shelf's index, A–Z and topic pages; returns their paths. Each index links the others,
    and each entry the article's other languages."""
    shelves = shelves_of(published)
    site_lang = site_language(list(published.values()))
    langs = sorted(lang for lang in shelves if lang)
    booklets = [(b.lang, booklet_download(b)) for b, _ in booklet_members(run)
                if "epub" in run.formats and (run.writer.root / layout.booklet(b.id)).is_file()]
    made = []
    for shelf in [None, *langs]:
        names, lang = shelves.get(shelf, []), shelf or site_lang
        topics = topic_pages([published[name] for name in names], shelf)
        editions = index_editions(layout.index(shelf), site_lang, langs, run.project.publication.base_url)
        offered = [download for booklet_lang, download in booklets if shelf is None or booklet_lang == shelf]
        made.append(write_index(run, shelf, lang, names, published, offered, editions, topics))
        made.append(write_a_to_z(run, shelf, lang, [published[name] for name in names]))
        made += write_topics(run, shelf, lang, [published[name] for name in names], topics)
    return made


def topic_pages(documents: list[Document], shelf: str | None) -> dict[str, str]:
    """Each topic of a shelf's articles, under its usual spelling (the commonest), with its page."""
    usual = layout.usual_spellings(topic for document in documents for topic in document.topics)
    pages = layout.topic_pages(usual.values(), shelf)
    return {usual[key]: pages[key] for key in sorted(usual, key=lambda key: sort_key(usual[key]))}


def write_index(run: Build, shelf: str | None, lang: str, names: list[str], published: dict[str, Document],
                booklets: list, editions: Editions, topics: dict[str, str]) -> str:
    path = layout.index(shelf)
    entries = [Entry(published[name], editions_for(run, name)) for name in names]
    key = keys.index_key([(name, run.key_of(name), entry.editions) for name, entry in zip(names, entries)],
                         run.project.theme.key("web"), booklets, editions, lang, run.project.publication_key, topics)
    if run.stale(path, key):
        run.make(path, key, lambda: render_index(path, entries, run.project.publication, booklets, run.project.theme,
                                                 lang, editions, shelf, topics).encode("utf-8"))
    return path


def write_a_to_z(run: Build, shelf: str | None, lang: str, documents: list[Document]) -> str:
    path = layout.a_to_z(shelf)
    key = keys.a_to_z_key(documents, run.project.theme.key("web"), lang, run.project.publication_key)
    if run.stale(path, key):
        run.make(path, key, lambda: render_a_to_z(path, documents, run.project.publication, run.project.theme,
                                                  lang, shelf).encode("utf-8"))
    return path


def write_topics(run: Build, shelf: str | None, lang: str, documents: list[Document], topics: dict[str, str]) -> list[str]:
    for topic, path in topics.items():
        members = [d for d in documents if layout.has_topic(d.topics, topic)]
        key = keys.topic_page_key(topic, members, run.project.theme.key("web"), lang, run.project.publication_key)
        if run.stale(path, key):
            run.make(path, key, lambda topic=topic, path=path, members=members: render_topic(
                path, topic, members, run.project.publication, run.project.theme, lang, shelf).encode("utf-8"))
    return list(topics.values())


def write_search(run: Build, published: dict[str, Document]) -> list[str]:
    """A search page per language the articles are written in, and Pagefind's index of their pages."""
    made = []
    for lang, shelf in sorted(search_shelves(published).items()):
        path = layout.search(lang)
        key = keys.search_page_key(run.project.theme.key("web"), lang, shelf, run.project.publication_key)
        if run.stale(path, key):
            run.make(path, key, lambda path=path, lang=lang, shelf=shelf: render_search(
                path, run.project.publication, run.project.theme, lang, shelf).encode("utf-8"))
        made.append(path)
    pages = {page: sha256 for name in published for page in [layout.page(name)]
             for sha256 in [recorded(run, page)] if sha256}
    key = keys.search_index_key(pages, pagefind_version())
    if pages and run.stale(layout.PAGEFIND + ENTRY, key):
        index = search_index(run.writer.root / layout.WEB, run.writer.root / layout.TEMPORARY)
        for name, content in sorted(index.items()):
            if not name.endswith(("-ui.js", "-ui.css", "pagefind-highlight.js")):  # we draw our own results
                write_if_changed(run, layout.PAGEFIND + name, content, key)
    else:  # the index is up to date, every file of it
        for path in sorted(path for path, entry in run.previous.items() if path.startswith(layout.PAGEFIND)
                           and path != layout.PAGEFIND + ENTRY and entry.source == key):
            run.stale(path, key)
    made += [path for path in {**run.previous, **run.writer.entries}
             if path.startswith(layout.PAGEFIND) and (run.writer.entries.get(path) or run.previous[path]).source == key]
    return made


def search_shelves(published: dict[str, Document]) -> dict[str, str | None]:
    """Each language's search page links home to the shelf its articles are on (the sources', if any are)."""
    found: dict[str, set] = {}
    for name, document in published.items():
        found.setdefault(document.lang, set()).add(layout.split_name(name)[1])
    return {lang: None if None in shelves else sorted(shelves)[0] for lang, shelves in found.items()}


def write_if_changed(run: Build, path: str, content: bytes, key: str) -> None:
    """Write an output unless the file already holds these bytes (most of a search index's chunks,
    and its script, stay the same when one page changes): then only its record is renewed."""
    if recorded(run, path) == hashlib.sha256(content).hexdigest():
        run.writer.entries[path] = Recorded(run.previous[path].sha256, key)
    else:
        run.write(path, content, key)


def recorded(run: Build, path: str) -> str | None:
    """The SHA-256 of an output as this build wrote or kept it."""
    entry = run.writer.entries.get(path) or run.previous.get(path)
    return entry.sha256 if entry and (run.writer.root / path).is_file() else None


def retire(run: Build, made: set[str]) -> None:
    """Remove the site pages an earlier build made that this one did not (a topic no article names now,
    a language with no articles left, an old search index's chunks)."""
    for path in sorted(run.previous):
        if layout.is_finding_page(path) and path not in made and path not in run.writer.entries:
            (run.writer.root / path).unlink(missing_ok=True)


def copy_if_stale(run: Build, path: str, source: Path, key: str) -> None:
    if path in run.writer.entries or not run.stale(path, key):
        return
    project = run.project
    run.write(path, read_inside(source, project.manuscripts, *project.theme.folders, run.writer.root), key)
