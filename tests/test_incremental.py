"""Incremental and parallel builds: exactly the stale outputs are redone, in any number of workers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, SOURCE_DATE_EPOCH, publish

from pipeline.build.run import build

JOINT, NECK, TESTS = "b12-joint-stiffness", "b12-neck-stiffness", "b12-tests-and-treatment"


@pytest.fixture
def built(built_samples: Path, tmp_path: Path) -> Path:
    root = tmp_path / "built"
    shutil.copytree(built_samples, root)
    return root


def rebuild(root: Path, **options) -> list[str]:
    with pytest.MonkeyPatch.context() as patch:  # only for this build: the variable must not leak into later tests
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        result = build(root, **options)
    assert not result.failed, result.failed
    return sorted(result.written)


def test_nothing_changed_nothing_written(built: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (built / "output").rglob("*") if p.is_file()}
    assert rebuild(built) == []
    after = {p: p.stat().st_mtime_ns for p in (built / "output").rglob("*") if p.is_file()}
    assert before == after


def test_a_build_with_nothing_to_do_does_not_import_weasyprint_or_pandoc(built: Path) -> None:
    code = ("import sys; from pathlib import Path; from pipeline.build.run import build; "
            f"result = build(Path({str(built)!r})); "
            "print(len(result.written), sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'pypandoc', 'ebooklib')))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "0 []"


def test_editing_one_manuscript_redoes_its_outputs_its_booklet_and_the_index(built: Path) -> None:
    path = built / "manuscripts" / f"{NECK}.md"
    path.write_text(path.read_text().replace("Most stiff necks come from", "Most stiff necks are caused by"))
    written = rebuild(built)
    search_index = [p for p in written if p.startswith("web/pagefind/")]
    assert "web/pagefind/pagefind-entry.json" in search_index  # the page's words are indexed again
    assert not any(p.startswith("web/pagefind/pagefind.js") for p in search_index)  # unchanged bytes stay put
    assert [p for p in written if p not in search_index] == [
        f"braille/{NECK}.brf", f"braille/{NECK}.pef",
        "epub/vitamin-b12.epub", "onix/vitamin-b12.xml",
        f"pdf/{NECK}.large-print.pdf", f"pdf/{NECK}.pdf",
        "print/vitamin-b12.pdf",  # the booklet's print edition, and the EPUB's page list that follows it
        "web/b12-neck-stiffness.html",
        "web/downloads/b12-neck-stiffness.brf",
        "web/downloads/b12-neck-stiffness.large-print.pdf", "web/downloads/b12-neck-stiffness.pdf",
        "web/downloads/b12-neck-stiffness.pef",
        "web/downloads/vitamin-b12.epub",
        "web/index.html",
    ]
    assert publish("verify", project=built).exit_code == 0


def test_changing_a_print_template_redoes_every_leaflet_and_its_braille_and_nothing_else(built: Path) -> None:
    """The braille marks where the standard leaflet's pages begin: it is remade with it (the site's
    copies are not rewritten when its bytes are the same); so are the booklet's print edition and
    the EPUB's page list that follows it, and the ONIX record that counts its pages."""
    css = built / "styles" / "print" / "leaflet.css"
    css.write_text(css.read_text() + "\nh1 { letter-spacing: 0.01em; }\n")
    leaflets = [f"pdf/{slug}{variant}.pdf" for slug in (JOINT, NECK, TESTS) for variant in (".large-print", "")]
    downloads = [f"web/downloads/{path.removeprefix('pdf/')}" for path in leaflets]
    braille = [f"braille/{slug}.{kind}" for slug in (JOINT, NECK, TESTS) for kind in ("brf", "pef")]
    booklet = ["epub/vitamin-b12.epub", "onix/vitamin-b12.xml", "print/vitamin-b12.pdf"]
    assert rebuild(built) == sorted(leaflets + downloads + braille + booklet)


def test_changing_a_web_template_redoes_every_page_and_nothing_else(built: Path) -> None:
    template = built / "styles" / "web" / "article.html"
    template.write_text(template.read_text().replace('<div class="body">', '<div class="body article-body">'))
    # The index, the A–Z and the search page share the folder's base template, so they are redone too;
    # the search index is made again from the new pages, but its files hold the same bytes (the text
    # it indexes did not change), so none is written.
    assert rebuild(built) == ["web/a-z.html"] + [f"web/{slug}.html" for slug in (JOINT, NECK, TESTS)] + \
        ["web/index.html", "web/search/en-GB.html"]


def test_changing_a_booklet_in_publication_yaml_leaves_the_leaflets_alone(built: Path) -> None:
    config = built / "manuscripts" / "publication.yaml"
    config.write_text(config.read_text().replace("title: Vitamin B12 and your body", "title: Vitamin B12 and you"))
    assert rebuild(built) == ["epub/vitamin-b12.epub", "onix/vitamin-b12.xml", "print/vitamin-b12.pdf",
                              f"web/{JOINT}.html", f"web/{NECK}.html", f"web/{TESTS}.html",
                              "web/downloads/vitamin-b12.epub", "web/index.html"]


def test_a_deleted_output_is_made_again(built: Path) -> None:
    (built / "output" / "pdf" / f"{TESTS}.large-print.pdf").unlink()
    assert rebuild(built) == [f"pdf/{TESTS}.large-print.pdf"]


def test_an_edited_article_s_chapter_is_the_only_one_rendered_again_and_the_booklet_is_as_made_afresh(
        built: Path, monkeypatch) -> None:
    import pipeline.render.booklet as booklet

    rendered = []
    chapter_content = booklet.chapter_content
    monkeypatch.setattr(booklet, "chapter_content", lambda env, document, *rest: (
        rendered.append(document.slug), chapter_content(env, document, *rest))[1])
    path = built / "manuscripts" / f"{NECK}.md"
    path.write_text(path.read_text().replace("Most stiff necks come from", "Most stiff necks are caused by"))
    assert "epub/vitamin-b12.epub" in rebuild(built, jobs=1)
    assert rendered == [JOINT, NECK, TESTS, NECK]  # the print edition lays the whole book out; the EPUB, one chapter
    kept = (built / "output" / "epub" / "vitamin-b12.epub").read_bytes()
    shutil.rmtree(built / "output")
    rendered.clear()
    rebuild(built, jobs=1)
    assert rendered == [JOINT, NECK, TESTS] * 2  # afresh: every chapter, for the print edition and the EPUB
    assert (built / "output" / "epub" / "vitamin-b12.epub").read_bytes() == kept
    assert b"Most stiff necks are caused by" in chapter_of(kept, NECK)


def chapter_of(epub: bytes, slug: str) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(epub)) as book:
        return book.read(next(name for name in book.namelist() if name.endswith(f"{slug}.xhtml")))


def test_an_edited_article_s_leaflets_are_laid_out_by_workers_warmed_while_it_was_examined(built: Path) -> None:
    """With two jobs, the main process examines the article and renders its page, while two workers,
    started before the examination, import WeasyPrint and then lay out a leaflet each: the main
    process never imports WeasyPrint."""
    path = built / "manuscripts" / f"{NECK}.md"
    path.write_text(path.read_text().replace("Most stiff necks come from", "Most stiff necks are caused by"))
    code = ("import sys; from pathlib import Path; from pipeline.build.run import build; "
            f"result = build(Path({str(built)!r}), jobs=2); "
            "print(sorted(p for p in result.written if p.startswith('pdf/')), 'weasyprint' in sys.modules)")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == f"['pdf/{NECK}.large-print.pdf', 'pdf/{NECK}.pdf'] False"


def waiting_preload(folder: Path) -> None:
    """A worker's preload that says it started, then waits for the test to let it finish."""
    (folder / f"started-{os.getpid()}").touch()
    for _ in range(600):
        if (folder / "go").exists():
            (folder / f"preloaded-{os.getpid()}").touch()
            return
        time.sleep(0.05)


def test_prepared_workers_preload_while_the_main_process_goes_on(tmp_path: Path) -> None:
    from pipeline.distribute.pool import Workers, ready

    with Workers(2, lambda: waiting_preload(tmp_path)) as workers:
        workers.prepare()  # returns while the workers are still preloading
        for _ in range(600):
            if len(list(tmp_path.glob("started-*"))) == 2:
                break
            time.sleep(0.05)
        assert len(list(tmp_path.glob("started-*"))) == 2 and not list(tmp_path.glob("preloaded-*"))
        (tmp_path / "go").touch()
        assert len(set(workers.pool.map(ready, range(4)))) <= 2  # the same two workers take the tasks
    assert len(list(tmp_path.glob("preloaded-*"))) == 2


def test_one_worker_and_two_workers_make_the_same_bytes(tmp_path: Path) -> None:
    outputs = {}
    for jobs in (1, 2):
        root = tmp_path / f"jobs-{jobs}"
        shutil.copytree(REPO / "manuscripts", root / "manuscripts")
        rebuild(root, jobs=jobs)
        outputs[jobs] = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "output").rglob("*") if p.is_file()}
    assert sorted(outputs[1]) == sorted(outputs[2])
    assert [path for path in outputs[1] if outputs[1][path] != outputs[2][path]] == []


def test_ci_output_is_one_line_per_output_and_a_report(built: Path, tmp_path: Path) -> None:
    path = built / "manuscripts" / f"{JOINT}.md"
    path.write_text(path.read_text().replace("Vitamin B12 is also called cobalamin.", "Vitamin B12 is also known as cobalamin."))
    report = tmp_path / "build.json"
    result = publish("build", "--report", str(report), project=built)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"wrote output/web/{JOINT}.html"  # the page first; the leaflets (and braille) while the site is made
    assert {f"wrote output/pdf/{JOINT}.large-print.pdf", f"wrote output/pdf/{JOINT}.pdf",
            f"wrote output/braille/{JOINT}.brf", f"wrote output/braille/{JOINT}.pef"} < set(lines)
    data = json.loads(report.read_text())
    assert lines[-1] == f"built {len(data['written'])} files, {len(data['up_to_date'])} up to date, 0 failed"
    assert len([p for p in data["written"] if not p.startswith("web/pagefind/")]) == 14 and data["failed"] == {}
    assert len([p for p in data["up_to_date"] if not p.startswith("web/pagefind/")]) == 23  # 20; A–Z, search page, script
    assert set(data["seconds"]) == {JOINT}
    assert all(0 < mb < 1000 for mb in data["peak_memory_mb"].values())


def test_a_renamed_manuscript_is_rebuilt_under_its_new_name_everywhere(project: Path) -> None:
    """The booklet's key names its articles: the same text under a new slug is a new booklet."""
    assert publish("build", "--jobs", "1", project=project).exit_code == 0
    (project / "manuscripts" / "ok.md").rename(project / "manuscripts" / "renamed.md")
    result = publish("build", "--jobs", "1", project=project)
    assert result.exit_code == 0, result.output
    assert "wrote output/epub/all-articles.epub" in result.output
    verified = publish("verify", project=project)
    assert verified.exit_code == 0, verified.output


def test_a_kept_cache_entry_is_read_again_once_its_file_changes(built: Path, monkeypatch) -> None:
    """publish serve keeps cache entries in memory between builds; a build that rewrites one must
    not be answered from memory with the old examination."""
    from pipeline.examine.cache import ArticleCache

    monkeypatch.setattr(ArticleCache, "kept", {})
    cache = ArticleCache(built / "output" / ".cache" / "articles")
    first = cache.load(NECK)
    assert cache.load(NECK) is first  # kept: not read again
    path = built / "manuscripts" / f"{NECK}.md"
    path.write_text(path.read_text().replace("\ntitle: ", "\ntitle: Kept? ", 1))
    rebuild(built)
    again = cache.load(NECK)
    assert again is not first and again.article.key != first.article.key


STAGES = ("pipeline.build.run", "pipeline.examine.article")


def cli_build(root: Path, *args: str, epoch: str = SOURCE_DATE_EPOCH) -> tuple[str, list[str]]:
    """`publish build` in a process of its own: what it printed, with its exit status last, and
    which of the pipeline's stages it imported."""
    code = ("import sys\nfrom pipeline.cli import main\n"
            f"sys.argv = ['publish', 'build', '--project', {str(root)!r}, *{list(args)!r}]\n"
            "try:\n    main()\nexcept SystemExit as done:\n"
            f"    print('exit', done.code, sorted(m for m in sys.modules if m in {STAGES!r}))\n")
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "CI": "1"}
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout
    *printed, last = output.strip().splitlines()
    status, _, imported = last.partition(" [")
    return "\n".join([*printed, status]), [name.strip("' ") for name in imported.rstrip("]").split(",") if name]


def test_a_build_with_nothing_to_do_tells_the_last_account_again_without_importing_a_stage(built: Path) -> None:
    replayed, imported = cli_build(built)
    assert imported == [] and replayed.endswith("built 0 files, 47 up to date, 0 failed\nexit 0"), replayed
    (built / "output" / ".cache" / "build.json").unlink()
    full, imported = cli_build(built)
    assert imported == list(STAGES) and full == replayed  # the same words as a build that looks at everything


def test_any_change_to_what_a_build_reads_is_built_again(built: Path) -> None:
    assert cli_build(built)[1] == []
    (built / "output" / "web" / f"{NECK}.html").unlink()
    rebuilt, imported = cli_build(built)
    assert imported == list(STAGES) and f"wrote output/web/{NECK}.html" in rebuilt, rebuilt
    assert cli_build(built)[1] == []
    assert cli_build(built, epoch="1800000000")[1] == list(STAGES)
    assert cli_build(built, "--format", "web")[1] == list(STAGES)
    path = built / "manuscripts" / f"{NECK}.md"
    path.write_text(path.read_text().replace("Most stiff necks come from", "Most stiff necks are caused by"))
    edited, imported = cli_build(built)
    assert imported == list(STAGES) and f"wrote output/web/{NECK}.html" in edited
    (built / "styles").mkdir(exist_ok=True)
    (built / "styles" / "labels.yaml").write_text("en:\n  summary: In short\n")
    assert cli_build(built)[1] == list(STAGES)


def test_a_manuscript_s_errors_are_told_again_with_the_same_exit_status(project: Path) -> None:
    broken = project / "manuscripts" / "broken.md"
    broken.write_text((project / "manuscripts" / "ok.md").read_text().replace("disclaimer: medical", "disclaimer: legal"))
    first, imported = cli_build(project, "--format", "web")
    assert imported == list(STAGES) and "error: unknown disclaimer 'legal'" in first and first.endswith("exit 1")
    again, imported = cli_build(project, "--format", "web")
    assert imported == []
    assert [line for line in again.splitlines() if "error" in line] == \
        [line for line in first.splitlines() if "error" in line]
    assert again.endswith("1 failed\nexit 1"), again


@pytest.mark.parametrize("account", ["not json", '{"inputs": "?"}', "[]", '{"outputs": 1}'])
def test_an_account_this_version_cannot_read_is_no_reason_to_skip_the_build(built: Path, account: str) -> None:
    (built / "output" / ".cache" / "build.json").write_text(account)
    full, imported = cli_build(built)
    assert imported == list(STAGES) and full.endswith("exit 0"), full
    assert cli_build(built)[1] == []  # and the build's own account is replayed next time
