"""The static web site: index, one page per article, assets and downloads, all inside output/web/."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.base.languages import direction
from pipeline.examine.document import Document
from pipeline.output import layout
from pipeline.output.editions import Editions
from pipeline.render.html import edit_fragment, mark_header_cells, rebase_images, rebase_links, wrap_tables
from pipeline.render.statement import has_easy_read, other_formats
from pipeline.source.links import resolver, with_fragment
from pipeline.source.publication import Publication
from pipeline.source.theme import Theme, environment, labels

WEB = "web"


@dataclass(frozen=True)
class Download:
    kind: str  # a label in labels.yaml: pdf-standard, pdf-large, epub
    href: str  # the output path; made relative to the page that offers it
    title: str = ""  # the booklet's, for EPUBs


def render_page(document: Document, publication: Publication, downloads: list[Download], theme: Theme,
                editions: Editions | None = None) -> str:
    """One article's page, in web/ (a source) or web/<lang>/ (a translation)."""
    here, words = layout.page(document.slug), labels(theme, document.lang)
    editions = editions or Editions(document.slug)
    return environment(theme, WEB).get_template("article.html").render(
        doc=document, publication=publication, lang=document.lang, dir=direction(document.lang),
        downloads=[replace(d, href=layout.link(d.href, here)) for d in downloads],
        canonical=document.url, labels=words, editions=editions, formats=other_formats(document.lang, publication, words, has_easy_read(document, editions)),
        site=site_links(here, document.lang, layout.split_name(document.slug)[1]),
        body=web_html(document.body, here), summary=web_html(document.summary.html, here),
        key_points=[(point.title.html, web_html(point.text.html, here)) for point in document.key_points],
        faq=[(item.question.html, web_html(item.answer.html, here)) for item in document.faq],
        structured_data=structured_data(document, publication, editions),
    )


@dataclass(frozen=True)
class Entry:
    """An article as an index lists it, with the other languages it is published in."""

    document: Document
    editions: Editions


def site_links(here: str, lang: str, shelf: str | None) -> dict[str, str]:
    """Where a page finds what every page links to, from its own folder: the stylesheet and search
    script, its shelf's index and A–Z (the sources', or one language's translations), and the
    search page of its language."""
    return {"stylesheet": layout.link(layout.SITE_STYLESHEET, here),
            "search_script": layout.link(layout.SEARCH_SCRIPT, here),
            "home": layout.link(layout.index(shelf), here), "a_z": layout.link(layout.a_to_z(shelf), here),
            "search": layout.link(layout.search(lang), here)}


@dataclass(frozen=True)
class Group:
    """Articles under one topic on an index; `href` None for the articles without a topic."""

    name: str
    href: str | None
    entries: list[Entry]


def render_index(path: str, entries: list[Entry], publication: Publication, booklets: list[Download],
                 theme: Theme, lang: str, editions: Editions, shelf: str | None = None,
                 topics: dict[str, str] | None = None) -> str:
    """An index: the front page (every source article) or one language's (its translations),
    grouped by topic when articles have topics (`topics`: each topic's name -> its page), and the
    booklets to download."""
    return environment(theme, WEB).get_template("index.html").render(
        entries=entries, groups=topic_groups(entries, topics or {}, path), publication=publication,
        labels=labels(theme, lang), booklets=[replace(d, href=layout.link(d.href, path)) for d in booklets],
        lang=lang, dir=direction(lang), editions=editions,
        canonical=publication.base_url + ("" if path == layout.INDEX else layout.href(path)),
        site=site_links(path, lang, shelf),
        pages={entry.document.slug: layout.link(layout.page(entry.document.slug), path) for entry in entries},
        directions={entry.document.slug: direction(entry.document.lang) for entry in entries},
        links={entry.document.slug: {edition.name: layout.link(edition.page, path) for edition in entry.editions.others}
               for entry in entries})


def topic_groups(entries: list[Entry], topics: dict[str, str], here: str) -> list[Group]:
    """The index's groups: each topic (in the order of `topics`) with its articles, then the rest."""
    if not topics:
        return []
    groups = [Group(name, layout.link(page, here), [e for e in entries if layout.has_topic(e.document.topics, name)])
              for name, page in topics.items()]
    rest = [entry for entry in entries if not any(layout.has_topic(entry.document.topics, name) for name in topics)]
    return [group for group in groups if group.entries] + ([Group("", None, rest)] if rest else [])


def web_html(html: str, page: str) -> str:
    """A fragment as a page shows it: images and other articles found from the page's folder,
    tables that scroll."""
    def article_href(name: str, fragment: str) -> str:
        return with_fragment(layout.link(layout.page(name), page), fragment)

    return edit_fragment(html, lambda root: (mark_header_cells(root), wrap_tables(root),
                                             rebase_images(root, lambda src: layout.link(layout.media(src), page)),
                                             rebase_links(root, resolver(article_href))))


def site_language(documents: list[Document]) -> str:
    """The language most source articles are written in (English for an empty site)."""
    languages = [document.lang for document in documents if not layout.is_translation(document.slug)]
    return max(sorted(set(languages)), key=languages.count) if languages else "en"


def structured_data(document: Document, publication: Publication, editions: Editions) -> dict:
    """schema.org JSON-LD: the page as a MedicalWebPage, and its FAQ as an FAQPage."""
    page = {
        "@type": "MedicalWebPage",
        "@id": document.url,
        "url": document.url,
        "name": document.title.text,
        "headline": document.title.text,
        "description": document.summary.text,
        "inLanguage": document.lang,
        "datePublished": document.date.isoformat(),
        "dateModified": (document.last_reviewed or document.date).isoformat(),
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "publisher": organisation(publication),
        "citation": [reference.text for reference in document.references],
    }
    if document.last_reviewed:
        page["lastReviewed"] = document.last_reviewed.isoformat()
    if document.reviewed_by:
        page["reviewedBy"] = [{"@type": "Person", "name": reviewer.name,
                               **({"jobTitle": reviewer.role} if reviewer.role else {})}
                              for reviewer in document.reviewed_by]
    source = next((e for e in editions.all if "." not in e.name), None)
    if editions.translated_from and source:
        page["translationOfWork"] = {"@id": source.url}
    elif editions.others:
        page["workTranslation"] = [{"@id": e.url, "inLanguage": e.lang} for e in editions.others]
    if document.authors:
        page["author"] = [{"@type": "Organization", "name": name} for name in document.authors]
    graph = [page]
    if document.faq:
        graph.append({
            "@type": "FAQPage",
            "@id": f"{document.url}#faq",
            "url": document.url,
            "inLanguage": document.lang,
            "mainEntity": [{"@type": "Question", "name": item.question.text,
                            "acceptedAnswer": {"@type": "Answer", "text": item.answer.text}}
                           for item in document.faq],
        })
    return {"@context": "https://schema.org", "@graph": graph}


def organisation(publication: Publication) -> dict:
    contact = publication.contact
    data = {"@type": "Organization", "name": publication.publisher, "url": contact.url or publication.base_url}
    if contact.phone:
        data["telephone"] = contact.phone
    if contact.email:
        data["email"] = contact.email
    return data
