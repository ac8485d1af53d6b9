"""CI matrices: `publish build --shard K/N` and `publish merge DIR...` make what one build makes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, SOURCE_DATE_EPOCH, build_copy, publish

SITE = FIXTURES / "site"


def files(output: Path) -> dict[str, bytes]:
    """Every file a build leaves, by path: the lock file and a shard's stamp aside."""
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in sorted(output.rglob("*"))
            if path.is_file() and path.name not in (".lock", "shard.json")}


def copy_project(destination: Path) -> Path:
    shutil.copytree(SITE / "manuscripts", destination / "manuscripts")
    return destination


def merge(root: Path, *folders: Path):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        return publish("merge", *map(str, folders), project=root)


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> list[Path]:
    """The site fixture built as shards 1/2 and 2/2, each in a checkout of its own."""
    return [build_copy(SITE, tmp_path_factory.mktemp(f"shard{k}"), "--shard", f"{k}/2") / "output" for k in (1, 2)]


def test_each_shard_builds_its_own_articles_and_no_site(shards: list[Path]) -> None:
    pages = [sorted(p.relative_to(output).as_posix() for p in (output / "web").rglob("*.html")) for output in shards]
    assert pages[0] and pages[1] and not set(pages[0]) & set(pages[1])
    for output in shards:
        assert not (output / "web" / "index.html").exists() and not (output / "epub").exists()
        assert (output / "shard.json").is_file()


def test_merged_shards_are_byte_identical_to_one_build(shards: list[Path], built_site: Path, tmp_path: Path) -> None:
    root = copy_project(tmp_path / "merged")
    result = merge(root, *shards)
    assert result.exit_code == 0, result.output
    merged, whole = files(root / "output"), files(built_site / "output")
    assert sorted(merged) == sorted(whole)
    assert [path for path in whole if merged[path] != whole[path]] == []
    assert "web/index.html" in merged and "web/a-z.html" in merged and any(p.startswith("epub/") for p in merged)


def test_merge_refuses_shards_that_do_not_make_one_build(shards: list[Path], tmp_path: Path) -> None:
    root = copy_project(tmp_path / "refusing")
    missing = merge(root, shards[0])
    assert missing.exit_code == 2 and "need shards 1 to 2 once each; got 1" in missing.output
    twice = merge(root, shards[0], shards[0])
    assert twice.exit_code == 2 and "got 1, 1" in twice.output

    other_count = build_copy(SITE, tmp_path / "of-three", "--shard", "2/3") / "output"
    mixed = merge(root, shards[0], other_count)
    assert mixed.exit_code == 2 and "is shard 2 of 3" in mixed.output

    manuscript = next((root / "manuscripts").glob("*.md"))
    manuscript.write_text(manuscript.read_text() + "\nA later commit's sentence.\n")
    later = merge(root, *shards)
    assert later.exit_code == 2 and "built from other inputs than this project's" in later.output
    assert not (root / "output").exists(), "a refused merge writes nothing"


def test_a_shard_that_is_not_k_of_n_is_a_usage_error(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "bad")
    for shard in ("3/2", "0/2", "1", "a/b"):
        result = publish("build", "--shard", shard, project=root)
        assert result.exit_code == 2 and "K/N" in result.output, (shard, result.output)
    assert not (root / "output").exists()


def test_merge_tells_its_account_in_the_ci_formats(shards: list[Path], tmp_path: Path) -> None:
    from lxml import etree

    root = copy_project(tmp_path / "told")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        result = publish("merge", *map(str, shards), "--format", "junit", project=root)
    assert result.exit_code == 0, result.output
    suites = etree.fromstring(result.stdout.encode("utf-8"))  # the document alone on standard output
    assert suites.get("name") == "publish merge" and suites.get("failures") == "0" and suites.findall("testsuite")
    assert "wrote output/web/index.html" in result.stderr
