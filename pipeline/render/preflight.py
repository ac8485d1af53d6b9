"""Our own preflight of a press file, reading it back with pikepdf: what a print shop's checks
would refuse, found before the file leaves.

Checked: the page boxes (TrimBox inside BleedBox inside MediaBox), a PDF/X output intent with a
CMYK profile, no annotations, no RGB anywhere (colour operators, colour spaces, images, in the
pages and every form they draw), total ink at most 300 %, images at 300 ppi or more where they
are drawn (under 150 is an error), no text under 6 pt, no text under 12 pt in rich black
(black ink with others under it, which misregisters into coloured fringes), and no ink that
touches the trim without running on into the bleed (render/bleed, on the rendered page)."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base.diagnostics import Diagnostic, Severity
from pipeline.base.languages import listed
from pipeline.base.lazy import lazy_import
from pipeline.render.bleed import unbled_edges
from pipeline.source.publication import POINTS

pikepdf = lazy_import("pikepdf")

MAX_INK = 3.0  # 300 %
BLEED = "preflight-bleed"
GOOD_PPI, LEAST_PPI = 300, 150
SMALLEST_TEXT, RICH_BLACK_TEXT = 6.0, 12.0
RGB_SPACES = {"/DeviceRGB", "/CalRGB"}
# The operators the checks follow; qpdf leaves the rest (paths, marked content) out of Python.
TEXT_OPERATORS = ("Tf", "Tm", "Tj", "TJ", "'", '"')
CHECKED_OPERATORS = "q Q cm Do rg RG cs CS k K g G sc scn SC SCN " + " ".join(TEXT_OPERATORS)


@dataclass(frozen=True)
class Problem:
    """One thing the preflight refuses (error) or questions (warning), on a page of the file."""

    page: int  # 0: the file as a whole
    where: str  # the object: "image /Im3", "text", "the page boxes"
    severity: str
    code: str
    message: str
    pixels: tuple[int, int] | None = None  # an image's size, to find the manuscript's image it shows


@dataclass
class State:
    """The graphics state the checks need, saved and restored with q and Q."""

    ctm: tuple = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    fill_space: str = "/DeviceGray"
    fill: tuple = (0.0,)
    font_size: float = 0.0
    text_matrix: tuple = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass
class Walk:
    """Problems found so far on one page, each kind told once per object."""

    page: int
    problems: list[Problem] = field(default_factory=list)
    told: set = field(default_factory=set)

    def add(self, where: str, severity: str, code: str, message: str, pixels=None) -> None:
        if (where, code) not in self.told:
            self.told.add((where, code))
            self.problems.append(Problem(self.page, where, severity, code, message, pixels))


def preflight(pdf_file: Path | bytes) -> list[Problem]:
    """The problems of a press file, given as its path or its bytes (one that is no PDF is one)."""
    try:
        opened = pikepdf.open(io.BytesIO(pdf_file) if isinstance(pdf_file, bytes) else pdf_file)
    except pikepdf.PdfError as error:
        return [Problem(0, "the file", "error", "preflight-unreadable", f"not a PDF that can be read: {error}")]
    with opened as pdf:
        problems = file_problems(pdf)
        for number, page in enumerate(pdf.pages, start=1):
            walk = Walk(number)
            check_boxes(page.obj, walk)
            if "/Annots" in page.obj and len(page.obj.Annots):
                walk.add("annotations", "error", "preflight-annotations", f"{len(page.obj.Annots)} annotations (links): a print file has none")
            draw(page.obj, State(), walk)
            problems += walk.problems
    return problems + unbled(pdf_file)


def unbled(pdf_file: Path | bytes) -> list[Problem]:
    """A warning for each page where ink stops at the trim, naming its edges."""
    edges: dict[int, list[str]] = {}
    for edge in unbled_edges(pdf_file):
        edges.setdefault(edge.page, []).append(f"{edge.side} ({edge.length / POINTS['mm']:.0f} mm)")
    return [Problem(page, "the trim", "warning", BLEED,
                    f"ink stops at the trim on the {listed(sides, 'en')} edge{'s' * (len(sides) > 1)}: "
                    "whatever touches the trim must run on into the bleed, "
                    "or trimming leaves a white sliver") for page, sides in edges.items()]


def file_problems(pdf) -> list[Problem]:
    intents = [intent for intent in pdf.Root.get("/OutputIntents", []) if intent.get("/S") == "/GTS_PDFX"]
    if not intents:
        return [Problem(0, "output intent", "error", "preflight-output-intent", "no PDF/X output intent")]
    profile = intents[0].get("/DestOutputProfile")
    if profile is None or int(profile.get("/N", 0)) != 4:
        return [Problem(0, "output intent", "error", "preflight-output-intent", "the output intent's profile is not CMYK")]
    return []


def check_boxes(page, walk: Walk) -> None:
    boxes = {name: [float(value) for value in page[name]] for name in ("/MediaBox", "/BleedBox", "/TrimBox") if name in page}
    missing = [name[1:] for name in ("/TrimBox", "/BleedBox") if name not in boxes]
    if missing:
        walk.add("the page boxes", "error", "preflight-boxes", f"no {' and no '.join(missing)}")
    elif not (inside(boxes["/TrimBox"], boxes["/BleedBox"]) and inside(boxes["/BleedBox"], boxes["/MediaBox"])):
        walk.add("the page boxes", "error", "preflight-boxes", "the TrimBox is not inside the BleedBox, or the BleedBox not inside the MediaBox")


def inside(inner: list[float], outer: list[float]) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def draw(holder, state: State, walk: Walk) -> None:
    """Follow a content stream (a page's, or a form's with the state it is drawn in)."""
    stack: list[State] = []
    resources = holder.get("/Resources", {})
    for operands, operator in pikepdf.parse_content_stream(holder, CHECKED_OPERATORS):
        name = str(operator)
        if name == "q":
            stack.append(State(**vars(state)))
        elif name == "Q" and stack:
            state = stack.pop()
        elif name == "cm":
            state.ctm = multiply(tuple(map(float, operands)), state.ctm)
        elif name == "Do":
            drawn(resources.get("/XObject", {}).get(operands[0]), str(operands[0]), state, walk)
        elif name in TEXT_OPERATORS:
            text(name, operands, state, walk)
        else:
            colour(name, operands, state, resources, walk)


def colour(name: str, operands, state: State, resources, walk: Walk) -> None:
    if name in ("rg", "RG"):
        walk.add("colour", "error", "preflight-rgb", f"an RGB colour ({name} {' '.join(f'{float(v):g}' for v in operands)})")
    elif name in ("cs", "CS"):
        space = colour_space(operands[0], resources)
        if space in RGB_SPACES:
            walk.add("colour", "error", "preflight-rgb", f"an RGB colour space ({operands[0]})")
        if name == "cs":
            state.fill_space = space
    elif name in ("k", "K"):
        values = tuple(float(value) for value in operands)
        if sum(values) > MAX_INK + 1e-6:
            walk.add("colour", "error", "preflight-ink", f"total ink {sum(values) * 100:.0f} %; the most is {MAX_INK * 100:.0f} %")
        if name == "k":
            state.fill_space, state.fill = "/DeviceCMYK", values
    elif name == "g":
        state.fill_space, state.fill = "/DeviceGray", (float(operands[0]),)
    elif name in ("sc", "scn") and operands and not isinstance(operands[-1], pikepdf.Name):
        state.fill = tuple(float(value) for value in operands)


def colour_space(name, resources) -> str:
    """A colour space's family: /DeviceRGB, /DeviceCMYK..., an ICC profile's by its number of components."""
    if str(name) in ("/DeviceRGB", "/DeviceCMYK", "/DeviceGray", "/Pattern"):
        return str(name)
    space = resources.get("/ColorSpace", {}).get(name)
    return family(space) if space is not None else str(name)


def family(space) -> str:
    if isinstance(space, pikepdf.Array):
        kind = str(space[0])
        if kind == "/ICCBased":
            return {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}.get(int(space[1].get("/N", 0)), kind)
        if kind == "/Indexed":
            return family(space[1])
        return kind
    return str(space)


def text(name: str, operands, state: State, walk: Walk) -> None:
    if name == "Tf":
        state.font_size = float(operands[1])
    elif name == "Tm":
        state.text_matrix = tuple(map(float, operands))
    elif name in ("Tj", "TJ", "'", '"'):
        size = state.font_size * scale(multiply(state.text_matrix, state.ctm))
        if 0 < size < SMALLEST_TEXT - 0.01:
            walk.add("text", "error", "preflight-text-size", f"text of {size:.1f} pt; the smallest is {SMALLEST_TEXT:g} pt")
        if size < RICH_BLACK_TEXT and rich_black(state):
            walk.add("text", "error", "preflight-rich-black",
                     f"text of {size:.1f} pt in rich black (C {state.fill[0]:.0%} M {state.fill[1]:.0%} Y {state.fill[2]:.0%} "
                     f"K {state.fill[3]:.0%}): small text is black ink alone")


def rich_black(state: State) -> bool:
    return state.fill_space == "/DeviceCMYK" and len(state.fill) == 4 and state.fill[3] >= 0.8 and sum(state.fill[:3]) > 0.01


def drawn(xobject, name: str, state: State, walk: Walk) -> None:
    if xobject is None:
        return
    if xobject.get("/Subtype") == "/Form":
        matrix = tuple(map(float, xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])))
        draw(xobject, State(**{**vars(state), "ctm": multiply(matrix, state.ctm)}), walk)
    elif xobject.get("/Subtype") == "/Image":
        image(xobject, name, state, walk)


def image(xobject, name: str, state: State, walk: Walk) -> None:
    where, pixels = f"image {name}", (int(xobject.Width), int(xobject.Height))
    if not xobject.get("/ImageMask", False) and family(xobject.get("/ColorSpace", "/DeviceGray")) in RGB_SPACES:
        walk.add(where, "error", "preflight-rgb", "an RGB image", pixels)
    a, b, c, d = state.ctm[:4]
    inches = (math.hypot(a, b) / 72, math.hypot(c, d) / 72)  # the unit square an image is drawn into, as placed
    if min(inches) <= 0:
        return
    ppi = min(pixels[0] / inches[0], pixels[1] / inches[1])
    if ppi < LEAST_PPI:
        walk.add(where, "error", "preflight-resolution", f"an image at {ppi:.0f} ppi as printed; the least is {LEAST_PPI}", pixels)
    elif ppi < GOOD_PPI:
        walk.add(where, "warning", "preflight-resolution", f"an image at {ppi:.0f} ppi as printed; print wants {GOOD_PPI}", pixels)


def multiply(first: tuple, second: tuple) -> tuple:
    """The matrix product first × second of two PDF matrices (a b c d e f)."""
    a, b, c, d, e, f = first
    g, h, i, j, k, m = second
    return (a * g + b * i, a * h + b * j, c * g + d * i, c * h + d * j, e * g + f * i + k, e * h + f * j + m)


def scale(matrix: tuple) -> float:
    """How much a matrix enlarges text vertically."""
    return math.hypot(matrix[2], matrix[3])


def preflight_diagnostics(problems: list[Problem], relative: str, manuscript: Path, root: Path,
                          images: list[str]) -> list[Diagnostic]:
    """The preflight's problems with the press file at output/`relative`, as located diagnostics
    (`root`: the project, which diagnostics' paths are relative to)."""
    return located(problems, f"output/{relative}", manuscript, manuscript.relative_to(root).as_posix(), images)


def located(problems: list[Problem], shown_as: str, manuscript: Path, shown_manuscript: str,
            images: list[str]) -> list[Diagnostic]:
    """Each problem as a diagnostic: at the manuscript's image (`![...](path)`) when it is about an
    image the manuscript shows, else at the press file (`shown_as`), naming the page and object."""
    places: dict[tuple[int, int], tuple[int, int] | None] = {}  # by an image's pixels: each image looked for once
    found = []
    for problem in problems:
        if problem.pixels and problem.pixels not in places:
            places[problem.pixels] = image_place(problem.pixels, manuscript, images)
        place = places.get(problem.pixels)
        where = f"page {problem.page}, {problem.where}" if problem.page else problem.where
        if place:
            found.append(Diagnostic(shown_manuscript, *place, Severity(problem.severity), problem.code,
                                    f"{shown_as}: {where}: {problem.message}"))
        else:
            found.append(Diagnostic(shown_as, 1, 1, Severity(problem.severity), problem.code,
                                    f"{where}: {problem.message}"))
    return found


def image_place(pixels: tuple[int, int], manuscript: Path, images: list[str]) -> tuple[int, int] | None:
    """Where the manuscript shows the image of that many pixels: line and column of its path."""
    from PIL import Image  # noqa: PLC0415

    text = manuscript.read_text(encoding="utf-8")
    for image in images:
        try:
            with Image.open(manuscript.parent / image) as opened:
                if opened.size != pixels:
                    continue
        except OSError:
            continue
        offset = text.find(f"]({image}")
        if offset >= 0:
            line = text.count("\n", 0, offset) + 1
            return line, offset - (text.rfind("\n", 0, offset) + 1) + 3
    return None
