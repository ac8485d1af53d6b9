"""make bench: our build against the plain toolchain, a warm-WeasyPrint floor and Typst, in one run.

Environment: BENCH_ARTICLES (100), BENCH_RUNS (3), BENCH_JOBS (cores), BENCH_SCENARIOS
(comma-separated subset of: plain, ours, floor, typst, one-worker, print, braille, make-all, review,
serve, search, cluster, shards, scale). print times a cold build with the office booklets, and one
with the booklets and the press files, against one without; braille a cold build with the braille
files against one without them (their share of the build). make-all is a cold `check`, `build` and `verify` in a row (what `make all` runs), against the cold build
alone, counting the pandoc conversions the three commands make between them. serve times edits
with `publish serve` running (serve_bench.py), beside ours' one-shot edit; search times Pagefind's
index and a first search's download (search_bench.py); cluster, shards and scale run builds on
a loopback Dask cluster, as a two-shard CI matrix, and on corpora of growing size
(cluster_bench.py; scale is opt-in, it builds 1,000 articles). Prints a table of
medians and ratios and writes output/benchmarks.json. Timings are reported, never asserted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cluster_bench import cluster_run, scale_run, shards_run
from corpus import make_corpus
from search_bench import search_run
from serve_bench import serve_run
from toolchains import floor_run, plain_run, prepare_leaflet_html, typst_run

REPO = Path(__file__).resolve().parents[2]
PUBLISH = Path(sys.executable).parent / "publish"
SCENARIOS = ("plain", "ours", "floor", "typst", "one-worker", "print", "braille", "make-all", "review", "serve",
             "search", "cluster", "shards")  # and "scale", only when named
VERSIONS = 20  # commits in the review scenario's history, each raising every article's version



def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def publish_build(root: Path, jobs: int, report: Path | None = None, allow_errors: bool = False,
                  formats: str | None = None) -> None:
    """A build (of `formats`, else of everything); `allow_errors`: exit 1 too (the press files'
    preflight refuses the corpus's low-resolution pictures, as a print shop would), but never a bug."""
    command = [str(PUBLISH), "build", "--project", str(root), "--jobs", str(jobs)]
    command += ["--report", str(report)] if report else []
    command += ["--format", formats] if formats else []
    done = subprocess.run(command, stdout=subprocess.DEVNULL, env={**os.environ, "CI": "1"})
    if done.returncode not in ((0, 1) if allow_errors else (0,)):
        raise SystemExit(f"publish build exited {done.returncode}")


def ours(root: Path, jobs: int, slugs: list[str]) -> dict:
    """Cold build, no-op rebuild, one edited article, and the same edit in a project of that
    article alone (what the site and booklet around it cost is the difference); with the cold
    build's own report."""
    shutil.rmtree(root / "output", ignore_errors=True)
    report = root.parent / f"report-{jobs}.json"
    cold = timed(lambda: publish_build(root, jobs, report))
    data = json.loads(report.read_text())
    noop = timed(lambda: publish_build(root, jobs))  # told again from the cold build's account
    (root / "output" / ".cache" / "build.json").unlink()
    noop_every_key = timed(lambda: publish_build(root, jobs))  # without the account: every key looked at
    edit = timed_edit(root, slugs[1], jobs)
    alone = root.parent / "alone"
    shutil.rmtree(alone, ignore_errors=True)
    make_corpus(REPO, alone, 0)
    shutil.copy(root / "manuscripts" / f"{slugs[1]}.md", alone / "manuscripts")
    publish_build(alone, jobs)
    return {"cold": cold, "noop": noop, "noop every key": noop_every_key, "edit": edit,
            "edit alone": timed_edit(alone, slugs[1], jobs), "edited_article_cost": data["seconds"][slugs[1]],
            "peak_memory_mb": max(data["peak_memory_mb"].values())}


def with_print(root: Path, printed: Path, jobs: int) -> dict:
    """Cold builds of the corpus without print, with the office booklets, and with the booklets and
    the press files (print: {booklet: true, press: true}), one after the other."""
    times = {}
    for name, options in (("with booklets", "  booklet: true\n"), ("with print", "  booklet: true\n  press: true\n")):
        shutil.rmtree(printed.parent, ignore_errors=True)
        shutil.copytree(root / "manuscripts", printed / "manuscripts")
        config = printed / "manuscripts" / "publication.yaml"
        config.write_text(config.read_text() + "print:\n" + options)
        times[f"cold {name}"] = timed(lambda: publish_build(printed, jobs, allow_errors=True))
    shutil.rmtree(root / "output", ignore_errors=True)
    return {"cold without": timed(lambda: publish_build(root, jobs)), **times}


def with_braille(root: Path, jobs: int) -> dict:
    """Cold builds of the corpus without its braille files and with them: braille's share of a build."""
    shutil.rmtree(root / "output", ignore_errors=True)
    without = timed(lambda: publish_build(root, jobs, formats="web,pdf,epub"))
    shutil.rmtree(root / "output", ignore_errors=True)
    return {"cold without": without, "cold with": timed(lambda: publish_build(root, jobs))}


def timed_edit(root: Path, slug: str, jobs: int) -> float:
    """A build after one article's text changed."""
    edited = root / "manuscripts" / f"{slug}.md"
    edited.write_text(edited.read_text() + f"\nEdited at {time.time()}.\n")
    return timed(lambda: publish_build(root, jobs))


def publish(command: str, root: Path, jobs: int, env: dict) -> None:
    options = ["--jobs", str(jobs)] if command == "build" else []
    subprocess.run([str(PUBLISH), command, "--project", str(root), *options], check=True,
                   stdout=subprocess.DEVNULL, env=env)


def counting_pandoc(folder: Path) -> tuple[Path, Path]:
    """A pandoc that copies each article it is asked to convert (one line of its input) to a file
    and runs the real one (pypandoc finds it through PYPANDOC_PANDOC); returns (wrapper, counter)."""
    import pypandoc

    counter, wrapper = folder / "conversions.txt", folder / "pandoc"
    wrapper.write_text(f'#!/bin/sh\ncase "$*" in *articles.lua*) tee -a "{counter}" | "{pypandoc.get_pandoc_path()}" "$@";;\n'
                       f'*) exec "{pypandoc.get_pandoc_path()}" "$@";; esac\n')
    wrapper.chmod(0o755)
    return wrapper, counter


def make_all(root: Path, jobs: int) -> dict:
    """Cold check + build + verify, each step timed, and the pandoc conversions among them."""
    shutil.rmtree(root / "output", ignore_errors=True)
    wrapper, counter = counting_pandoc(root.parent)
    counter.unlink(missing_ok=True)
    env = {**os.environ, "CI": "1", "PYPANDOC_PANDOC": str(wrapper)}
    steps = {command: timed(lambda c=command: publish(c, root, jobs, env)) for command in ("check", "build", "verify")}
    conversions = len(counter.read_text().splitlines()) if counter.exists() else 0
    return {**steps, "all": sum(steps.values()), "conversions": conversions}


def with_history(root: Path, slugs: list[str], versions: int) -> None:
    """Commit the corpus `versions` times, each commit changing every article and raising its version."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}

    def git(*arguments: str) -> None:
        subprocess.run(["git", "-C", str(root), *arguments], check=True, capture_output=True, env=env)

    git("init", "-q")
    for number in range(1, versions + 1):
        for slug in slugs:
            path = root / "manuscripts" / f"{slug}.md"
            text = re.sub(r"(?m)^version: .*$", f"version: {number}", path.read_text(), count=1)
            path.write_text(text + f"\nRevised in version {number}.\n")
        git("add", "-A")
        git("commit", "-q", "-m", f"Version {number}")


def review(root: Path, slugs: list[str]) -> dict:
    """publish status over every article, and publish changes for one (cold, then with the
    versions' element models cached), on a long history."""
    env = {**os.environ, "CI": "1"}

    def run(*arguments: str) -> None:
        subprocess.run([str(PUBLISH), *arguments, "--project", str(root)], check=True,
                       stdout=subprocess.DEVNULL, env=env)

    shutil.rmtree(root / "output" / ".cache" / "versions", ignore_errors=True)
    cold = timed(lambda: run("changes", slugs[0]))  # converts both versions
    return {"status": timed(lambda: run("status")), "changes cold": cold,
            "changes": timed(lambda: run("changes", slugs[0]))}  # both versions from the cache


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    count = int(os.environ.get("BENCH_ARTICLES", 100))
    runs = int(os.environ.get("BENCH_RUNS", 3))
    jobs = int(os.environ.get("BENCH_JOBS", os.cpu_count() or 1))
    wanted = os.environ.get("BENCH_SCENARIOS", ",".join(SCENARIOS)).split(",")
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        root = Path(scratch) / "project"
        slugs = make_corpus(REPO, root, count)
        leaflets = prepare_leaflet_html(root, Path(scratch) / "html") if {"plain", "floor"} & set(wanted) else []
        results: dict[str, list] = {name: [] for name in wanted}
        if "review" in wanted:
            history_root = Path(scratch) / "history" / "project"
            history_slugs = make_corpus(REPO, history_root, count)
            with_history(history_root, history_slugs, VERSIONS)
        for number in range(runs):
            print(f"run {number + 1} of {runs} ({count} articles, {jobs} jobs)", flush=True)
            if "plain" in wanted:
                results["plain"].append({"cold": timed(lambda: plain_run(root, leaflets, Path(scratch) / "plain", jobs))})
            if "ours" in wanted:
                results["ours"].append(ours(root, jobs, slugs))
            if "one-worker" in wanted:
                results["one-worker"].append(ours(root, 1, slugs))
            if "print" in wanted:
                results["print"].append(with_print(root, Path(scratch) / "print" / "project", jobs))
            if "braille" in wanted:
                results["braille"].append(with_braille(root, jobs))
            if "floor" in wanted:
                results["floor"].append({"cold": timed(lambda: floor_run(root, leaflets, jobs))})
            if "review" in wanted:
                results["review"].append(review(history_root, history_slugs))
            if "make-all" in wanted:
                results["make-all"].append(make_all(root, jobs))
            if "typst" in wanted:
                results["typst"].append({"cold": timed(lambda: typst_run(root, Path(scratch) / "typst", jobs))})
            if "cluster" in wanted:
                results["cluster"].append(cluster_run(root))
            if "shards" in wanted:
                results["shards"].append(shards_run(root, Path(scratch)))
            if "serve" in wanted:  # last: it edits the corpus with the server running
                results["serve"].append(serve_run(PUBLISH, root, jobs, slugs, REPO / "styles" / "print" / "leaflet.css"))
        if "search" in wanted:  # once: corpora of its own, web pages only (BENCH_SEARCH_ARTICLES, default 100,1000)
            counts = tuple(int(n) for n in os.environ.get("BENCH_SEARCH_ARTICLES", "100,1000").split(","))
            results["search"].append(search_run(PUBLISH, REPO, Path(scratch), counts))
        if "scale" in wanted:  # once: corpora of BENCH_SCALE_ARTICLES articles (default 100,1000)
            counts = tuple(int(n) for n in os.environ.get("BENCH_SCALE_ARTICLES", "100,1000").split(","))
            results["scale"].append(scale_run(REPO, Path(scratch), counts))
    summary = summarise(results, count, jobs, runs)
    print_table(summary)
    output = REPO / "output"
    output.mkdir(exist_ok=True)
    (output / "benchmarks.json").write_text(json.dumps({"summary": summary, "runs": results}, indent=2) + "\n")
    print("wrote output/benchmarks.json")


def summarise(results: dict, count: int, jobs: int, runs: int) -> dict:
    summary = {"articles": count, "jobs": jobs, "runs": runs, "seconds": {}, "ratios": {}}
    seconds = summary["seconds"]
    for name, runs_ in results.items():
        if runs_:
            for key in runs_[0]:
                seconds[f"{name} {key}"] = round(median_of(runs_, key), 3)
    ours_cold = seconds.get("ours cold")
    ratios = summary["ratios"]
    for other in ("plain", "floor", "typst"):
        if ours_cold and f"{other} cold" in seconds:
            ratios[f"ours/{other}"] = round(ours_cold / seconds[f"{other} cold"], 3)
    if ours_cold and "one-worker cold" in seconds:
        ratios[f"{jobs} workers vs 1 (speed-up)"] = round(seconds["one-worker cold"] / ours_cold, 3)
    if ours_cold and "make-all all" in seconds:
        ratios["cold check + build + verify / cold build"] = round(seconds["make-all all"] / ours_cold, 3)
        ratios["pandoc conversions in check + build + verify, per article"] = round(
            seconds["make-all conversions"] / count, 3)
    if "print cold with booklets" in seconds:
        ratios["cold build with office booklets / without"] = round(
            seconds["print cold with booklets"] / seconds["print cold without"], 3)
        ratios["cold build with booklets and press files / without"] = round(
            seconds["print cold with print"] / seconds["print cold without"], 3)
    if "braille cold with" in seconds:
        ratios["braille's share of a cold build"] = round(
            1 - seconds["braille cold without"] / seconds["braille cold with"], 3)
    if "ours noop" in seconds:
        ratios["no-op told again / no-op looking at every key"] = round(seconds["ours noop"] / seconds["ours noop every key"], 3)
    if "ours edit" in seconds:
        ratios["edit minus the same edit alone (s)"] = round(seconds["ours edit"] - seconds["ours edit alone"], 3)
        ratios["edit minus the article's cost in a worker (s)"] = round(
            seconds["ours edit"] - seconds["ours edited_article_cost"], 3)
    return summary


def print_table(summary: dict) -> None:
    print(f"\n{summary['articles']} articles, {summary['jobs']} jobs, median of {summary['runs']} runs")
    print(f"{'measure':<42} {'value':>10}")
    for name, value in summary["seconds"].items():
        unit = ("MB" if "memory" in name else
                "" if any(word in name for word in ("conversions", "KB", "speed-up", " / ")) else "s")
        print(f"{name:<42} {value:>9.3f}{unit}")
    for name, value in summary["ratios"].items():
        print(f"{name:<42} {value:>10.3f}")


if __name__ == "__main__":
    main()
