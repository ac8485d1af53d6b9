"""A benchmark corpus: many articles made from the samples, varied in title, slug and length."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

SAMPLES = ("b12-joint-stiffness", "b12-neck-stiffness", "b12-tests-and-treatment")
PUBLICATION_BOOKLETS = re.compile(r"^booklets:.*\Z", re.S | re.M)


def long_table(rows: int) -> str:
    lines = ["| Week | Tiredness (0-10) | Tingling | Notes |", "|---|---|---|---|"]
    lines += [f"| Week {n} | {n % 10} | {'Yes' if n % 3 else 'No'} | Injection {'given' if n % 4 == 0 else 'not due'} |"
              for n in range(1, rows + 1)]
    return "\n".join(lines) + f"\n\n: A symptom diary over {rows} weeks {{#tbl-diary}}\n"


def make_corpus(repo: Path, folder: Path, count: int) -> list[str]:
    """Write `count` manuscripts into folder/manuscripts; return their slugs."""
    manuscripts = folder / "manuscripts"
    shutil.copytree(repo / "manuscripts" / "media", manuscripts / "media")
    config = (repo / "manuscripts" / "publication.yaml").read_text()
    booklets = ("booklets:\n  - id: all-articles\n    title: Every article\n"
                "    identifier: urn:uuid:0d6a3a43-3b8e-4b7a-9c61-8e4f6c1d2b7a\n    manuscripts: all\n")
    (manuscripts / "publication.yaml").write_text(PUBLICATION_BOOKLETS.sub(booklets, config))
    sources = {slug: (repo / "manuscripts" / f"{slug}.md").read_text() for slug in SAMPLES}
    slugs = []
    for number in range(count):
        sample = SAMPLES[number % len(SAMPLES)]
        slug = f"{sample}-{number:04d}"
        text = sources[sample].replace("\ntitle: ", f"\ntitle: Copy {number} of ", 1)
        front, body = text.split("\n---\n", 1)
        if number % 4 == 1:  # some articles twice as long
            body = body + "\n\n" + body.replace("\n## ", "\n## More: ")
        if number % 5 == 0:  # some with a long table that breaks across pages
            body += "\n\n## Keeping a diary\n\n" + long_table(40)
        (manuscripts / f"{slug}.md").write_text(front + "\n---\n" + body)
        slugs.append(slug)
    return slugs
