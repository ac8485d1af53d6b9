"""Read an article back from a web page or an EPUB chapter: both mark their parts the same way."""

from __future__ import annotations

import lxml.html

from pipeline.examine.reading import Reading, Table

BLOCK_TAGS = frozenset({"p", "li", "dt", "dd", "div", "section", "h1", "h2", "h3", "h4", "h5", "h6",
                        "tr", "caption", "table", "ul", "ol", "dl", "blockquote", "figure", "figcaption", "br"})


def text_of(element) -> str:
    """Visible text, with a space wherever a block or line ends (as a reader sees separate lines);
    none for an element the page does not have (a page that lost its article reads as empty)."""
    if element is None:
        return ""
    parts: list[str] = []

    def visit(node) -> None:
        if node.tag in BLOCK_TAGS or node.tag in ("td", "th"):
            parts.append(" ")
        classes = (node.get("class") or "").split() if isinstance(node.tag, str) else []
        if not ({"backlink", "footnote-back"} & set(classes)):  # ways back to a citation or note: not content
            parts.append(node.text or "")
            for child in node:
                visit(child)
                parts.append(child.tail or "")
        if node.tag in BLOCK_TAGS or node.tag in ("td", "th"):
            parts.append(" ")

    visit(element)
    return "".join(parts)


def fragment_root(html: str):
    return lxml.html.fragment_fromstring(html, create_parent="div")


def parse_page(data: bytes):
    """A web page or an EPUB chapter, with XML namespaces out of the way."""
    root = lxml.html.fromstring(data)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.split("}", 1)[1]
    return root


def read_article(root) -> Reading:
    """The parts of an article page, found by the ids the web and EPUB templates both give them."""
    found = first(root.xpath("//*[@id='article-title']/ancestor::*[self::article or self::section][1]"))
    article = root if found is None else found
    return Reading(
        title=text_of(first(article.xpath(".//*[@id='article-title']"))),
        summary=section_text(article, "summary"),
        key_points=[text_of(li) for li in article.xpath(".//*[@id='key-points']/ul/li")],
        tables=read_tables(article.xpath(".//table[not(ancestor::*[@id='faq'])]")),
        faq=[(text_of(dt), text_of(dt.getnext())) for dt in article.xpath(".//*[@id='faq']//dl/dt")],
        references=[(li.get("value", ""), text_of(li)) for li in article.xpath(".//*[@id='references']/ol/li")],
        citations=read_citations(article),
        link_problems=link_problems(article),
        disclaimer=(section_text(article, "disclaimer", heading=True), section_text(article, "disclaimer")),
    )


def first(items):
    return items[0] if items else None


def section_text(article, section_id: str, heading: bool = False) -> str:
    """The heading, or everything but the heading, of a part marked with an id."""
    section = first(article.xpath(f".//*[@id='{section_id}']"))
    if section is None:
        return ""
    title = first(section.xpath("./h2"))
    if heading:
        return text_of(title) if title is not None else ""
    return " ".join(text_of(child) for child in section if child is not title) + " " + (section.text or "")


def read_tables(tables) -> list[Table]:
    read = []
    for table in tables:
        caption = first(table.xpath("./caption"))
        head = [[text_of(cell) for cell in row.xpath("./th|./td")] for row in table.xpath("./thead/tr")]
        body = [[text_of(cell) for cell in row.xpath("./th|./td")] for row in table.xpath("./tbody/tr|./tr")]
        read.append(Table(text_of(caption) if caption is not None else "", head, body))
    return read


def read_citations(article) -> list[str]:
    return [text_of(span) for span in article.xpath(".//span[contains(concat(' ', @class, ' '), ' citation ')]")]


def link_problems(article) -> list[str]:
    """Citation links whose number is not the number of the entry they reach."""
    numbers = {li.get("id"): li.get("value", "") for li in article.xpath(".//*[@id='references']/ol/li")}
    problems = []
    for link in article.xpath(".//span[contains(concat(' ', @class, ' '), ' citation ')]//a"):
        target = link.get("href", "").removeprefix("#")
        shown = link.text_content().strip()
        if target not in numbers:
            problems.append(f"citation link '{shown}' reaches nothing (#{target})")
        elif numbers[target] != shown:
            problems.append(f"citation link '{shown}' reaches entry {numbers[target]}")
    return problems
