"""Input keys: a hash of everything an output is made from, computed without reading it twice.

Every output records its key in the manifest; a build redoes an output only when its key
changes. Keys are made of file hashes, so a build with nothing to do imports neither
pandoc's wrapper nor WeasyPrint.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from pipeline.base.fonts import installed_charsets

PACKAGE = Path(__file__).parents[1]  # the whole pipeline package
TOOLS = ("health-publishing-pipeline", "pypandoc-binary", "weasyprint", "ebooklib", "nh3", "pydyf",
         "pikepdf", "jinja2", "babel", "segno", "textstat")


def digest(*parts) -> str:
    """A stable hash of JSON-able parts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:  # missing, or removed while a build runs
        return "missing"


def folder_digest(folder: Path) -> str:
    """The names and contents of every file under a folder."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return digest([(p.relative_to(folder).as_posix(), file_digest(p)) for p in files])


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """The versions of the tools, and this pipeline's own code, templates and pandoc scripts."""
    versions = {}
    for name in TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return digest(versions, folder_digest(PACKAGE))


@lru_cache(maxsize=1)  # as long as the list it digests (60 ms of hashing, once per build before)
def installed_fonts_digest() -> str:
    """Part of each article's key: installing a font for a script makes its articles be examined again."""
    return digest(installed_charsets())


def publication_digest(publication, manuscripts: Path) -> str:
    """publication.yaml without the parts an article's outputs do not use (the booklets and the
    print options, whose outputs have keys of their own, and the readability targets and
    glossary, which only warn), plus the logo file it prints."""
    shared = publication.model_dump(mode="json", exclude={"booklets", "readability", "glossary", "print_", "braille"})
    return digest(shared, file_digest(manuscripts / publication.logo) if publication.logo else None)


def article_digest(slug: str, manuscript: Path, media: tuple[str, ...], manuscripts: Path, publication: str,
                   citation_style: str) -> str:
    """What one article's examination is made from: its name and text, the images it names,
    the publication, the citation style, the installed fonts and the tool."""
    return digest(slug, file_digest(manuscript), [(m, media_digest(manuscripts, m)) for m in media],
                  publication, citation_style, installed_fonts_digest(), tool_digest())


def media_digest(manuscripts: Path, image: str) -> str:
    """An image's hash; only files inside manuscripts/ are read (check refuses the others)."""
    try:
        path = (manuscripts / image).resolve()
    except (OSError, ValueError):
        return "unusable"
    return file_digest(path) if path.is_relative_to(manuscripts.resolve()) else "outside"


def editions_part(editions) -> list:
    """What of an article's editions (output.editions.Editions) its page and leaflets print."""
    return ([vars(edition) for edition in editions.all] + [editions.translated_from]
            + [vars(editions.counterpart) if editions.counterpart else None])


def leaflet_key(article: str, theme: str, page_size: str, variant: str, editions, press: dict | None = None) -> str:
    """A leaflet's (press: a press file's bleed, marks and profile's digest)."""
    return digest(article, theme, page_size, variant, editions_part(editions), *([press] if press else []))


def braille_key(article: str, words: str, table: str, geometry: tuple[int, int], translator: str,
                leaflet: str | None) -> str:
    """An article's braille files (words: the theme's labels, all of the theme it prints;
    translator: liblouis's version, whose tables change its cells; leaflet: the key of the
    standard leaflet whose print pages it marks, if it does)."""
    return digest(article, words, table, list(geometry), translator, leaflet)


def page_key(article: str, theme: str, downloads: list, editions) -> str:
    return digest(article, theme, [vars(download) for download in downloads], editions_part(editions))


def booklet_key(members: list[tuple[str, str]], theme: str, booklet: dict, publication: str) -> str:
    """A booklet's (members: each article's name and key; booklet: its entry in publication.yaml)."""
    return digest(members, theme, booklet, publication)


def chapter_key(article: str, members: list[str], theme: str, publication: str) -> str:
    """A booklet's chapter (article: its key; members: the booklet's articles, which its links go to)."""
    return digest(article, members, theme, publication)


def index_key(entries: list[tuple], theme: str, booklets: list, editions, lang: str, publication: str,
              topics: dict[str, str]) -> str:
    """A shelf's index (entries: each article's name, key and editions)."""
    return digest([(name, key, editions_part(its)) for name, key, its in entries], theme,
                  [vars(booklet) for booklet in booklets], editions_part(editions), lang, publication, topics)


def listing_part(documents: list) -> list:
    """What the A–Z and topic pages show of each article (examine.document.Document)."""
    return [(d.slug, d.lang, d.title.html, d.title.text, d.summary.text, d.also_known_as) for d in documents]


def a_to_z_key(documents: list, theme: str, lang: str, publication: str) -> str:
    return digest(listing_part(documents), theme, lang, publication)


def topic_page_key(topic: str, documents: list, theme: str, lang: str, publication: str) -> str:
    return digest(topic, listing_part(documents), theme, lang, publication)


def search_page_key(theme: str, lang: str, shelf: str | None, publication: str) -> str:
    return digest(theme, lang, shelf, publication)


def search_index_key(pages: dict[str, str], pagefind: str) -> str:
    """Pagefind's index (pages: each page's path and SHA-256)."""
    return digest(list(pages.items()), pagefind)


def files_key(paths: list[Path]) -> str:
    return digest([file_digest(path) for path in paths])


def theme_key(shared: list[tuple[str, Path]], own: dict[str, Path]) -> str:
    """One format's templates and stylesheets (own, by name) and the files every format shares."""
    return digest([(name, file_digest(path)) for name, path in shared],
                  sorted((name, file_digest(path)) for name, path in own.items()))


def version_key(text: str, name: str, publication: str, citation_style: str) -> str:
    """An old version of a manuscript, read into the element model (publish changes)."""
    return digest(text, name, publication, citation_style, tool_digest())


def inputs_key(root: Path, formats: tuple[str, ...], page_size: str | None) -> str:
    """Everything a build reads, so that shards from another commit or setup are told apart."""
    styles = root / "styles"
    return digest(tool_digest(), installed_fonts_digest(), folder_digest(root / "manuscripts"),
                  folder_digest(styles) if styles.is_dir() else None, sorted(formats), page_size)


def build_key(manuscripts: Path, style_folders: list[Path], slugs: tuple[str, ...], formats: tuple[str, ...],
              page_size: str | None, today: str, commit: str | None, epoch: str | None) -> str:
    """Everything one build reads and is asked (build/replay.py): the same key, the same build."""
    return digest(tool_digest(), installed_fonts_digest(), folder_digest(manuscripts),
                  [folder_digest(folder) for folder in style_folders], sorted(slugs), sorted(formats), page_size,
                  today, commit, epoch)
