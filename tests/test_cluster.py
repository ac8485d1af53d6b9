"""publish build --scheduler: the per-article work on a real Dask cluster, a scheduler and two
workers started from this environment on loopback; the bytes are those of a local build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, SOURCE_DATE_EPOCH

sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
from cluster_bench import LoopbackCluster, free_port  # noqa: E402 - the bench's cluster, started the same way

pytestmark = pytest.mark.slow  # a cluster of three processes, and a build on it
BIN = Path(sys.executable).parent
PUBLISH = BIN / "publish"
SITE = FIXTURES / "site"
# Loaded into a worker with --preload: it dies (as a killed machine would) the moment it starts a task.
DIES_ON_ITS_FIRST_TASK = '''
import os
from distributed.diagnostics.plugin import WorkerPlugin

class DiesOnItsFirstTask(WorkerPlugin):
    def transition(self, key, start, finish, **kwargs):
        if finish == "executing":
            os._exit(17)

async def dask_setup(worker):
    await worker.plugin_add(DiesOnItsFirstTask())
'''


def build_on(cluster: LoopbackCluster, root: Path, *options: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "CI": "1"}
    return subprocess.run([str(PUBLISH), "build", "--project", str(root), "--scheduler", cluster.address, *options],
                          capture_output=True, text=True, env=env, timeout=600)


def files(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in sorted(output.rglob("*"))
            if path.is_file() and path.name != ".lock"}


def copy_site(destination: Path) -> Path:
    shutil.copytree(SITE / "manuscripts", destination / "manuscripts")
    return destination


@pytest.fixture
def cluster(tmp_path: Path):
    started = LoopbackCluster([None, None], tmp_path)
    yield started
    started.stop()


def test_a_build_on_the_cluster_is_byte_identical_to_a_local_build(cluster: LoopbackCluster, built_site: Path,
                                                                   tmp_path: Path) -> None:
    root = copy_site(tmp_path / "on-cluster")
    report = tmp_path / "report.json"
    finished = build_on(cluster, root, "--report", str(report))
    assert finished.returncode == 0, finished.stdout + finished.stderr
    workers = set(map(int, json.loads(report.read_text())["peak_memory_mb"]))
    assert workers and workers <= cluster.pids, "the articles were examined and laid out on the cluster's workers"
    local, remote = files(built_site / "output"), files(root / "output")
    assert sorted(remote) == sorted(local)
    assert [path for path in local if remote[path] != local[path]] == []


def test_a_worker_that_dies_mid_build_has_its_articles_retried_elsewhere(built_site: Path, tmp_path: Path) -> None:
    preload = tmp_path / "dies_on_its_first_task.py"
    preload.write_text(DIES_ON_ITS_FIRST_TASK)
    cluster = LoopbackCluster([preload, None], tmp_path)
    try:
        root = copy_site(tmp_path / "one-dies")
        finished = build_on(cluster, root)
        assert cluster.workers[0].wait(timeout=30) == 17, "the first worker took a task and died"
        assert finished.returncode == 0, finished.stdout + finished.stderr
        assert files(root / "output") == files(built_site / "output")
        assert not (root / "output" / ".tmp").exists() or not any((root / "output" / ".tmp").iterdir())
    finally:
        cluster.stop()


def test_an_unreachable_scheduler_is_a_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "unreachable")
    started = time.monotonic()
    finished = subprocess.run([str(PUBLISH), "build", "--project", str(root), "--scheduler",
                               f"tcp://127.0.0.1:{free_port()}"], capture_output=True, text=True, timeout=120)
    assert finished.returncode == 2, finished.stdout + finished.stderr
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:" in finished.stderr
    assert "Traceback" not in finished.stderr
    assert not (root / "output").exists()
    assert time.monotonic() - started < 60


def test_a_plain_build_never_imports_distributed(built_site: Path, tmp_path: Path) -> None:
    root = copy_site(tmp_path / "plain")
    code = ("import sys; from pathlib import Path; from pipeline.build.run import build; "
            f"build(Path({str(root)!r}), jobs=1); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip().splitlines()[-1] == "[]"
