"""The print shop's file of a leaflet: PDF/X-4, its pages with bleed, crop marks outside the bleed,
every colour in CMYK and an output intent with a real CMYK profile.

WeasyPrint lays the leaflet out with its bleed (the `pdf/x-4` variant, tagged as the digital
leaflet is) and sets TrimBox and BleedBox. The rest is done here with pikepdf, because WeasyPrint
draws in RGB, marks included: every colour operator and raster image is converted with the
profile (greys and black as black ink alone, so that text prints from one plate), links are
removed (a print file has no annotations), the page grows by a slug where our crop marks are
drawn in black ink, and the profile becomes the output intent."""

from __future__ import annotations

import io
import zlib
from functools import lru_cache
from pathlib import Path

from pipeline.base.lazy import lazy_import
from pipeline.examine.document import Document
from pipeline.output.editions import Editions
from pipeline.render.leaflet import collector_paused, leaflet_html, mend, pages_of, tagged_pdf
from pipeline.source.publication import Publication
from pipeline.source.theme import Theme

pikepdf = lazy_import("pikepdf")

DEFAULT_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")  # Debian's libgs-common
MARK_LENGTH, MARK_GAP = 14.0, 3.0  # points: a crop mark, and its distance from the bleed
SLUG = MARK_GAP + MARK_LENGTH + 3.0  # the room beyond the bleed that the marks are drawn in
COLOUR_OPERATORS = {"rg": "k", "RG": "K", "g": "k", "G": "K"}


def render_press(document: Document, publication: Publication, variant: str, theme: Theme, manuscripts_dir: Path,
                 editions: Editions | None = None) -> bytes:
    """The press file of one leaflet variant ("standard" or "large-print")."""
    options = publication.print_
    page_size = publication.leaflet.page_size
    html = leaflet_html(document, publication, variant, page_size, theme, editions)
    with collector_paused():
        pages = pages_of(html, variant, theme, manuscripts_dir, f"@page {{ bleed: {options.bleed}; marks: none }}")
        pdf = mend(tagged_pdf(pages, "pdf/x-4"), html, theme)
    return for_press(pdf, profile_bytes(options.profile, manuscripts_dir), "crop" in options.marks)


def profile_bytes(profile: str | None, manuscripts_dir: Path) -> bytes:
    """The CMYK profile: the print shop's, from manuscripts/, or Debian's default."""
    return (manuscripts_dir / profile).read_bytes() if profile else DEFAULT_PROFILE.read_bytes()


def for_press(pdf: bytes, profile: bytes, marks: bool) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as press:
        converted: set = set()
        for page in press.pages:
            drop(page.obj, "/Annots")
            to_cmyk(press, page.obj, profile, converted)
            if marks:
                draw_crop_marks(press, page)
        drop_link_references(press.Root.get("/StructTreeRoot"))
        press.Root.OutputIntents = pikepdf.Array([output_intent(press, profile)])
        output = io.BytesIO()
        press.save(output, deterministic_id=True, compress_streams=True)
        return output.getvalue()


def to_cmyk(press, holder, profile: bytes, done: set) -> None:
    """A page's or form's drawing and images in CMYK, and the forms it draws, each once."""
    if holder.objgen in done:
        return
    done.add(holder.objgen)
    drawing = pikepdf.unparse_content_stream(cmyk_operations(pikepdf.parse_content_stream(holder), profile))
    if holder.get("/Type") == "/Page":
        holder.Contents = press.make_stream(drawing)
    else:
        holder.write(drawing)
    for _name, xobject in holder.get("/Resources", {}).get("/XObject", {}).items():
        if xobject.get("/Subtype") == "/Form":
            to_cmyk(press, xobject, profile, done)
        elif xobject.get("/Subtype") == "/Image" and xobject.objgen not in done:
            done.add(xobject.objgen)
            image_to_cmyk(xobject, profile)


def cmyk_operations(operations, profile: bytes) -> list:
    found = []
    for operands, operator in operations:
        name = str(operator)
        if name in COLOUR_OPERATORS:
            values = [float(value) for value in operands]
            cmyk = grey_to_k(values[0]) if len(values) == 1 else rgb_to_cmyk(tuple(values), profile)
            found.append(([round(value, 4) for value in cmyk], pikepdf.Operator(COLOUR_OPERATORS[name])))
        else:
            found.append((operands, operator))
    return found


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


def drop_link_references(element) -> None:
    """The structure tree's references to the removed link annotations go with them."""
    if element is None:
        return
    kids = element.get("/K")
    if isinstance(kids, pikepdf.Array):
        keep = [kid for kid in kids if not (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR")]
        element.K = pikepdf.Array(keep)
        for kid in keep:
            if isinstance(kid, pikepdf.Dictionary):
                drop_link_references(kid)
    elif isinstance(kids, pikepdf.Dictionary):
        drop_link_references(kids)


def drop(dictionary, key: str) -> None:
    if key in dictionary:
        del dictionary[key]


def output_intent(press, profile: bytes):
    stream = press.make_stream(profile)
    stream.N = 4
    return press.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX, DestOutputProfile=stream,
        OutputConditionIdentifier=pikepdf.String("CMYK"), Info=pikepdf.String(profile_name(profile))))


def profile_name(profile: bytes) -> str:
    from PIL import ImageCms  # noqa: PLC0415

    return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(profile))).strip() or "CMYK"
