"""The pages that help readers find an article: the A–Z and the topic pages of a shelf, and a
language's search page (filled in by the search script from Pagefind's index)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

from pipeline.base.languages import direction
from pipeline.examine.document import Document
from pipeline.output import layout
from pipeline.render.web import WEB, site_links
from pipeline.source.publication import Publication
from pipeline.source.theme import Theme, environment, labels


@dataclass(frozen=True)
class Listed:
    """An article as the A–Z and topic pages list it."""

    title: str  # HTML
    href: str
    lang: str
    dir: str
    summary: str = ""
    name: str = ""  # the name it is listed under: its title's text, or one it is also known by
    anchor: str = ""
    alias: bool = False
    also: tuple[str, ...] = ()
    easy_read: bool = False  # an Easy Read edition, marked as one beside its article of the same title


def render_a_to_z(path: str, documents: list[Document], publication: Publication, theme: Theme, lang: str,
                  shelf: str | None) -> str:
    """Every article of a shelf under the letter its title begins with; each name it is also known
    by is listed in its place too, pointing at the article's entry (so each article is linked once)."""
    listed = []
    for document in documents:
        entry = Listed(document.title.html, layout.link(layout.page(document.slug), path), document.lang,
                       direction(document.lang), name=document.title.text, anchor=f"a-z-{document.slug}",
                       also=document.also_known_as, easy_read=document.easy_read)
        listed += [entry] + [replace(entry, name=alias, alias=True) for alias in document.also_known_as]
    letters: dict[str, list[Listed]] = {}
    for entry in sorted(listed, key=lambda e: (sort_key(e.name), e.alias)):
        letters.setdefault(initial(entry.name), []).append(entry)
    return render_site_page("a-z.html", path, publication, theme, lang, shelf, letters=list(letters.items()))


def sort_key(name: str) -> str:
    """Alphabetical order without case or accents: "Émile" files with "E"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def initial(name: str) -> str:
    """The letter an entry is filed under; names that begin with a digit or a sign go under '#'."""
    first = sort_key(name)[:1]
    return first.upper() if first.isalpha() else "#"


def render_topic(path: str, topic: str, documents: list[Document], publication: Publication, theme: Theme,
                 lang: str, shelf: str | None) -> str:
    """A topic's page: its articles, in the order of the index."""
    entries = [Listed(d.title.html, layout.link(layout.page(d.slug), path), d.lang, direction(d.lang), d.summary.text)
               for d in documents]
    return render_site_page("topic.html", path, publication, theme, lang, shelf, topic=topic, entries=entries)


def render_search(path: str, publication: Publication, theme: Theme, lang: str, shelf: str | None) -> str:
    """A language's search page: the search script fills it in from Pagefind's index for its language."""
    return render_site_page("search.html", path, publication, theme, lang, shelf)


def render_site_page(template: str, path: str, publication: Publication, theme: Theme, lang: str,
                     shelf: str | None, **values) -> str:
    """One of these pages at `path`, in `lang`, with what its own template shows."""
    return environment(theme, WEB).get_template(template).render(
        publication=publication, labels=labels(theme, lang), lang=lang, dir=direction(lang),
        canonical=publication.base_url + layout.href(path), site=site_links(path, lang, shelf), editions=None,
        **values)
