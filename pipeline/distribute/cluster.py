"""Per-article work on a Dask distributed cluster (publish build --scheduler tcp://HOST:PORT).

The cluster's workers examine and lay out articles, exactly the tasks the local pool runs;
this process plans, writes every file and records the manifest, as a local build does. The
workers run this project's environment and see its files at the same absolute paths (a shared
file system, or the same checkout on every machine): each examination checks that the worker
reads the same manuscript bytes as the client. `distributed` is an optional extra, imported
only here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.base.diagnostics import UsageError
from pipeline.distribute.pool import Outcome, largest_first, perform
from pipeline.output.keys import file_digest

CONNECT_SECONDS = 10


class ClusterError(UsageError):
    """The cluster cannot build this project: unreachable, not installed, or its workers see
    other files. A usage error: nothing about the manuscripts."""


class OtherFiles(Exception):
    """Raised on a worker that reads a different manuscript than the client did."""


@dataclass(frozen=True)
class Sent:
    """A task as the cluster runs it, with what the client's build depends on."""

    task: object
    source_date_epoch: str | None  # reproducible outputs: the client's, not the worker's
    manuscript: tuple[Path, str] | None  # an examination's manuscript and the SHA-256 the client read
    preload_work: Callable[[], None]  # the work's one-off costs (distribute.pool.Workers has the same)

    def __call__(self) -> Outcome:
        warm(self.preload_work)
        if self.source_date_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = self.source_date_epoch
        if self.manuscript is not None and file_digest(self.manuscript[0]) != self.manuscript[1]:
            raise OtherFiles(f"the worker on {os.uname().nodename} reads a different {self.manuscript[0]} than "
                             "this machine: start the workers where the project's files are at the same path")
        return perform(self.task)


_WARM = {"done": False}


def warm(preload_work: Callable[[], None]) -> None:
    """A worker's one-off costs, paid before its first task's clock starts."""
    if not _WARM["done"]:
        preload_work()
        _WARM["done"] = True


class ClusterWorkers:
    """What a build asks of its workers (run, and a context to hold them) over a Dask client."""

    def __init__(self, address: str, preload_work: Callable[[], None]) -> None:
        self.preload_work = preload_work
        try:
            from distributed import Client  # noqa: PLC0415
        except ImportError:
            raise ClusterError("--scheduler needs the distributed extra: pip install '.[distributed]'") from None
        try:
            self.client = Client(address, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: {error}") from None

    def __enter__(self) -> "ClusterWorkers":
        return self

    def __exit__(self, *_exc) -> None:
        self.client.close()

    def prepare(self) -> None:
        """The cluster's workers are started by its own scheduler."""

    def start(self, tasks: list, on_done) -> Callable[[], list[str]]:
        """Send tasks to the cluster and return the function that waits for them (as Workers.start)."""
        tasks = largest_first(tasks)
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        batch = uuid.uuid4().hex[:8]
        futures = {self.client.submit(Sent(task, epoch, manuscript_of(task), self.preload_work), key=f"{type(task).__name__}-{task.slug}-"
                                      f"{index}-{batch}", pure=False): task.slug for index, task in enumerate(tasks)}
        return lambda: self.collect(futures, on_done)

    def run(self, tasks: list, on_done) -> list[str]:
        """Run tasks on the cluster, largest first, calling on_done(outcome) as each comes back;
        return the slugs of tasks that failed on every worker that tried them (killed workers)."""
        return self.start(tasks, on_done)()

    def collect(self, futures: dict, on_done) -> list[str]:
        from distributed import as_completed  # noqa: PLC0415

        lost = []
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except OtherFiles as error:
                raise ClusterError(str(error)) from None
            except Exception:  # noqa: BLE001 - KilledWorker, or a worker gone with its results: the article is lost
                lost.append(futures[future])
                continue
            on_done(outcome)
        return sorted(lost)


def manuscript_of(task) -> tuple[Path, str] | None:
    project = getattr(task, "project", None)
    if project is None:
        return None
    path = project.path(task.slug)
    return path, file_digest(path)
