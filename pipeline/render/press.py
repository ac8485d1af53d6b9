"""The print shop's file of a leaflet: PDF/X-4, its pages with bleed, crop marks outside the bleed,
every colour in CMYK and an output intent with a real CMYK profile.

It is made from the digital leaflet's own PDF, not laid out again: bleed moves no line of a
page, so the pages only grow past the trim (TrimBox where the page was, BleedBox around it), and
whatever the theme drew past the page's edge shows in the bleed. Only a page's own background
stops at the edge; where ink stops at the trim (the preflight sees it), the pages are laid out
again with the bleed, WeasyPrint running the background into it.
Then, with pikepdf, every colour operator and raster image is converted with the profile
(WeasyPrint draws in RGB; greys and black become black ink alone, so that text prints from one
plate), links are removed (a print file has no annotations), the page grows again by a slug
where our crop marks are drawn in black ink, the profile becomes the output intent, and the
file says it is PDF/X-4 where the leaflet said PDF/UA (PDF 1.6, its XMP identification)."""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from pipeline.base.lazy import lazy_import
from pipeline.render.preflight import BLEED, Problem, preflight
from pipeline.source.publication import PrintOptions

pikepdf = lazy_import("pikepdf")

DEFAULT_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")  # Debian's libgs-common
MARK_LENGTH, MARK_GAP = 14.0, 3.0  # points: a crop mark, and its distance from the bleed
SLUG = MARK_GAP + MARK_LENGTH + 3.0  # the room beyond the bleed that the marks are drawn in
COLOUR_OPERATORS = {"rg": "k", "RG": "K", "g": "k", "G": "K"}
PDF_X_VERSION = "1.6"  # PDF/X-4 is built on PDF 1.6


def pressed(lay_out: Callable[[float], bytes], options: PrintOptions, manuscripts_dir: Path) -> tuple[bytes, list[Problem]]:
    """A press file and its preflight, from pages laid out without bleed (`lay_out(0)`: the digital
    leaflet's, already made); laid out again with it (`lay_out(points)`) where ink stops at the trim."""
    press = render_press(lay_out(0.0), options, manuscripts_dir)
    problems = preflight(press)
    if options.bleed_points and any(problem.code == BLEED for problem in problems):
        press = render_press(lay_out(options.bleed_points), options, manuscripts_dir)
        problems = preflight(press)
    return press, problems


def render_press(leaflet: bytes, options: PrintOptions, manuscripts_dir: Path) -> bytes:
    """The press file of a digital leaflet, from its bytes."""
    return for_press(leaflet, profile_bytes(options.profile, manuscripts_dir), options.bleed_points,
                     "crop" in options.marks)


def profile_bytes(profile: str | None, manuscripts_dir: Path) -> bytes:
    """The CMYK profile: the print shop's, from manuscripts/, or Debian's default."""
    return (manuscripts_dir / profile).read_bytes() if profile else DEFAULT_PROFILE.read_bytes()


def for_press(pdf: bytes, profile: bytes, bleed: float, marks: bool) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as press:
        converted: set = set()
        for page in press.pages:
            add_bleed(page.obj, bleed)
            drop_annotations(press, page.obj)
            to_cmyk(press, page.obj, profile, converted)
            if marks:
                draw_crop_marks(press, page)
        press.Root.OutputIntents = pikepdf.Array([output_intent(press, profile)])
        identify_as_pdf_x(press, hashlib.sha256(pdf).hexdigest())
        output = io.BytesIO()
        press.save(output, deterministic_id=True, compress_streams=True, force_version=PDF_X_VERSION)
        return output.getvalue()


def add_bleed(page, bleed: float) -> None:
    """The trim where the page was, and the page grown past it by the bleed on every side; a page
    laid out with its bleed keeps the boxes WeasyPrint gave it."""
    x0, y0, x1, y1 = (float(value) for value in page.MediaBox)
    if "/TrimBox" in page and [float(value) for value in page.TrimBox] != [x0, y0, x1, y1]:
        return
    page.TrimBox = pikepdf.Array([x0, y0, x1, y1])
    page.MediaBox = page.BleedBox = pikepdf.Array([x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed])


def identify_as_pdf_x(press, document_id: str) -> None:
    """PDF/X-4's identification in the XMP, in place of PDF/UA's, and what X-4 asks beside it: a
    document and version id, a rendition class and the trapping state (here and in the Info)."""
    with press.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        for key in ("pdfuaid:part", "pdfuaid:rev"):
            if key in xmp:
                del xmp[key]
        xmp["pdfxid:GTS_PDFXVersion"] = "PDF/X-4"
        xmp["pdf:Trapped"] = "False"
        xmp["xmpMM:DocumentID"] = f"xmp.did:{document_id[:32]}"
        xmp["xmpMM:VersionID"] = "1"
        xmp["xmpMM:RenditionClass"] = "proof:pdf"
    press.docinfo.Trapped = pikepdf.Name("/False")


def to_cmyk(press, holder, profile: bytes, done: set) -> None:
    """A page's or form's drawing and images in CMYK, and the forms it draws, each once."""
    if holder.objgen in done:
        return
    done.add(holder.objgen)
    if holder.get("/Type") == "/Page":
        pikepdf.Page(holder).contents_coalesce()  # one stream, however many the page had
        holder.Contents = press.make_stream(cmyk_drawing(holder.Contents.read_bytes(), profile))
    else:
        holder.write(cmyk_drawing(holder.read_bytes(), profile))
    for _name, xobject in holder.get("/Resources", {}).get("/XObject", {}).items():
        if xobject.get("/Subtype") == "/Form":
            to_cmyk(press, xobject, profile, done)
        elif xobject.get("/Subtype") == "/Image" and xobject.objgen not in done:
            done.add(xobject.objgen)
            image_to_cmyk(xobject, profile)


# WeasyPrint's writer (pydyf) puts a colour's numbers right before its operator, and escapes the
# parentheses and backslashes of every literal string: so the stream splits into its strings and
# what lies between them (a span's /ActualText may say "0 0 1 rg"), and in the latter each colour
# operator is found by its name, its numbers read back from before it. Rewriting the bytes is
# many times faster than parsing the stream into operators and writing it back.
LITERAL_STRING = re.compile(rb"(\((?:\\.|[^\\()])*\))")
COLOUR = re.compile(rb"(?<=\s)(rg|RG|g|G)(?=\s|$)")


def cmyk_drawing(drawing: bytes, profile: bytes) -> bytes:
    """A content stream with every RGB and grey colour as CMYK."""
    parts = LITERAL_STRING.split(drawing)  # the strings at odd places
    parts[::2] = [cmyk_between_strings(between, profile) for between in parts[::2]]
    return b"".join(parts)


def cmyk_between_strings(drawing: bytes, profile: bytes) -> bytes:
    done, start = [], 0
    for found in COLOUR.finditer(drawing):
        operator = found[1].decode()
        count = 1 if operator in "gG" else 3
        words = drawing[start:found.start()].rsplit(maxsplit=count)  # what came before, then the numbers
        values = [float(word) for word in words[-count:]]
        if len(values) != count:
            raise ValueError(f"{operator} after {len(values)} numbers, not {count}")
        cmyk = grey_to_k(values[0]) if count == 1 else rgb_to_cmyk(tuple(values), profile)
        done += [words[0] if len(words) > count else b"", b" ",  # a space where white space was
                 f"{' '.join(f'{round(value, 4):g}' for value in cmyk)} {COLOUR_OPERATORS[operator]}".encode()]
        start = found.end()
    return b"".join(done) + drawing[start:]


def grey_to_k(grey: float) -> tuple[float, ...]:
    return 0.0, 0.0, 0.0, 1.0 - grey


def rgb_to_cmyk(rgb: tuple[float, ...], profile: bytes) -> tuple[float, ...]:
    """A colour through the profile; a grey (black text, rules) as black ink alone."""
    if max(rgb) - min(rgb) < 0.01:
        return grey_to_k(sum(rgb) / 3)
    return colour_through(tuple(round(channel * 255) for channel in rgb), profile)


@lru_cache(maxsize=512)
def colour_through(rgb: tuple[int, ...], profile: bytes) -> tuple[float, ...]:
    from PIL import Image  # noqa: PLC0415

    pixel = converted(transform(profile), Image.new("RGB", (1, 1), rgb)).getpixel((0, 0))
    return tuple(value / 255 for value in pixel)


def converted(cms_transform, picture):
    """An RGB picture in CMYK. Pillow's own apply() also copies the profile into the picture's
    info, which fails for some profiles (Ghostscript's ps_cmyk.icc) though converting works."""
    from PIL import Image  # noqa: PLC0415

    cmyk = Image.new("CMYK", picture.size)
    cms_transform.transform.apply(picture.getim(), cmyk.getim())
    return cmyk


@lru_cache(maxsize=4)
def transform(profile: bytes):
    """sRGB to the CMYK profile, relative colorimetric with black-point compensation."""
    from PIL import ImageCms  # noqa: PLC0415

    cmyk = ImageCms.ImageCmsProfile(io.BytesIO(profile))
    flags = ImageCms.Flags.BLACKPOINTCOMPENSATION
    return ImageCms.buildTransform(ImageCms.createProfile("sRGB"), cmyk, "RGB", "CMYK",
                                   renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC, flags=flags)


def image_to_cmyk(image, profile: bytes) -> None:
    """A raster image converted with the profile, written again losslessly (its mask stays as it is)."""
    from pikepdf.models.image import PdfImage  # noqa: PLC0415

    if str(image.get("/ColorSpace", "")) in ("/DeviceCMYK", "/DeviceGray") or image.get("/ImageMask", False):
        return
    picture = PdfImage(image).as_pil_image().convert("RGB")
    cmyk = converted(transform(profile), picture)
    image.write(zlib.compress(cmyk.tobytes()), filter=pikepdf.Name.FlateDecode)
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceCMYK, 8
    drop(image, "/DecodeParms")
    drop(image, "/Decode")


def draw_crop_marks(press, page) -> None:
    """Crop marks at the trim's corners, beyond the bleed, in black ink alone; the page grows to hold them."""
    x0, y0, x1, y1 = (float(value) for value in page.obj.TrimBox)
    bx0, by0, bx1, by1 = (float(value) for value in page.obj.BleedBox)
    mx0, my0, mx1, my1 = (float(value) for value in page.obj.MediaBox)
    page.obj.MediaBox = pikepdf.Array([mx0 - SLUG, my0 - SLUG, mx1 + SLUG, my1 + SLUG])
    drop(page.obj, "/CropBox")
    lines = []
    for x, outward_x in ((x0, bx0 - MARK_GAP), (x1, bx1 + MARK_GAP)):
        for y, outward_y in ((y0, by0 - MARK_GAP), (y1, by1 + MARK_GAP)):
            step_x = -MARK_LENGTH if outward_x < x else MARK_LENGTH
            step_y = -MARK_LENGTH if outward_y < y else MARK_LENGTH
            lines.append(f"{outward_x:.2f} {y:.2f} m {outward_x + step_x:.2f} {y:.2f} l")  # level with the trim's edge
            lines.append(f"{x:.2f} {outward_y:.2f} m {x:.2f} {outward_y + step_y:.2f} l")
    marks = "q 0 0 0 1 K 0.3 w " + " ".join(lines) + " S Q"
    page.contents_add(press.make_stream(marks.encode("ascii")), prepend=False)


def drop_annotations(press, page) -> None:
    """A page's annotations (its links) removed, and the structure tree's references to them: each
    names the element that refers to it (/StructParent), found in the parent tree."""
    annotations = list(page.get("/Annots", []))
    drop(page, "/Annots")
    tree = press.Root.get("/StructTreeRoot")
    if tree is None or "/ParentTree" not in tree:
        return
    parents = pikepdf.NumberTree(tree.ParentTree)
    for annotation in annotations:
        if "/StructParent" not in annotation or int(annotation.StructParent) not in parents:
            continue
        element = parents[int(annotation.StructParent)]
        kids = element.K if isinstance(element.get("/K"), pikepdf.Array) else [element.get("/K")]
        element.K = pikepdf.Array([kid for kid in kids if not (isinstance(kid, pikepdf.Dictionary)
                                                              and kid.get("/Obj") == annotation)])
        del parents[int(annotation.StructParent)]


def drop(dictionary, key: str) -> None:
    if key in dictionary:
        del dictionary[key]


def output_intent(press, profile: bytes):
    stream = press.make_stream(compressed(profile))
    stream.Filter, stream.N = pikepdf.Name.FlateDecode, 4  # written as it is: qpdf leaves Flate streams alone
    return press.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX, DestOutputProfile=stream,
        OutputConditionIdentifier=pikepdf.String("CMYK"), Info=pikepdf.String(profile_name(profile))))


@lru_cache(maxsize=4)
def compressed(profile: bytes) -> bytes:
    """The profile compressed once a process, not once a file (a profile is 0.1-1 MB)."""
    return zlib.compress(profile)


@lru_cache(maxsize=4)
def profile_name(profile: bytes) -> str:
    from PIL import ImageCms  # noqa: PLC0415

    return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(profile))).strip() or "CMYK"
