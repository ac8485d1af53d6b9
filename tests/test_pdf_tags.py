"""A leaflet's tags as PDF/UA-1 readers need them (render/pdf_tags.py, render/pdf_links.py):
page furniture as artifacts, figure boxes in page coordinates, links described in words and
one per link however it wraps, definition lists as terms with their definitions.

WeasyPrint's own tags fail the PDF gate in each of these ways; the leaflets we build pass it.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from pipeline.render import leaflet
from pipeline.render.pdf_links import link_annotations, link_target
from pipeline.render.pdf_text import page_runs
from pipeline.review.pdf_gate import pdf_problems, struct_roles
from pipeline.verify.read_pdf import open_leaflet

FOOTER = "General information only"
LONG_URL = "https://example.org/a/very/long/path/that/will/surely/wrap/across/a/line/break/in/the/printed/leaflet/index.html"


def test_torture_leaflets_pass_the_pdf_gate(built_torture: Path) -> None:
    paths = sorted((built_torture / "output" / "pdf").glob("*.pdf"))
    assert len(paths) == 8  # four articles, two leaflets each
    for path in paths:
        assert pdf_problems(path, FOOTER) == [], path.name


def test_weasyprint_alone_fails_the_gate_in_each_way_we_mend(built_torture: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.examine.project import check_project

    checked = check_project(built_torture)
    article = next(article for article in checked.articles if article.slug == "constructs")
    html = leaflet.leaflet_html(article.document, checked.project.publication, "standard", "A4", checked.project.theme)
    monkeypatch.setattr(leaflet, "mend", lambda data, _html, _theme: data)
    raw = tmp_path / "raw.pdf"
    raw.write_bytes(leaflet.lay_out(html, "standard", checked.project.theme, built_torture / "manuscripts"))
    problems = pdf_problems(raw, FOOTER)
    for expected in ("a header cell has no /Scope", "a L holds a Div", "a LI holds a P",
                     "page 1 has tagged content outside the structure tree",
                     "a link to ref-source is described by its raw target",
                     f"a link to {LONG_URL} is tagged as two links in a row",
                     "a figure's bounding box on page"):
        assert any(problem.startswith(expected) for problem in problems), expected


def test_page_footer_is_a_pagination_artifact(built_samples: Path) -> None:
    with pikepdf.open(built_samples / "output" / "pdf" / "b12-joint-stiffness.pdf") as pdf:
        assert len(pdf.pages) > 1
        for number, page in enumerate(pdf.pages, start=1):
            footer = [mcid for mcid, run in page_runs(page) if f"Page {number} of" in run.text]
            assert footer == [None], number  # drawn, and in no tagged content
            artifacts = [operands[1] for operands, _ in pikepdf.parse_content_stream(page, "BDC")
                         if operands[0] == "/Artifact"]
            assert artifacts and all(properties.Type == "/Pagination" for properties in artifacts)


def test_figure_boxes_are_in_pdf_points_from_the_bottom(built_samples: Path) -> None:
    """The logo stands at the top left of page 1: 16 mm in, in the top quarter of the page."""
    with pikepdf.open(built_samples / "output" / "pdf" / "b12-joint-stiffness.pdf") as pdf:
        logo = next(figure for figure in struct_roles(pdf)["/Figure"] if str(figure.Alt).startswith("Logo"))
        left, bottom, right, top = (float(value) for value in logo.A.BBox)
        height = float(pdf.pages[0].MediaBox[3])
        assert left == pytest.approx(16 / 25.4 * 72, abs=1)
        assert height * 0.75 < bottom < top < height
        assert right > left


def test_links_are_described_in_words(built_torture: Path, built_translations: Path) -> None:
    described = descriptions(built_torture / "output" / "pdf" / "constructs.pdf")
    assert described["ref-source"] == {"Reference 1"}
    assert described["ref-other"] == {"Reference 2"}
    assert described["fn1"] == {"Note 1"}
    assert described["links"] == {"Links"}  # a place in the leaflet: its heading
    assert described["mailto:someone@example.org"] == {"Email: someone@example.org"}
    assert described[LONG_URL] == {"Website: example.org"}
    notes = descriptions(built_torture / "output" / "pdf" / "ids-and-notes.pdf")
    assert notes["faq"] == {"Frequently asked questions"}
    assert notes["faq-1-answer-fn1"] == {"Note 1"}
    arabic = descriptions(built_translations / "output" / "pdf" / "b12-joint-stiffness.ar.pdf")
    assert arabic["ref-nih-ods-b12-professional"] == {"المرجع 1"}


def descriptions(path: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                where = str(annotation.Dest) if "/Dest" in annotation else str(annotation.A.URI)
                found.setdefault(where, set()).add(str(annotation.Contents))
    return found


def test_a_link_that_wraps_is_one_link(built_torture: Path) -> None:
    with pikepdf.open(built_torture / "output" / "pdf" / "constructs.pdf") as pdf:
        links = [link for link in struct_roles(pdf)["/Link"] if link_target(link) == LONG_URL]
        assert len(links) == 1
        assert len(link_annotations(links[0])) >= 2  # it did wrap: one annotation per line
        annotations = [a for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a and a.A.URI == LONG_URL]
        numbers = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
        assert {parents[int(a.StructParent)].objgen for a in annotations} == {links[0].objgen}


def test_definition_list_pairs_each_term_with_its_definitions(built_torture: Path) -> None:
    read = open_leaflet(built_torture / "output" / "pdf" / "constructs.pdf")
    lists = [found for element in read.tree for found in find_all(element, "L")
             if any(child["type"] == "LI" and any(part.get("term") for part in child["children"])
                    for child in found["children"])]
    assert len(lists) == 1
    items = [(read.text(part) for part in item["children"]) for item in lists[0]["children"]]
    assert [tuple(texts) for texts in items] == [
        ("Term one", "Definition of the first term."),
        ("Term two", "Definition of the second term, with code. A second definition of the same term.")]


def find_all(element: dict, kind: str):
    if element.get("type") == kind:
        yield element
    for child in element.get("children", []):
        yield from find_all(child, kind)


def test_list_items_hold_only_a_label_and_a_body(built_torture: Path) -> None:
    with pikepdf.open(built_torture / "output" / "pdf" / "ids-and-notes.pdf") as pdf:
        items = struct_roles(pdf)["/LI"]
        assert items
        for item in items:
            assert {str(kid.S) for kid in item.K if isinstance(kid, pikepdf.Dictionary)} <= {"/Lbl", "/LBody"}


