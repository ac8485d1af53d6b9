"""Content checks on a manuscript's converted Markdown: citations, images, unsafe HTML, tables.

They read the facts conversion made (convert/facts.py), each with where it is written."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.base.diagnostics import Reporter
from pipeline.base.languages import same_language
from pipeline.convert.conversion import Converted, fragment_start, linkable_ids
from pipeline.convert.facts import FragmentFacts
from pipeline.convert.raw_html import LOADING_STYLE, is_script_url
from pipeline.output import layout
from pipeline.output.layout import split_name
from pipeline.source.links import LinkProblem, target_of
from pipeline.source.manuscript import Manuscript
from pipeline.source.publication import Limits, Publication
from pipeline.source.scaffold import LINE_MARKUP, template_sentences, what_a_line_says
from pipeline.source.schema import did_you_mean

TAG = re.compile(r"<[^>]*>")
LINK_HINT = ("link to a full address (https://…, mailto:…), to an element of this article (#heading-id), "
             "or to another article by its manuscript file (other-article.md, other-article.md#heading-id)")
IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})


@dataclass
class Context:
    """What the checks of one manuscript need, and where they report."""

    manuscript: Manuscript
    converted: Converted
    manuscripts_dir: Path
    reporter: Reporter
    limits: Limits

    ids: tuple[str, ...] = ()  # what a link to '#id' may name
    article_links: list[ArticleLink] = field(default_factory=list)

    @cached_property
    def id_counts(self) -> Counter:
        """How many elements give each id: Markdown's (made unique by the reader) and raw HTML's."""
        return Counter(identifier for fragment in self.converted.fragments for identifier in fragment.facts.every_id)

    def anchor(self, loc: tuple) -> tuple[int, int]:
        """Where a fragment starts in the file."""
        return fragment_start(self.manuscript, loc)


@dataclass(frozen=True)
class ArticleLink:
    """A link to another article, checked against the project once every article is examined."""

    name: str
    fragment: str
    href: str
    position: tuple[int, int]


def check_manuscript(manuscript: Manuscript, converted: Converted, publication: Publication | None,
                     manuscripts_dir: Path, reporter: Reporter) -> tuple[ArticleLink, ...]:
    """Report every content problem of one manuscript; return its links to other articles."""
    context = Context(manuscript, converted, manuscripts_dir, reporter,
                      publication.limits if publication else Limits(), ids=linkable_ids(converted))
    check_references(context)
    for fragment in converted.fragments:
        check_citations(context, fragment.facts)
        check_images(context, fragment.facts)
        check_unsafe_markup(context, fragment.facts)
        check_links(context, fragment.facts)
        check_headings(context, fragment.facts)
        check_table_rows(context, fragment.facts)
        check_raw_ids(context, fragment.facts)
        check_one_line(context, fragment.loc, fragment.facts)
        check_nesting(context, fragment.loc, fragment.facts)
    check_tables(context, converted.body.facts)
    check_headless_tables(context, converted.body.facts)
    check_dates(manuscript, reporter)
    check_language(manuscript, reporter)
    check_template_text(manuscript, reporter)
    if publication is not None:
        check_disclaimer(manuscript, publication, reporter)
    return tuple(context.article_links)


def cited_keys(converted: Converted) -> set[str]:
    return {key for fragment in converted.fragments for key in fragment.facts.cited_keys}


def check_references(context: Context) -> None:
    references = context.manuscript.front.references
    counts = Counter(ref.id for ref in references)
    cited = cited_keys(context.converted)
    for index, ref in enumerate(references):
        position = context.manuscript.yaml.position(("references", index, "id"))
        if counts[ref.id] > 1:
            context.reporter.error(position, "duplicate-reference", f"two references have the id '{ref.id}'")
        elif ref.id not in cited:
            context.reporter.warning(position, "uncited-reference", f"reference '{ref.id}' is never cited")


def check_citations(context: Context, facts: FragmentFacts) -> None:
    known = {ref.id for ref in context.manuscript.front.references}
    for cited in facts.citations:
        if cited.key not in known:
            context.reporter.error(cited.position, "unknown-citation", f"citation '@{cited.key}' has no matching "
                                   "reference", did_you_mean(cited.key, known) or "add it to 'references'")


def check_images(context: Context, facts: FragmentFacts) -> None:
    for found in facts.every_image:
        check_image(context, found.position, found.source, found.alt)


def check_image(context: Context, position: tuple[int, int], source: str, alt: str) -> None:
    report = context.reporter
    parts = urlsplit(source)
    if source.startswith("//") or parts.scheme in ("http", "https", "ftp"):
        report.error(position, "remote-image", f"image '{source}' is remote",
                     "save a copy in manuscripts/media/ and link to that")
        return
    try:
        path = (context.manuscripts_dir / unquote(parts.path)).resolve()
        path.exists()
    except (OSError, ValueError):
        report.error(position, "image-path", f"image path '{source}' cannot be a file name")
        return
    if parts.scheme or not path.is_relative_to(context.manuscripts_dir.resolve()):
        report.error(position, "image-outside-project", f"image '{source}' is outside the project",
                     "images must be files inside manuscripts/, e.g. media/figure.png")
    elif not path.is_file():
        report.error(position, "missing-image", f"image '{source}' does not exist")
    elif path.suffix.lower() not in IMAGE_TYPES:
        report.error(position, "image-type", f"image '{source}' is not a PNG, JPEG, GIF, SVG or WebP file")
    elif path.stat().st_size > context.limits.image_bytes:
        report.error(position, "image-size", f"image '{source}' is {megabytes(path.stat().st_size)}; "
                     f"the limit is {megabytes(context.limits.image_bytes)}", "limits: image-bytes in publication.yaml")
    elif path.suffix.lower() == ".svg":
        for problem in svg_problems(path):
            report.error(position, "unsafe-svg", f"image '{source}' {problem}")
    if not alt.strip():
        report.warning(position, "image-alt", f"image '{source}' has no alt text",
                       "describe it for readers who cannot see it: ![description](path)")


def check_unsafe_markup(context: Context, facts: FragmentFacts) -> None:
    for raw in facts.raw_html:
        for hazard in raw.hazards:
            context.reporter.error(raw.position, "unsafe-html", f"raw HTML {hazard}")
        if raw.tables:
            context.reporter.error(raw.position, "html-table", "a table written in HTML, which verify cannot "
                                   "compare across formats", "write it as a Markdown table (pipe or grid) with a caption")
    for attribute in facts.attributes:
        if attribute.name.lower().startswith("on"):
            context.reporter.error(attribute.position, "unsafe-html",
                                   f"event handler attribute '{attribute.name}' could run script")
        elif attribute.name.lower() == "style" and LOADING_STYLE.search(attribute.value):
            context.reporter.error(attribute.position, "unsafe-html", "style attribute with url() could load a file")


def check_links(context: Context, facts: FragmentFacts) -> None:
    """Every link goes somewhere in every format: a web or mail address, an element of this
    article, or another article (whether that exists is checked across the project)."""
    for found in facts.every_link:
        href, position = found.href, found.position
        if is_script_url(href):
            context.reporter.error(position, "unsafe-html", f"link to a '{href.split(':')[0]}:' URL could run script")
            continue
        try:
            target = target_of(href)
        except LinkProblem as problem:
            context.reporter.error(position, "link", str(problem), problem.hint or LINK_HINT)
            continue
        if target.kind == "article":
            context.article_links.append(ArticleLink(target.name, target.fragment, href, position))
        elif target.kind == "local" and target.fragment not in context.ids:
            context.reporter.error(position, "link", f"link '{href}' goes nowhere: no element of this article "
                                   f"has the id '{target.fragment}'", did_you_mean(target.fragment, context.ids)
                                   or "give the element that id, e.g. ## Heading {#" + target.fragment + "}")


ONE_LINE_FIELDS = {"title": "the title", "subtitle": "the subtitle", "question": "a question",
                   "key-points": "a key point's title"}


def check_one_line(context: Context, loc: tuple, facts: FragmentFacts) -> None:
    """Titles, questions and key-point titles stand inside a heading or a bold run in every format:
    they hold one paragraph of text, never headings, lists or tables."""
    field = loc[-1] if loc and loc[-1] in ("title", "subtitle", "question") else None
    if field is None:
        return
    name = ONE_LINE_FIELDS["key-points" if loc[0] == "key-points" else field]
    if facts.notes:
        context.reporter.error(context.anchor(loc), "one-line", f"{name} cannot have a footnote",
                               "put the note in the body, or in a key point's text or an answer")
    if facts.block_kinds in ((), ("Para",), ("Plain",)):
        return
    held = sorted(set(KIND_NAMES.get(kind, kind) for kind in facts.block_kinds))
    context.reporter.error(context.anchor(loc), "one-line", f"{name} is one line of text; this one holds "
                           + " and ".join(filter(None, [", ".join(held[:-1]), held[-1]])),
                           "write it as plain text; put headings, lists and tables in the body or an answer")


KIND_NAMES = {"Para": "paragraphs", "Plain": "paragraphs", "Header": "a heading", "BulletList": "a list",
              "OrderedList": "a list", "Table": "a table", "BlockQuote": "a quotation", "CodeBlock": "code",
              "DefinitionList": "a definition list", "Div": "a division", "HorizontalRule": "a rule",
              "LineBlock": "a line block", "RawBlock": "raw HTML", "Figure": "a figure"}


def check_headings(context: Context, facts: FragmentFacts) -> None:
    for position in facts.blank_headings:
        context.reporter.error(position, "empty-heading", "heading has no text",
                               "write the heading's words after the #s, or remove the line")


def check_tables(context: Context, facts: FragmentFacts) -> None:
    """Tables need a caption (it is compared across formats) and a header row."""
    for table in facts.tables:
        start = table.position
        if not table.caption:
            context.reporter.warning(start, "table-caption", "table without a caption",
                                     "add a line ': Caption {#tbl-name}' below the table")
        if not any(cell for row in table.head for cell in row):
            context.reporter.warning(start, "table-header", "table without a header row")
        if len(table.body) > context.limits.table_rows:
            context.reporter.error(start, "table-size", f"table has {len(table.body)} rows; the limit is "
                                   f"{context.limits.table_rows}", "split it, or raise limits: table-rows")


def check_raw_ids(context: Context, facts: FragmentFacts) -> None:
    """An id raw HTML gives must be one no other element of the page has: the reader renames
    Markdown's ids that clash, but raw HTML reaches every output as written."""
    for raw in facts.raw_html:
        for element_id in raw.ids:
            if not element_id or any(char.isspace() for char in element_id):
                context.reporter.error(raw.position, "html-id", f"raw HTML gives the id '{element_id}', which no "
                                       "link can name", "an id is one word, without spaces")
            elif element_id in layout.RESERVED_IDS or layout.reference_key(element_id) is not None:
                context.reporter.error(raw.position, "html-id", f"raw HTML gives the id '{element_id}', which the "
                                       "page uses for one of its own parts", "choose another id")
            elif context.id_counts[element_id] > 1:
                context.reporter.error(raw.position, "html-id", f"raw HTML gives the id '{element_id}', which "
                                       "another element of this article has too", "choose another id")


def check_headless_tables(context: Context, facts: FragmentFacts) -> None:
    for position in facts.headless_tables:
        context.reporter.error(position, "headless-table", "a pipe table without a header row is read as text, "
                               "its bars and dashes and all", "write a header row above the line of dashes "
                               "(its cells may be blank: |   |   |)")


def check_table_rows(context: Context, facts: FragmentFacts) -> None:
    """A row with fewer cells than its table has columns would print blank cells, one with more
    would lose the text of the extra ones: both are errors at the row."""
    for table in facts.tables:
        for row in table.rows:
            if row.cells != row.columns:
                context.reporter.error(row.position, "table-row", f"table row has {row.cells} cell"
                                       f"{'s' * (row.cells != 1)}; the table has {row.columns} "
                                       f"column{'s' * (row.columns != 1)}",
                                       "give every row one cell per column (an empty cell is | |)")


def check_dates(manuscript: Manuscript, reporter: Reporter) -> None:
    """A review date before publication, or a last review after the next one, is a mistake; a
    date that has passed (or not yet come) depends on the day and is checked each time."""
    front, position = manuscript.front, manuscript.yaml.position(("review-date",))
    if front.review_date < front.date:
        reporter.error(position, "review-date", f"review date {front.review_date} is before the date {front.date}")
    if front.last_reviewed and front.last_reviewed > front.review_date:
        reporter.error(manuscript.yaml.position(("last-reviewed",)), "last-reviewed",
                       f"last reviewed {front.last_reviewed}, after the next review date {front.review_date}")


def check_template_text(manuscript: Manuscript, reporter: Reporter) -> None:
    """`publish new` writes a manuscript whose every line says what to write there: a line still
    as the template wrote it would be published as it is."""
    template = template_sentences()
    for number, line in enumerate(manuscript.source.text.splitlines(), start=1):
        if what_a_line_says(line) in template:
            said = LINE_MARKUP.sub("", line)
            reporter.error((number, len(line) - len(said) + 1), "template-text", f"the template's text, never "
                           f"replaced: '{said.strip()}'", "write this article's own words here, or remove the line")


def check_disclaimer(manuscript: Manuscript, publication: Publication, reporter: Reporter) -> None:
    key, lang = manuscript.front.disclaimer, manuscript.front.lang
    if key not in publication.disclaimers:
        reporter.error(manuscript.yaml.position(("disclaimer",)), "unknown-disclaimer",
                       f"unknown disclaimer '{key}'",
                       did_you_mean(key, publication.disclaimers) or "define it under 'disclaimers' in publication.yaml")
    elif is_translation(manuscript) and publication.disclaimers[key].wording(lang) is None:
        reporter.error(manuscript.yaml.position(("disclaimer",)), "disclaimer-translation",
                       f"disclaimer '{key}' has no approved wording in '{lang}'",
                       f"add it in publication.yaml under disclaimers: {key}: translations: {lang}: "
                       "{title, text, short}")


def check_language(manuscript: Manuscript, reporter: Reporter) -> None:
    """A translation's file name and its `lang` must name the same language."""
    _slug, suffix = split_name(manuscript.slug)
    if suffix is not None and not same_language(manuscript.front.lang, suffix):
        reporter.error(manuscript.yaml.position(("lang",)), "translation-lang",
                       f"lang '{manuscript.front.lang}' disagrees with the file name, which says '{suffix}'",
                       f"set lang: {suffix}, or rename the file to {_slug}.{manuscript.front.lang}.md")


def is_translation(manuscript: Manuscript) -> bool:
    return layout.is_translation(manuscript.slug)


def check_nesting(context: Context, loc: tuple, facts: FragmentFacts) -> None:
    """Lists, quotes and divisions nested deeper than the limit are refused, not laid out."""
    if facts.depth > context.limits.nesting_depth:
        context.reporter.error(context.anchor(loc), "nesting", f"content is nested {facts.depth} levels deep; "
                               f"the limit is {context.limits.nesting_depth}", "limits: nesting-depth")


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def svg_problems(path: Path) -> list[str]:
    """An SVG image may not run script or pull in anything from outside itself."""
    import lxml.etree  # noqa: PLC0415

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = lxml.etree.parse(str(path), parser).getroot()
    except lxml.etree.XMLSyntaxError as error:
        return [f"is not well-formed SVG: {error}"]
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = lxml.etree.QName(element).localname
        if name in ("script", "foreignObject"):
            problems.append(f"contains a <{name}> element")
        for attribute, value in element.attrib.items():
            local = lxml.etree.QName(attribute).localname
            if local.startswith("on"):
                problems.append(f"has an event handler attribute '{local}'")
            elif local == "href" and not value.strip().startswith("#"):
                problems.append(f"refers to '{value[:60]}' outside itself")
            elif local == "style" and LOADING_STYLE.search(value):
                problems.append("has a style that could load a file")
        if name == "style" and element.text and LOADING_STYLE.search(element.text):
            problems.append("has a style sheet that could load a file")
    return list(dict.fromkeys(problems))
