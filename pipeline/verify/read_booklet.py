"""Read an office booklet back: undo the imposition, then read its pages' text in order.

Each side of a sheet draws two pages of the booklet as form XObjects, left and right; the
saddle-stitch order (render/office_booklet.sides) says which page each one is. The pages keep
the leaflet's marked content, each run of text stating its /ActualText, so the text is read as
written, top down (top_down); runs in artifacts (the running footer) are left out. The booklet has no
structure tree (imposition cannot keep one), so verify checks that every element the article
must show is there, in order, in this text."""

from __future__ import annotations

from pathlib import Path

from pipeline.render.office_booklet import sides
from pipeline.render.pdf_text import Run, page_runs
from pipeline.verify.read_pdf import join_lines, lines_of


def booklet_pages(path: Path, right_to_left: bool) -> list[str]:
    """The text of each page of the booklet, in reading order."""
    import pikepdf  # noqa: PLC0415

    pages: dict[int, str] = {}
    with pikepdf.open(path) as pdf:
        order = sides(2 * len(pdf.pages), right_to_left)
        for side, (left, right) in zip(pdf.pages, order, strict=True):
            forms = drawn_forms(side)
            if len(forms) != 2:
                raise ValueError(f"a side of the sheet draws {len(forms)} pages, not 2")
            for number, form in zip((left, right), forms, strict=True):
                pages[number] = join_lines(lines_of(top_down([run for _, run in page_runs(form) if not run.furniture])))
    return [pages[number] for number in sorted(pages)]


def top_down(runs: list[Run]) -> list[Run]:
    """Runs in reading order: as drawn, except that a stretch drawn after text further down the
    page (the floated masthead, drawn last) goes where it stands. A stretch ends where the next
    run stands above the last one (by more than half a line: a citation set higher stays)."""
    stretches: list[list[Run]] = []
    for run in runs:
        if stretches and run.baseline > stretches[-1][-1].baseline - max(run.size, stretches[-1][-1].size) / 2:
            stretches[-1].append(run)
        else:
            stretches.append([run])
    return [run for stretch in sorted(stretches, key=lambda stretch: stretch[0].baseline) for run in stretch]


def drawn_forms(side) -> list:
    """The form XObjects a side draws, from left to right."""
    import pikepdf  # noqa: PLC0415

    placed, x = [], 0.0
    for operands, operator in pikepdf.parse_content_stream(side, "cm Do"):
        if str(operator) == "cm":
            x = float(operands[4])
        else:
            placed.append((x, side.Resources.XObject[operands[0]]))
    return [form for _x, form in sorted(placed, key=lambda item: item[0])]
