"""The print shop's files (print/<name>.press.pdf) and their preflight, read from the real files."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from conftest import FIXTURES, REPO, copied_with, publish

from pipeline.render.bleed import unbled_edges
from pipeline.render.preflight import preflight
from pipeline.render.press import DEFAULT_PROFILE, SLUG, cmyk_drawing, render_press
from pipeline.source.publication import PrintOptions
from pipeline.verify.read_pdf import page_text

NECK = "b12-neck-stiffness"
BLEED = 3 * 72 / 25.4


def with_press(source: Path, root: Path, *names: str, extra: str = "") -> tuple[Path, object]:
    copied_with(source, root, f"print:\n  press: true\n{extra}")
    return root, publish("build", *names, "--format", "pdf", project=root)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    root, result = with_press(REPO, tmp_path_factory.mktemp("press") / "clean", NECK)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def low_resolution(tmp_path_factory):
    return with_press(FIXTURES / "base", tmp_path_factory.mktemp("press") / "low")


def references_to_annotations(element) -> list:
    """The structure tree's object references (OBJR: to annotations) under an element."""
    kids = element.get("/K")
    kids = kids if isinstance(kids, pikepdf.Array) else [kids]
    return [found for kid in kids if isinstance(kid, pikepdf.Dictionary)
            for found in ([kid] if kid.get("/Type") == "/OBJR" else references_to_annotations(kid))]


def operators(holder, found: set) -> set:
    """Every operator of a page or form and of the forms it draws; and each image's colour space."""
    for _operands, operator in pikepdf.parse_content_stream(holder):
        found.add(str(operator))
    for _name, xobject in holder.get("/Resources", {}).get("/XObject", {}).items():
        if xobject.Subtype == "/Form":
            operators(xobject, found)
        else:
            found.add(f"image {xobject.ColorSpace}")
    return found


@pytest.mark.parametrize("variant", ["press", "large-print.press"])
def test_a_press_file_is_pdf_x_4_in_cmyk_with_bleed_marks_and_an_output_intent(clean: Path, variant: str) -> None:
    with pikepdf.open(clean / "output" / "print" / f"{NECK}.{variant}.pdf") as pdf:
        xmp = pdf.open_metadata()
        assert str(xmp.get("pdfxid:GTS_PDFXVersion")) == "PDF/X-4" and "pdfuaid:part" not in xmp
        assert pdf.pdf_version == "1.6" and pdf.docinfo.Trapped == "/False"
        assert str(xmp.get("xmpMM:DocumentID")).startswith("xmp.did:") and str(xmp.get("xmpMM:RenditionClass"))
        assert not references_to_annotations(pdf.Root.StructTreeRoot)  # the links' went with them
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and int(intent.DestOutputProfile.N) == 4
        for page in pdf.pages:
            trim, bleed, media = ([float(v) for v in page.obj[box]] for box in ("/TrimBox", "/BleedBox", "/MediaBox"))
            assert [round(v) for v in trim] == [0, 0, 595, 842]  # A4, the leaflet's size
            assert [round(b - t, 1) for b, t in zip(bleed, trim, strict=True)] == [round(-BLEED, 1), round(-BLEED, 1),
                                                                                   round(BLEED, 1), round(BLEED, 1)]
            assert [round(m - b, 1) for m, b in zip(media, bleed, strict=True)] == [-SLUG, -SLUG, SLUG, SLUG]
            assert "/Annots" not in page.obj
            found = operators(page.obj, set())
            assert not {"rg", "RG", "g", "G", "image /DeviceRGB"} & found and {"k", "K"} <= found
            marks = bytes(pikepdf.Array(page.obj.Contents)[-1].read_bytes()) if isinstance(page.obj.Contents, pikepdf.Array) \
                else page.obj.Contents.read_bytes()
            assert marks.startswith(b"q 0 0 0 1 K")  # the crop marks, in black ink alone


def test_every_colour_of_a_drawing_becomes_cmyk_and_its_strings_stay_as_written() -> None:
    drawing = (b"q 0.043137 0.360784 0.670588 rg /Span <</ActualText (says 0 0 1 rg \\) 1 g)>> BDC BT "
               b"[<0041>-20<0042>] TJ ET EMC\n0 0 0 RG 0.5 g 1 0 0 1 10 10 cm 0.2 0.2 0.2 rg Q")
    with pikepdf.new() as pdf:
        before, after = (pikepdf.parse_content_stream(pdf.make_stream(data))
                         for data in (drawing, cmyk_drawing(drawing, DEFAULT_PROFILE.read_bytes())))
    assert [str(op) for _, op in after] == ["q", "k", "BDC", "BT", "TJ", "ET", "EMC", "K", "k", "cm", "k", "Q"]
    assert [list(map(float, operands)) for operands, op in after if str(op) in "kK"] == [
        [0.9294, 0.6902, 0.0078, 0.0], [0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.5], [0.0, 0.0, 0.0, 0.8]]
    kept = [(operands, str(op)) for operands, op in before if str(op) not in ("rg", "RG", "g")]
    assert kept == [(operands, str(op)) for operands, op in after if str(op) not in "kK"]
    assert str(after[2][0][1].ActualText) == "says 0 0 1 rg ) 1 g"


def test_a_clean_press_file_passes_preflight_and_verify(clean: Path) -> None:
    assert preflight(clean / "output" / "print" / f"{NECK}.press.pdf") == []
    result = publish("preflight", NECK, project=clean)
    assert result.exit_code == 0 and result.output.endswith("preflighted 2 press files: 0 errors, 0 warnings\n")
    verified = publish("verify", NECK, project=clean)  # web and EPUB were not built: only the press files matter here
    assert "press large print" in verified.output and "[press" not in verified.output, verified.output


def test_a_press_file_is_its_digital_leaflet_s_pages_and_follows_the_bleed_alone(clean: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(clean, root)
    config = root / "manuscripts" / "publication.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("press: true", "press: true\n  bleed: 5mm"), encoding="utf-8")
    leaflets = {path: path.read_bytes() for path in (root / "output" / "pdf").glob("*.pdf")}
    result = publish("build", NECK, "--format", "pdf", project=root)
    assert result.exit_code == 0 and "built 2 files" in result.output, result.output  # the two press files alone
    assert {path: path.read_bytes() for path in leaflets} == leaflets
    with pikepdf.open(root / "output" / "print" / f"{NECK}.press.pdf") as press, \
            pikepdf.open(root / "output" / "pdf" / f"{NECK}.pdf") as digital:
        assert len(press.pages) == len(digital.pages)
        assert references_to_annotations(digital.Root.StructTreeRoot)  # links the press file has not
        for printed, screen in zip(press.pages, digital.pages, strict=True):
            assert [float(v) for v in printed.obj.TrimBox] == [float(v) for v in screen.obj.MediaBox]
            assert round(float(printed.obj.TrimBox[0]) - float(printed.obj.BleedBox[0]), 2) == round(5 * 72 / 25.4, 2)
            assert page_text(printed.obj) == page_text(screen.obj)
    leaflet, options = (root / "output" / "pdf" / f"{NECK}.pdf").read_bytes(), PrintOptions(press=True)
    assert render_press(leaflet, options, root / "manuscripts") == render_press(leaflet, options, root / "manuscripts")


def test_a_low_resolution_image_fails_the_build_at_the_manuscript_s_image(low_resolution) -> None:
    root, result = low_resolution
    assert result.exit_code == 1
    assert ("manuscripts/ok.md:23:25: error: output/print/ok.press.pdf: page 1, image " in result.output
            and "an image at 96 ppi as printed; the least is 150" in result.output), result.output
    with pikepdf.open(root / "output" / "print" / "ok.press.pdf") as pdf:
        assert "image /DeviceCMYK" in operators(pdf.pages[0].obj, set())  # converted with the profile
    told = publish("preflight", "--format", "json", project=root)
    data = json.loads(told.stdout)
    assert told.exit_code == 1 and data["command"] == "preflight" and len(data["files"]) == 2
    assert {(d["path"], d["line"], d["column"], d["code"]) for d in data["diagnostics"]} == {
        ("manuscripts/ok.md", 23, 25, "preflight-resolution")}


def test_preflight_refuses_what_a_print_shop_would(low_resolution, tmp_path: Path) -> None:
    root, _result = low_resolution
    digital = {problem.code for problem in preflight(root / "output" / "pdf" / "ok.pdf")}  # the screen leaflet
    assert {"preflight-output-intent", "preflight-rgb", "preflight-annotations"} <= digital
    made = tmp_path / "made.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(200, 200))
        pdf.pages[0].obj.Contents = pdf.make_stream(
            b"BT /F1 5 Tf 1 0 0 1 10 10 Tm (tiny) Tj ET "
            b"0.6 0.5 0.5 1 k BT /F1 9 Tf 1 0 0 1 10 40 Tm (rich) Tj ET "
            b"1 1 1 1 k 0 0 10 10 re f")
        pdf.save(made)
    codes = {(problem.code, problem.severity) for problem in preflight(made)}
    assert {("preflight-text-size", "error"), ("preflight-rich-black", "error"), ("preflight-ink", "error"),
            ("preflight-boxes", "error")} <= codes  # and a page without TrimBox or BleedBox


def test_the_print_shop_s_profile_must_be_a_cmyk_profile_in_the_project(project: Path) -> None:
    shutil.copy("/usr/share/color/icc/ghostscript/default_rgb.icc", project / "manuscripts" / "media" / "rgb.icc")
    config = project / "manuscripts" / "publication.yaml"
    settings = config.read_text(encoding="utf-8")
    config.write_text(settings + "print:\n  press: true\n  bleed: 3 furlongs\n", encoding="utf-8")
    result = publish("check", project=project)
    assert result.exit_code == 1
    assert "'bleed' of 'print': '3 furlongs' should be a length such as 3mm, 0.125in or 9pt" in result.output
    config.write_text(settings + "print:\n  press: true\n  profile: media/rgb.icc\n", encoding="utf-8")
    result = publish("check", project=project)
    assert result.exit_code == 1 and "error: profile 'media/rgb.icc' is not a CMYK ICC profile" in result.output
    config.write_text(settings + "print:\n  press: true\n  profile: ../outside.icc\n", encoding="utf-8")
    assert "error: profile '../outside.icc' is not a file inside manuscripts/" in publish("check", project=project).output


def test_preflight_without_press_files_asked_for_is_a_usage_error(project: Path) -> None:
    result = publish("preflight", project=project)
    assert result.exit_code == 2 and "publication.yaml asks for no press files" in result.output


def test_the_print_shop_s_own_profile_is_the_output_intent(tmp_path: Path) -> None:
    from PIL import ImageCms

    theirs = Path("/usr/share/color/icc/ghostscript/ps_cmyk.icc")
    root = tmp_path / "theirs"
    shutil.copytree(REPO / "manuscripts", root / "manuscripts")
    shutil.copy(theirs, root / "manuscripts" / "media" / "printer.icc")
    config = root / "manuscripts" / "publication.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "print:\n  press: true\n  profile: media/printer.icc\n",
                      encoding="utf-8")
    assert publish("build", NECK, "--format", "pdf", project=root).exit_code == 0
    with pikepdf.open(root / "output" / "print" / f"{NECK}.press.pdf") as pdf:
        intent = pdf.Root.OutputIntents[0]
        assert intent.DestOutputProfile.read_bytes() == theirs.read_bytes()
        assert str(intent.Info) == ImageCms.getProfileDescription(ImageCms.getOpenProfile(str(theirs))).strip()


def themed(root: Path, css: str) -> Path:
    """A copy of the samples asking for press files, whose print theme adds `css` to the leaflet's."""
    copied_with(REPO, root, "print:\n  press: true\n")
    (root / "styles" / "print").mkdir(parents=True)
    theme = (REPO / "styles" / "print" / "leaflet.css").read_text(encoding="utf-8")
    (root / "styles" / "print" / "leaflet.css").write_text(theme + css, encoding="utf-8")
    return root


def grey_at(pdf: Path | bytes, page: int, x: float, y: float) -> int:
    """The grey level (0-255) pdfium paints at a point of a page, given in the page's coordinates."""
    document = pypdfium2.PdfDocument(pdf)
    left, _bottom, _right, top = document[page].get_cropbox()
    return document[page].render(scale=1, grayscale=True).to_pil().getpixel((round(x - left), round(top - y)))


@pytest.mark.parametrize("marks", [["crop"], []])  # without marks, the page ends at the bleed's edge
def test_what_the_theme_draws_past_the_page_s_edge_shows_in_the_bleed_and_what_stops_there_is_found(marks) -> None:
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(200, 200))
        pdf.pages[0].obj.Contents = pdf.make_stream(b"0 0 1 rg -20 150 240 70 re f 0 0 1 rg 0 0 40 100 re f")
        drawn = io.BytesIO()
        pdf.save(drawn)
    press = render_press(drawn.getvalue(), PrintOptions(press=True, marks=marks), REPO / "manuscripts")
    assert grey_at(press, 0, 100, 200 + BLEED - 1.5) < 200  # the band drawn past the top runs into the bleed
    assert grey_at(press, 0, -BLEED + 1.5, 50) == 255  # the box drawn to the left edge stops there
    edges = {(edge.side, round(edge.length)) for edge in unbled_edges(press)}
    assert edges == {("left", 100), ("bottom", 40)}


def test_a_page_s_own_background_runs_into_the_bleed(tmp_path: Path) -> None:
    root = themed(tmp_path / "tinted", "@page { background: #e8f0fb }\n")
    result = publish("build", NECK, "--format", "pdf", project=root)
    assert result.exit_code == 0 and "ink stops" not in result.output, result.output
    press = root / "output" / "print" / f"{NECK}.press.pdf"
    with pikepdf.open(press) as pdf, pikepdf.open(root / "output" / "pdf" / f"{NECK}.pdf") as digital:
        assert [round(float(v)) for v in digital.pages[0].obj.MediaBox] == [0, 0, 595, 842]  # the screen's stays A4
        boxes = [[float(v) for v in pdf.pages[0].obj[box]] for box in ("/TrimBox", "/BleedBox")]
    (left, bottom, right, top), (bleed_left, _, bleed_right, bleed_top) = boxes
    for page in range(2):
        inside, in_bleed = grey_at(press, page, left + 1.5, 400), grey_at(press, page, bleed_left + 1.5, 400)
        assert inside < 250 and abs(inside - in_bleed) <= 2  # the tint, to the bleed's edge
        assert grey_at(press, page, bleed_right + 2, 400) == 255 and grey_at(press, page, 300, bleed_top + 2) == 255
    assert preflight(press) == []
    assert "[press" not in publish("verify", NECK, project=root).output


def test_ink_that_stops_at_the_trim_is_a_preflight_warning(tmp_path: Path) -> None:
    root = themed(tmp_path / "corner", "@page { @top-left-corner { content: ''; background: #1a4d8f } }\n")
    result = publish("build", NECK, "--format", "pdf", project=root)
    assert result.exit_code == 0, result.output
    assert (f"output/print/{NECK}.press.pdf:1:1: warning: page 1, the trim: ink stops at the trim on the left (18 mm) "
            "and top (16 mm) edges: whatever touches the trim must run on into the bleed") in result.output, result.output
    told = json.loads(publish("preflight", NECK, "--format", "json", project=root).stdout)
    assert {(d["code"], d["severity"]) for d in told["diagnostics"]} == {("preflight-bleed", "warning")}
