"""What every format should show of an article, derived without any HTML a renderer uses.

Texts come from pandoc's AST (read once into facts at conversion), the disclaimer from
publication.yaml and the reference numbers from citeproc's own list, so a fault in the
HTML writer, the sanitiser or a template shows up as a difference instead of cancelling out.
"""

from __future__ import annotations

from ..config import Publication
from ..convert import Converted
from ..manuscript import Manuscript
from .reading import Reading, Table


def expected_reading(manuscript: Manuscript, converted: Converted, publication: Publication) -> Reading:
    def text(*loc) -> str:
        return converted[loc].facts.text

    front = manuscript.front
    disclaimer = publication.disclaimers[front.disclaimer]
    # Citations are compared in the parts that cite: summary, key point texts, body, FAQ answers.
    citing = [("summary",), *(("key-points", i, "text") for i in range(len(front.key_points))), (),
              *(("faq", i, "answer") for i in range(len(front.faq)))]
    return Reading(
        title=text("title"),
        summary=text("summary"),
        # Every format prints a key point as "<strong>Title.</strong> Text".
        key_points=[f"{text('key-points', i, 'title')}. {text('key-points', i, 'text')}"
                    for i in range(len(front.key_points))],
        tables=[Table(t.caption, [list(row) for row in t.head], [list(row) for row in t.body])
                for t in converted[()].facts.tables],
        faq=[(text("faq", i, "question"), text("faq", i, "answer")) for i in range(len(front.faq))],
        references=[(reference.number, reference.text) for reference in converted.references],
        citations=[label for loc in citing for label in converted[loc].facts.citation_labels],
        disclaimer=(disclaimer.title, disclaimer.text),
    )
