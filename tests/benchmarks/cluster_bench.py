"""The scenarios of make bench beyond one process pool:

- cluster: cold builds with `--scheduler` on a Dask scheduler on loopback with 1, then 2,
  single-threaded worker processes (what a LocalCluster would start), and the speed-up;
- shards: the corpus as shards 1/2 and 2/2 built at once with one job each (two CI machines
  of one core), then `publish merge`, against one build with every job;
- scale: cold builds of corpora of BENCH_SCALE_ARTICLES (default 100,1000) articles: seconds
  and peak worker memory per article, which should stay flat as the corpus grows.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from corpus import make_corpus

BIN = Path(sys.executable).parent
QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
ENV = {**os.environ, "CI": "1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def timed_build(root: Path, *options: str) -> float:
    shutil.rmtree(root / "output", ignore_errors=True)
    started = time.perf_counter()
    finished = subprocess.run([str(BIN / "publish"), "--debug", "build", "--project", str(root), *options],
                              capture_output=True, text=True, env=ENV)
    if finished.returncode != 0:
        raise RuntimeError(f"publish build {' '.join(options)} exited {finished.returncode}:\n{finished.stderr[-4000:]}")
    return time.perf_counter() - started


class LoopbackCluster:
    """`dask scheduler` and single-threaded `dask worker`s on loopback, started from this
    environment (a worker given a preload script runs it); stop() ends them all."""

    def __init__(self, preloads: list[Path | None], folder: Path | None = None) -> None:
        from distributed import Client

        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                                           self.address.rsplit(":", 1)[1], "--no-dashboard"], cwd=folder, **QUIET)
        self.workers = [subprocess.Popen([str(BIN / "dask"), "worker", self.address, "--nthreads", "1", "--no-nanny",
                                          "--no-dashboard", "--host", "127.0.0.1",
                                          *(["--preload", str(preload)] if preload else [])], cwd=folder, **QUIET)
                        for preload in preloads]
        try:
            with Client(self.address, timeout=60) as client:
                client.wait_for_workers(len(preloads), timeout=60)
                self.pids = set(client.run(os.getpid).values())
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            process.terminate()
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def cluster_run(root: Path) -> dict:
    """Cold builds on a loopback cluster of 1 and of 2 worker processes."""
    results = {}
    for workers in (1, 2):
        cluster = LoopbackCluster([None] * workers)
        try:
            results[f"cold, {workers} worker{'s' * (workers > 1)}"] = timed_build(root, "--scheduler", cluster.address)
        finally:
            cluster.stop()
    results["speed-up, 2 workers vs 1"] = results["cold, 1 worker"] / results["cold, 2 workers"]
    return results


def shards_run(root: Path, scratch: Path) -> dict:
    """Two one-job shards at once in checkouts of their own, then the merge, against one build."""
    checkouts = []
    for number in (1, 2):
        checkout = scratch / f"shard-{number}"
        shutil.rmtree(checkout, ignore_errors=True)
        shutil.copytree(root / "manuscripts", checkout / "manuscripts")
        checkouts.append(checkout)
    started = time.perf_counter()
    building = [subprocess.Popen([str(BIN / "publish"), "build", "--project", str(checkout), "--jobs", "1",
                                  "--shard", f"{number}/2"], env=ENV, **QUIET)
                for number, checkout in enumerate(checkouts, start=1)]
    if any(process.wait() != 0 for process in building):
        raise RuntimeError("a shard failed")
    shards_done = time.perf_counter()
    merged = scratch / "merged"
    shutil.rmtree(merged, ignore_errors=True)
    shutil.copytree(root / "manuscripts", merged / "manuscripts")
    subprocess.run([str(BIN / "publish"), "merge", "--project", str(merged),
                    *(str(checkout / "output") for checkout in checkouts)], check=True, env=ENV, **QUIET)
    finished = time.perf_counter()
    one_build = timed_build(root)
    return {"2 x 1 job, shards": shards_done - started, "merge": finished - shards_done,
            "2 x 1 job, shards + merge": finished - started, "one build, every job": one_build,
            "one build / (shards + merge)": one_build / (finished - started)}


def scale_run(repo: Path, scratch: Path, counts: tuple[int, ...]) -> dict:
    """Cold builds of growing corpora: seconds and peak worker memory per article."""
    results = {}
    for count in counts:
        root = scratch / f"scale-{count}" / "project"
        make_corpus(repo, root, count)
        report = root.parent / "report.json"
        seconds = timed_build(root, "--report", str(report))
        memory = max(json.loads(report.read_text())["peak_memory_mb"].values())
        results[f"{count} articles, seconds per article"] = seconds / count
        results[f"{count} articles, peak worker memory MB"] = memory
        shutil.rmtree(root.parent)
    return results
