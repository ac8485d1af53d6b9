"""The toolchains the benchmark compares ours with, producing the same files."""

from __future__ import annotations

import subprocess
import sys
from multiprocessing import Pool
from pathlib import Path

import pypandoc

REPO = Path(__file__).resolve().parents[2]
STYLES = REPO / "styles"
CSS = {"standard": [STYLES / "print" / "leaflet.css"],
       "large-print": [STYLES / "print" / "leaflet.css", STYLES / "print" / "large-print.css"]}
WEASYPRINT = Path(sys.executable).parent / "weasyprint"


def prepare_leaflet_html(root: Path, folder: Path) -> list[tuple[str, str, Path]]:
    """Our leaflet HTML for every article and variant, as files: (slug, variant, path)."""
    from pipeline.examine.project import check_project
    from pipeline.render.leaflet import leaflet_html

    folder.mkdir(parents=True, exist_ok=True)
    checked = check_project(root)
    publication, theme = checked.project.publication, checked.project.theme
    leaflets = []
    for article in checked.good:
        document = article.document
        for variant in CSS:
            path = folder / f"{document.slug}.{variant}.html"
            path.write_text(leaflet_html(document, publication, variant, "A4", theme))
            leaflets.append((document.slug, variant, path))
    return leaflets


def plain_run(root: Path, leaflets: list, out: Path, jobs: int) -> None:
    """Per article: pandoc to HTML, pandoc to EPUB, and the weasyprint command per leaflet, xargs -P jobs."""
    out.mkdir(parents=True, exist_ok=True)
    pandoc = pypandoc.get_pandoc_path()
    csl = STYLES / "numeric.csl"
    script = (f'cd "{root / "manuscripts"}" && '
              f'"{pandoc}" "$1.md" --citeproc --csl "{csl}" -s -o "{out}/$1.html" && '
              f'"{pandoc}" "$1.md" --citeproc --csl "{csl}" -o "{out}/$1.epub" && '
              f'"{WEASYPRINT}" --pdf-variant pdf/ua-1 -u "{root / "manuscripts"}/" -s "{CSS["standard"][0]}" '
              f'"{Path(leaflets[0][2]).parent}/$1.standard.html" "{out}/$1.pdf" && '
              f'"{WEASYPRINT}" --pdf-variant pdf/ua-1 -u "{root / "manuscripts"}/" -s "{CSS["large-print"][0]}" '
              f'-s "{CSS["large-print"][1]}" "{Path(leaflets[0][2]).parent}/$1.large-print.html" "{out}/$1.large-print.pdf"')
    slugs = "\n".join(sorted({slug for slug, _variant, _path in leaflets}))
    subprocess.run(["xargs", "-P", str(jobs), "-I{}", "sh", "-c", script, "sh", "{}"], input=slugs, text=True,
                   check=True, stderr=subprocess.DEVNULL)


_STYLESHEETS: dict = {}


def _warm() -> None:
    from weasyprint import CSS as Stylesheet

    for variant, paths in CSS.items():
        _STYLESHEETS[variant] = [Stylesheet(filename=str(path)) for path in paths]


def _floor_article(job: tuple[Path, str, list[tuple[str, Path]]]) -> None:
    from weasyprint import HTML

    manuscripts, slug, pages = job
    subprocess.run([pypandoc.get_pandoc_path(), f"{slug}.md", "--citeproc", "--csl", str(STYLES / "numeric.csl"),
                    "-t", "html"], cwd=manuscripts, check=True, capture_output=True)
    for variant, path in pages:
        HTML(filename=str(path), base_url=manuscripts.as_uri() + "/").write_pdf(
            stylesheets=_STYLESHEETS[variant], pdf_variant="pdf/ua-1")


def floor_run(root: Path, leaflets: list, jobs: int) -> None:
    """The same leaflet HTML laid out by WeasyPrint in warm processes, plus one pandoc call per article."""
    by_slug: dict[str, list] = {}
    for slug, variant, path in leaflets:
        by_slug.setdefault(slug, []).append((variant, path))
    jobs_ = [(root / "manuscripts", slug, pages) for slug, pages in sorted(by_slug.items())]
    with Pool(jobs, initializer=_warm) as pool:
        pool.map(_floor_article, jobs_, chunksize=1)


def _typst_article(job: tuple[Path, Path, str]) -> None:
    import typst

    manuscripts, out, slug = job
    source = subprocess.run([pypandoc.get_pandoc_path(), f"{slug}.md", "--citeproc", "--csl",
                             str(STYLES / "numeric.csl"), "-s", "-t", "typst"],
                            cwd=manuscripts, check=True, capture_output=True, text=True).stdout
    for variant, preamble in (("standard", ""), ("large-print", "#set text(size: 16pt)\n")):
        path = manuscripts / f"{slug}.{variant}.typ"  # beside the manuscript, so images resolve
        path.write_text(preamble + source)
        typst.compile(str(path), output=str(out / f"{slug}.{variant}.pdf"), root=str(manuscripts))


def typst_run(root: Path, out: Path, jobs: int) -> None:
    """The fastest alternative for the PDFs: pandoc to Typst source, compiled by the typst package."""
    out.mkdir(parents=True, exist_ok=True)
    slugs = sorted(p.stem for p in (root / "manuscripts").glob("*.md"))
    with Pool(jobs) as pool:
        pool.map(_typst_article, [(root / "manuscripts", out, slug) for slug in slugs], chunksize=1)
