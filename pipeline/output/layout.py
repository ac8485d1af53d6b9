"""Where every output lives under output/: the one module that spells an output path.

Paths are relative to output/ and use '/'. An article's NAME is its manuscript's file stem:
a slug (`b12-diet`) or a translation (`b12-diet.ar`), whose web page lives in web/<lang>/. An
Easy Read edition's slug is its article's with `.easy-read` (`b12-diet.easy-read`, translated
`b12-diet.easy-read.ar`).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter

from anyascii import anyascii

OUTPUT = "output"  # the folder, in the project's root
MANIFEST = "manifest.json"
TEMPORARY = ".tmp"  # half-written files live here, never beside the outputs
LOCK = ".lock"
CACHE = ".cache"  # the document cache (or --cache-dir)
BUILD_STAMP = "build.json"  # in the cache folder: the last build's inputs key and account, told again by a no-op
FORMATS = ("web", "pdf", "epub", "braille")
BRAILLE = "braille/"  # an article's braille: <name>.brf (ASCII braille) and <name>.pef (Unicode braille)
BRAILLE_FILES = ("brf", "pef")

# Ids. The templates give their own parts (parts.html names a part and its heading "<part>-title")
# and pages these; pandoc's reader (convert/lua/fragments.lua) renames an author's id that would
# clash with one, or match one of the patterns (Lua patterns: citeproc's and pandoc's own ids).
TEMPLATE_PARTS = ("summary", "key-points", "contents", "faq", "references", "disclaimer", "downloads")
RESERVED_IDS = (*TEMPLATE_PARTS, *(f"{part}-title" for part in TEMPLATE_PARTS),
                "main", "refs", "article-title", "booklet-title")
REFERENCE_PREFIX = "ref-"  # citeproc's: each reference's entry is "ref-<key>", every citation links there
RESERVED_ID_PATTERNS = ("^" + re.sub(r"([-^$()%.\[\]*+?])", r"%\1", REFERENCE_PREFIX), "^cite%-%d+$", "fn%d+$",
                        "fnref%d+$", "footnotes$")
STANDARD = "standard"  # the leaflet a clinic hands out, whose pages others (the braille) refer to
VARIANTS = (STANDARD, "large-print")  # the leaflets printed of every article
OFFICE_BOOKLET = "booklet"  # the variant laid out for the office printer, when publication.yaml asks for it
PRESS = {STANDARD: "press", "large-print": "large-print-press"}  # the print shop's variant of each leaflet
PRINT_FILES = {OFFICE_BOOKLET: "booklet", "press": "press", "large-print-press": "large-print.press"}  # in print/
LONGEST_SUFFIX_FIRST = sorted(PRINT_FILES.items(), key=lambda item: -len(item[1]))  # ".large-print.press" before ".press"
OFFICE_PAGES = {"A4": "A5", "letter": "5.5in 8.5in"}  # an office booklet's pages: half its paper
PAGE_SIZES = ("A4", "A5", "letter")  # a leaflet laid out at another size than the publication's is a file of its own
WEB = "web/"  # the site, as it is served
PDF = "pdf/"  # the leaflets
INDEX = "web/index.html"
SITE_STYLESHEET = "web/assets/site.css"
DOWNLOADS = "web/downloads/"
CHAPTERS = "EPUB/"  # where ebooklib puts a booklet's documents inside the EPUB


# The site's own pages in web/, which no article may take the name of: the front page, the A–Z,
# search (and its index's folder) and topics.
RESERVED_SLUGS = {"index": "the site's front page", "a-z": "the A–Z page", "search": "the search page",
                  "pagefind": "the search index", "topics": "the topic pages"}


EASY_READ = "easy-read"  # an Easy Read edition is <slug>.easy-read, its translations <slug>.easy-read.<lang>


def split_name(name: str) -> tuple[str, str | None]:
    """A manuscript's slug (an Easy Read edition's is `<slug>.easy-read`), and the language of a
    translation (None for a source)."""
    slug, _, lang = name.partition(".")
    if lang == EASY_READ or lang.startswith(EASY_READ + "."):
        slug, lang = f"{slug}.{EASY_READ}", lang[len(EASY_READ) + 1:]
    return slug, lang or None


def is_translation(name: str) -> bool:
    """A translation follows its source block for block; an article, or an Easy Read edition, does not."""
    return split_name(name)[1] is not None


def is_easy_read(name: str) -> bool:
    return split_name(name)[0].endswith("." + EASY_READ)


def source_of(name: str) -> str | None:
    """What an edition follows: a translation its source, an Easy Read edition the article it is
    made from (`b12.easy-read` follows `b12`); None for an article that follows nothing."""
    slug, lang = split_name(name)
    if lang is not None:
        return slug
    return slug.removesuffix("." + EASY_READ) if is_easy_read(name) else None


def counterpart(name: str) -> str:
    """An article's Easy Read edition in the same language, or an Easy Read edition's article:
    `b12.ar` and `b12.easy-read.ar` are each other's."""
    slug, lang = split_name(name)
    other = slug.removesuffix("." + EASY_READ) if is_easy_read(name) else f"{slug}.{EASY_READ}"
    return other + (f".{lang}" if lang else "")


def page(name: str) -> str:
    slug, lang = split_name(name)
    return f"web/{lang}/{slug}.html" if lang else f"web/{slug}.html"


def name_of_page(path: str) -> str | None:
    """The article a path in web/ is the page of (page()'s inverse), or None for any other file."""
    parts = path.removeprefix("web/").split("/")
    if not path.startswith("web/") or not parts[-1].endswith(".html") or parts[-1] == "index.html" or len(parts) > 2 \
            or parts[0] in ("topics", "search"):
        return None
    slug = parts[-1].removesuffix(".html")
    if slug in RESERVED_SLUGS:
        return None
    name = f"{slug}.{parts[0]}" if len(parts) == 2 else slug
    return name if page(name) == path else None


def index(lang: str | None = None) -> str:
    """The site's front page, or the index of the translations into one language."""
    return f"web/{lang}/index.html" if lang else INDEX


def a_to_z(lang: str | None = None) -> str:
    """The A–Z of the source articles, or of the translations into one language."""
    return f"web/{lang}/a-z.html" if lang else "web/a-z.html"


def topic_key(topic: str) -> str:
    """What makes two spellings of a topic the same topic: case and spacing do not count."""
    return " ".join(topic.split()).casefold()


def has_topic(topics, topic: str) -> bool:
    """Whether an article's topics name `topic`, however spelt."""
    return topic_key(topic) in {topic_key(name) for name in topics}


def usual_spellings(topics) -> dict[str, str]:
    """Each topic (by topic_key) under its usual spelling: the commonest; of equals, the first in order."""
    counts: dict[str, Counter] = {}
    for name in topics:
        counts.setdefault(topic_key(name), Counter())[name] += 1
    return {key: min(spellings, key=lambda name: (-spellings[name], name)) for key, spellings in counts.items()}


def topic(name: str, lang: str | None = None) -> str:
    """A topic's page: its articles in one language, under an ASCII file name (Músculos is
    musculos.html, a topic in another script its transliteration) that every server and link keeps."""
    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(topic_key(name)).lower()).strip("-") or "topic"
    return f"web/{lang}/topics/{slug}.html" if lang else f"web/topics/{slug}.html"


def topic_pages(topics, lang: str | None = None) -> dict[str, str]:
    """Each topic's page, by topic_key; topics whose names make the same file name are numbered."""
    pages: dict[str, str] = {}
    for key in sorted({topic_key(name) for name in topics}):
        path, number = topic(key, lang), 2
        while path in pages.values():
            path, number = topic(key, lang).removesuffix(".html") + f"-{number}.html", number + 1
        pages[key] = path
    return pages


def search(lang: str) -> str:
    """The search page of the articles in one language (Pagefind keeps an index per language)."""
    return f"web/search/{lang}.html"


PAGEFIND = "web/pagefind/"  # the search index, one per language
SEARCH_SCRIPT = "web/assets/search.js"


def is_finding_page(path: str) -> bool:
    """Whether a path is one of the pages that find articles (A–Z, topics, search and its index):
    a build removes those it no longer makes."""
    return (path.startswith(("web/search/", PAGEFIND)) or "/topics/" in path) or path.endswith("/a-z.html")


def audit_record(name: str) -> str:
    """An article's audit record, in output/audit/ or the folder `publish audit --out` names."""
    return f"{name}.audit.html"


def leaflet(name: str, variant: str, size: str | None = None) -> str:
    """A leaflet at the publication's page size, or at another `size` (pdf/<name>.a5.pdf): a build
    at another size never writes over the leaflets the site and booklets offer. The office
    booklet is print/<name>.booklet.pdf, whatever the size."""
    if variant in PRINT_FILES:
        return f"print/{name}.{PRINT_FILES[variant]}.pdf"
    parts = [name, *([variant] if variant != STANDARD else []), *([size.lower()] if size else [])]
    return f"pdf/{'.'.join(parts)}.pdf"


def office_booklet(name: str) -> str:
    return leaflet(name, OFFICE_BOOKLET)


def press_file(name: str, variant: str) -> str:
    """The print shop's file of one leaflet variant (standard or large-print)."""
    return leaflet(name, PRESS[variant])


def name_of_print_file(path: str) -> str:
    """The manuscript a print/ file is made from."""
    return path.rsplit("/", 1)[-1].removesuffix(f".{PRINT_FILES[variant_of(path)]}.pdf")


def variant_of(path: str) -> str:
    """The leaflet variant a pdf/ (or print/) path holds; none for a booklet's print edition."""
    if path.startswith("print/"):
        return next((v for v, suffix in LONGEST_SUFFIX_FIRST if path.endswith(f".{suffix}.pdf")), None)
    return next((v for v in VARIANTS if v != STANDARD and f".{v}." in path.rsplit("/", 1)[-1]), STANDARD)


def is_other_size(path: str) -> bool:
    """Whether a pdf/ path is a leaflet at another page size than the publication's."""
    return any(path.endswith(f".{size.lower()}.pdf") for size in PAGE_SIZES)


def booklet(booklet_id: str) -> str:
    return f"epub/{booklet_id}.epub"


def print_edition(booklet_id: str) -> str:
    """A booklet's print edition, for the press: its articles as one book."""
    return f"print/{booklet_id}.pdf"


def onix(booklet_id: str) -> str:
    """A booklet's ONIX record, for retailers and libraries."""
    return f"onix/{booklet_id}.xml"


def chapter(slug: str) -> str:
    """An article's chapter inside a booklet, relative to the booklet's other documents."""
    return f"{slug}.xhtml"


def media(image: str) -> str:
    """A copy of an image (a path relative to manuscripts/) for the web pages that show it."""
    return f"web/{image}"


def download(path: str) -> str:
    """The site's copy of a leaflet, booklet or braille file, for readers to download."""
    return DOWNLOADS + path.split("/", 1)[1]


def is_download_source(path: str) -> bool:
    """The leaflets, booklets and braille files the site offers (a leaflet at another page size
    is not one)."""
    return path.startswith(("pdf/", "epub/", BRAILLE)) and not is_other_size(path)


def href(path: str) -> str:
    """Where an output in web/ is, relative to the site's root (for absolute URLs)."""
    return path.removeprefix("web/")


def page_url(base_url: str, name: str) -> str:
    """An article page's absolute address, for leaflets, QR codes and canonical links."""
    return base_url + href(page(name))


def link(path: str, from_page: str) -> str:
    """A relative link from one page in web/ to another output in web/."""
    return posixpath.relpath(path, posixpath.dirname(from_page))


def article_outputs(slug: str) -> list[str]:
    """Everything published of one article alone (booklets and the index hold several)."""
    leaflets = [leaflet(slug, variant) for variant in VARIANTS]
    other_sizes = [leaflet(slug, variant, size) for variant in VARIANTS for size in PAGE_SIZES]
    printed = [leaflet(slug, variant) for variant in PRINT_FILES]
    return [page(slug), *leaflets, *(download(path) for path in leaflets), *other_sizes, *printed, *braille(slug)]


def braille(name: str) -> list[str]:
    """An article's braille files: braille/<name>.brf and braille/<name>.pef."""
    return [f"{BRAILLE}{name}.{kind}" for kind in BRAILLE_FILES]


def reference_id(key: str) -> str:
    """The id of a reference's entry, which its citations link to."""
    return REFERENCE_PREFIX + key


def reference_key(element_id: str) -> str | None:
    """The reference key an id names, or None when it names no reference."""
    return element_id.removeprefix(REFERENCE_PREFIX) if element_id.startswith(REFERENCE_PREFIX) else None


def chapter_cache(booklet_id: str) -> str:
    """A booklet's chapters as last rendered, under the cache folder."""
    return f"booklets/{booklet_id}.json"


def version_cache(key: str) -> str:
    """An old version's elements, cached under the cache folder (publish changes)."""
    return f"versions/{key}.json"
