"""Compare what a format shows with what the manuscript says, element by element."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.examine.reading import Reading, Table, normalise

CONTEXT = 30  # characters of context either side of the first difference


@dataclass(frozen=True)
class Difference:
    article: str
    format: str
    element: str
    expected: str
    found: str

    def __str__(self) -> str:
        return f"{self.article} [{self.format}] {self.element}: expected {self.expected!r}, found {self.found!r}"

    def as_dict(self) -> dict:
        return {"article": self.article, "format": self.format, "element": self.element,
                "expected": self.expected, "found": self.found}


class Comparison:
    """Differences found so far for one article in one format, and how many elements were checked."""

    def __init__(self, article: str, format_: str) -> None:
        self.article, self.format = article, format_
        self.differences: list[Difference] = []
        self.checked = 0

    def text(self, element: str, expected: str, found: str) -> None:
        self.checked += 1
        if expected != found:
            self.differences.append(Difference(self.article, self.format, element, *excerpts(expected, found)))

    def count(self, element: str, expected: list, found: list) -> bool:
        """Report a different number of items; True when the counts agree."""
        if len(expected) != len(found):
            self.checked += 1
            self.differences.append(Difference(self.article, self.format, element,
                                               f"{len(expected)} items", f"{len(found)} items"))
            return False
        return True


def excerpts(expected: str, found: str) -> tuple[str, str]:
    """Both texts cut down to the neighbourhood of their first difference."""
    if len(expected) <= 2 * CONTEXT + 20 and len(found) <= 2 * CONTEXT + 20:
        return expected, found
    start = next((i for i, (a, b) in enumerate(zip(expected, found)) if a != b), min(len(expected), len(found)))
    cut = max(0, start - CONTEXT)
    prefix = "…" if cut else ""
    return prefix + expected[cut:start + CONTEXT] + "…", prefix + found[cut:start + CONTEXT] + "…"


def compare(article: str, format_: str, expected: Reading, found: Reading) -> Comparison:
    expected, found = expected.normalised(), found.normalised()
    result = Comparison(article, format_)
    result.text("title", expected.title, found.title)
    result.text("summary", expected.summary, found.summary)
    compare_items(result, "key point", expected.key_points, found.key_points)
    if result.count("tables", expected.tables, found.tables):
        for number, (want, got) in enumerate(zip(expected.tables, found.tables), start=1):
            compare_table(result, f"table {number}", want, got)
    if result.count("FAQ items", expected.faq, found.faq):
        for number, ((question, answer), (got_question, got_answer)) in enumerate(zip(expected.faq, found.faq), 1):
            result.text(f"FAQ item {number} question", question, got_question)
            result.text(f"FAQ item {number} answer", answer, got_answer)
    compare_items(result, "reference", [f"{n}. {t}" for n, t in expected.references],
                  [f"{n}. {t}" for n, t in found.references])
    compare_items(result, "citation", expected.citations, found.citations)
    compare_items(result, "citation link", [], found.link_problems)
    result.text("disclaimer title", expected.disclaimer[0], found.disclaimer[0])
    result.text("disclaimer", expected.disclaimer[1], found.disclaimer[1])
    return result


def compare_items(result: Comparison, element: str, expected: list[str], found: list[str]) -> None:
    if result.count(f"{element}s", expected, found):
        for number, (want, got) in enumerate(zip(expected, found), start=1):
            result.text(f"{element} {number}", want, got)
    else:
        wrong = next(((i, w, g) for i, (w, g) in enumerate(zip(expected, found), 1) if w != g), None)
        if wrong:
            result.text(f"{element} {wrong[0]}", wrong[1], wrong[2])
        elif len(found) > len(expected):
            result.text(f"{element} {len(expected) + 1}", "(none)", found[len(expected)])


def compare_table(result: Comparison, element: str, expected: Table, found: Table) -> None:
    result.text(f"{element} caption", expected.caption, found.caption)
    for part, want_rows, got_rows in (("header", expected.head, found.head), ("row", expected.body, found.body)):
        if not result.count(f"{element} {part}s", want_rows, got_rows):
            want_rows, got_rows = want_rows[:len(got_rows)], got_rows[:len(want_rows)]
        for row, (want, got) in enumerate(zip(want_rows, got_rows), start=1):
            if result.count(f"{element} {part} {row} cells", want, got):
                for cell, (w, g) in enumerate(zip(want, got), start=1):
                    result.text(f"{element} {part} {row} cell {cell}", w, g)


def elements_in_order(expected: Reading) -> list[tuple[str, str]]:
    """Every element the article must show, named, in the order a leaflet prints them."""
    expected = expected.normalised()
    found = [("title", expected.title), ("summary", expected.summary)]
    found += [(f"key point {n}", text) for n, text in enumerate(expected.key_points, 1)]
    for n, table in enumerate(expected.tables, 1):
        found += [(f"table {n} caption", table.caption)]
        found += [(f"table {n} cell {r}.{c}", cell) for r, row in enumerate(table.head + table.body, 1)
                  for c, cell in enumerate(row, 1)]
    for n, (question, answer) in enumerate(expected.faq, 1):
        found += [(f"FAQ item {n} question", question), (f"FAQ item {n} answer", answer)]
    found += [(f"reference {number}", text) for number, text in expected.references]
    found += [("disclaimer title", expected.disclaimer[0]), ("disclaimer", expected.disclaimer[1])]
    return [(name, text) for name, text in found if text]


def compare_in_order(article: str, format_: str, expected: Reading, text: str, reading=None) -> Comparison:
    """A format without structure (the office booklet, braille): each element's text must be in
    the format's text, after the one before it; white space aside, which imposition's reading of
    table rows and lines cannot keep. `reading` gives what an element reads as in the format
    (braille: as it reads back from its own cells)."""
    result, flat, cursor = Comparison(article, format_), squeezed(normalise(text)), 0
    for element, want in elements_in_order(expected):
        wanted = squeezed(reading(want) if reading else want)
        place = flat.find(wanted, cursor)
        result.checked += 1
        if place < 0:
            got = "not there" if flat.find(wanted) < 0 else "there, but out of order"
            result.differences.append(Difference(article, format_, element, *excerpts(want, got)))
        else:
            cursor = place + len(wanted)
    return result


def squeezed(text: str) -> str:
    return "".join(text.split())
