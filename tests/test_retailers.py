"""Retailers' rules beyond EPUBCheck (SPEC §16), on real EPUBs: the one a build writes, and the
same file with what a retailer refuses put into it."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import publish, sample_booklet_with
from PIL import Image

from pipeline.render.retailers import retail_problems
from pipeline.source.publication import Booklet

BOOKLET = "vitamin-b12"


def sent_to(root: Path, fields: str) -> Path:
    return sample_booklet_with(root, fields)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = sent_to(tmp_path_factory.mktemp("retailers"), "    retailers: [apple-books, overdrive]\n")
    result = publish("build", "--format", "epub", project=project)
    assert result.exit_code == 0, result.output
    return project


def png(width: int, height: int) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(output, format="PNG")
    return output.getvalue()


def doctored(epub: bytes, replace: dict[str, bytes], edit_opf) -> bytes:
    """The EPUB with files replaced or added, and its package document edited."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(epub)) as source, zipfile.ZipFile(output, "w") as target:
        for name in source.namelist():
            content = replace.pop(name, source.read(name))
            target.writestr(name, edit_opf(content.decode()).encode() if name.endswith(".opf") else content)
        for name, content in replace.items():
            target.writestr(name, content)
    return output.getvalue()


def test_a_booklet_sent_to_a_library_distributor_without_an_isbn_is_told_at_its_entry(built: Path) -> None:
    result = publish("build", "--format", "epub", project=built)
    yaml = (built / "manuscripts" / "publication.yaml").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(yaml, start=1) if text.strip() == f"- id: {BOOKLET}")
    assert (f"publication.yaml:{line}:9: warning: output/epub/{BOOKLET}.epub: the booklet has no isbn: a library "
            "e-book is listed by its ISBN-13 (OverDrive)") in result.output, result.output
    assert result.exit_code == 0  # a warning
    assert "retail-cover-size" not in result.output and "cover is" not in result.output  # ours is 1600 x 2400
    with zipfile.ZipFile(built / "output" / "epub" / f"{BOOKLET}.epub") as book:
        cover = next(name for name in book.namelist() if name.endswith("cover.png"))
        assert Image.open(io.BytesIO(book.read(cover))).size == (1600, 2400)


def test_a_rule_is_checked_only_for_the_retailers_that_publish_it(tmp_path: Path) -> None:
    project = sent_to(tmp_path, "    retailers: [kobo]\n")
    result = publish("build", "--format", "epub", project=project)
    assert result.exit_code == 0 and "retail" not in result.output and "isbn" not in result.output


def test_every_rule_finds_what_it_is_about_in_the_file(built: Path) -> None:
    epub = (built / "output" / "epub" / f"{BOOKLET}.epub").read_bytes()
    with zipfile.ZipFile(io.BytesIO(epub)) as book:
        cover = next(name for name in book.namelist() if name.endswith("cover.png"))

    def strip_metadata(opf: str) -> str:
        opf = re.sub(r"<dc:language>[^<]*</dc:language>", "<dc:language>not a language!</dc:language>", opf)
        opf = re.sub(r'<meta property="a11y:certifiedBy">[^<]*</meta>', "", opf)
        return opf.replace("</manifest>", '<item id="big" href="big.png" media-type="image/png"/></manifest>')

    bad = doctored(epub, {cover: png(1000, 1500), "EPUB/big.png": png(2100, 2000)}, strip_metadata)
    booklet = Booklet(id=BOOKLET, title="T", identifier="urn:isbn:0306406152", isbn="0-306-40615-2",
                      retailers=["apple-books", "google-play"])
    problems = {problem.code: problem for problem in retail_problems(booklet, bad)}
    assert set(problems) == {"retail-language", "retail-cover-size", "retail-image-pixels", "retail-isbn-13",
                             "retail-accessibility"}
    assert problems["retail-language"].severity == "error"
    assert problems["retail-cover-size"].message == ("the cover is 1000 x 1500 px: retailers ask for at least "
                                                     "1400 px on its short side (Apple Books, Google Play Books)")
    assert problems["retail-image-pixels"].message.endswith("(4,200,000 pixels): an image inside the book has at "
                                                            "most 4,000,000 (Apple Books)")
    assert "a11y:certifiedBy" in problems["retail-accessibility"].message
    assert retail_problems(booklet.model_copy(update={"retailers": []}), bad) == []
    assert retail_problems(booklet.model_copy(update={"isbn": "9780306406157"}), epub) == []  # ours is clean
