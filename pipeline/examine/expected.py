"""What every format should show of an article, derived without any HTML a renderer uses.

Texts come from pandoc's AST (read once into facts at conversion), the disclaimer from
publication.yaml and the reference numbers from citeproc's own list, so a fault in the
HTML writer, the sanitiser or a template shows up as a difference instead of cancelling out.
"""

from __future__ import annotations

from pipeline.convert.conversion import Converted
from pipeline.examine.reading import Reading, Table
from pipeline.source.manuscript import Manuscript
from pipeline.source.publication import Publication


def expected_reading(manuscript: Manuscript, converted: Converted, publication: Publication) -> Reading:
    disclaimer = publication.wording(manuscript.front.disclaimer, manuscript.front.lang)
    # Citations are compared in the parts that cite: summary, key point texts, body, FAQ answers.
    citing = [converted.summary, *(text for _title, text in converted.key_points), converted.body,
              *(answer for _question, answer in converted.faq)]
    return Reading(
        title=converted.title.facts.text,
        summary=converted.summary.facts.text,
        # Every format prints a key point as "<strong>Title.</strong> Text".
        key_points=[f"{title.facts.text}. {text.facts.text}" for title, text in converted.key_points],
        tables=[Table(t.caption, [list(row) for row in t.head], [list(row) for row in t.body])
                for t in converted.body.facts.tables],
        faq=[(question.facts.text, answer.facts.text) for question, answer in converted.faq],
        references=[(reference.number, reference.text) for reference in converted.references],
        citations=[label for fragment in citing for label in fragment.facts.citation_labels],
        disclaimer=(disclaimer.title, disclaimer.text),
    )
