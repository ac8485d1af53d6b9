"""What every format should show of an article: read from its freshly converted Document."""

from __future__ import annotations

from ..document import Document
from .read_html import fragment_root, read_citations, read_tables, text_of
from .reading import Reading


def expected_reading(document: Document) -> Reading:
    def text(html: str) -> str:
        return text_of(fragment_root(html))

    parts = [document.summary.html, *(p.text.html for p in document.key_points), document.body.html,
             *(item.answer.html for item in document.faq)]
    return Reading(
        title=text(document.title.html),
        summary=text(document.summary.html),
        # The templates print a key point as "<strong>Title.</strong> Text".
        key_points=[f"{text(point.title.html)}. {text(point.text.html)}" for point in document.key_points],
        tables=read_tables(fragment_root(document.body.html).xpath(".//table")),
        faq=[(text(item.question.html), text(item.answer.html)) for item in document.faq],
        references=[(reference.number, text(reference.html)) for reference in document.references],
        citations=[label for html in parts for label in read_citations(fragment_root(html))],
        disclaimer=(document.disclaimer.title, document.disclaimer.text),
    )
