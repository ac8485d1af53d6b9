"""Per-article work (examining, laying out) in a pool of long-lived worker processes.

Each worker imports WeasyPrint once and keeps its fonts, parsed stylesheets and templates
for every article it handles, across the stages of a build. A task's outcome says whether
it succeeded, hit a resource limit (a content problem) or met a bug (an internal error).
"""

from __future__ import annotations

import gc
import os
import resource
import signal
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, CancelledError, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context

from pipeline.distribute.deadline import TimeLimit, time_limit

LIMIT_ERRORS = (RecursionError, MemoryError)  # a manuscript too big or deep to handle
WATCH_SECONDS = 1.0  # how long a build waiting on its workers goes without looking that they all live


class InternalError(Exception):
    """A bug met while working on an article, in this process or a worker; keeps its traceback."""

    def __init__(self, subject: str, trace: str) -> None:
        super().__init__(f"{subject}: {trace.strip().splitlines()[-1]}")
        self.trace = trace


@dataclass
class Outcome:
    """What one task came back with."""

    slug: str
    value: object = None  # the task's result when it succeeded
    limit: str | None = None  # why the article was stopped at a resource limit
    bug: str | None = None  # the traceback of an internal error
    seconds: float = 0.0
    peak_memory: int = 0  # bytes, the worker's largest resident size so far
    worker: int = 0

    def deliver(self, value, limit, bug):
        """Hand the outcome to the handler its kind calls for: value(result), limit(slug, reason)
        or bug(slug, traceback). The one place that tells the three apart."""
        if self.bug is not None:
            return bug(self.slug, self.bug)
        if self.limit is not None:
            return limit(self.slug, self.limit)
        return value(self.value)


def raise_bug(slug: str, trace: str) -> None:
    """The bug handler of commands that stop at the first bug (check, verify)."""
    raise InternalError(slug, trace)


def perform(task) -> Outcome:
    """Run one task within its time limit."""
    started = time.perf_counter()
    outcome = Outcome(task.slug)
    try:
        with time_limit(task.limit):
            outcome.value = task()
    except TimeLimit:
        outcome.limit = f"took longer than the limit of {task.limit:g} s"
    except LIMIT_ERRORS as error:
        outcome.limit = f"is too deeply nested or too large to handle ({type(error).__name__})"
    except Exception:  # noqa: BLE001 - a bug: its traceback goes to the user, the build goes on
        outcome.bug = traceback.format_exc()
    outcome.seconds = time.perf_counter() - started
    outcome.peak_memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    outcome.worker = os.getpid()
    return outcome


def largest_first(tasks: list) -> list:
    """The order every pool runs tasks in: the largest manuscripts first, so that none is left
    running alone at the end; then by slug, for the same order on every run."""
    return sorted(tasks, key=lambda task: (-task.size, task.slug))


def spare_the_collector() -> None:
    """What is loaded now (WeasyPrint, fonts, dictionaries) is frozen out of the cycle
    collector's walks, which otherwise go over all of it at each full collection while articles
    are examined and pages rendered (a leaflet's layout pauses the collector: render.leaflet's
    collector_paused). Before that pause, freezing made a leaflet about 5% faster, for 4 MB."""
    gc.collect()
    gc.freeze()


def preload_nothing() -> None:
    """Work that needs no warm-up (reading outputs back)."""


def warm_up(preload_work) -> None:
    """A worker's start: Ctrl-C is left to the main process, which stops the pool, and SIGTERM
    (how the main process stops a worker) ends it quietly instead of raising inside it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    preload_work()


def ready(_index: int) -> int:
    """A task that only shows its worker has started."""
    return os.getpid()


class Workers:
    """Runs tasks in this process for one job, else in worker processes kept for the whole build."""

    def __init__(self, jobs: int, preload_work=preload_nothing) -> None:
        self.jobs = jobs
        self.preload_work = preload_work  # what each worker does once, before its first task
        self.pool: ProcessPoolExecutor | None = None
        self.processes: list = []
        self.preloaded: set = set()  # the preloads done in this process

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, kind, _error, _trace) -> None:
        if self.pool is not None:
            if kind is None:
                self.pool.shutdown(wait=True)
            else:
                self.stop()

    def run(self, tasks: list, on_done) -> list[str]:
        """Run tasks, largest first, calling on_done(outcome) as each finishes; return the slugs
        lost to a worker that died."""
        return self.start(tasks, on_done)()

    def start(self, tasks: list, on_done) -> Callable[[], list[str]]:
        """Start tasks in the worker processes and return at once, with the function that waits for
        them (calling on_done in this process) and returns the lost slugs, as run does; meanwhile
        this process is free for other work. One job, or one task, runs here and now."""
        tasks = largest_first(tasks)
        if self.jobs <= 1 or len(tasks) <= 1:
            for task in tasks:
                self.preload_here(getattr(task, "preload", self.preload_work))
                on_done(perform(task))
            return lambda: []
        self.start_pool()
        futures = {self.pool.submit(perform, task): task.slug for task in tasks}
        self.processes = list((self.pool._processes or {}).values())  # noqa: SLF001 - to stop them if it breaks
        return lambda: self.collect(futures, on_done)

    def preload_here(self, preload) -> None:
        """Before a task runs in this process: what it needs (a task may name its own `preload`,
        the part of the workers' preload it uses), once, before its clock starts."""
        if preload not in self.preloaded:
            preload()
            self.preloaded.add(preload)

    def warm(self) -> None:
        """Preload here, and start the worker processes now, each preloaded: a caller that keeps
        them (publish serve) has them ready for its first change, forked before it starts threads."""
        self.preload_here(self.preload_work)
        if self.jobs > 1:
            list(self.start_pool().map(ready, range(self.jobs)))

    def prepare(self) -> None:
        """Start the worker processes now and return at once: they preload (WeasyPrint's import)
        on the other cores while this process goes on with a task of its own (examining the
        one edited article), and are ready for the work that follows it (its leaflets)."""
        if self.jobs > 1 and self.pool is None:
            self.start_pool().submit(ready, 0)

    def start_pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=get_context("fork"),
                                            initializer=warm_up, initargs=(self.preload_work,))
        return self.pool

    def collect(self, futures: dict, on_done) -> list[str]:
        lost, pending = [], set(futures)
        while pending:
            done, pending = wait(pending, timeout=WATCH_SECONDS, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    outcome = future.result()
                except (BrokenProcessPool, CancelledError):
                    lost.append(futures[future])
                    continue
                on_done(outcome)
            if pending and not done and self.a_worker_died():
                # A worker killed while it sent an outcome leaves the pool's thread waiting for
                # the rest, never to say the pool is broken: what it was still to run is lost.
                lost += [futures[future] for future in pending]
                pending = set()
        if lost:
            self.stop()  # a broken pool cannot be shut down politely; the next stage starts a new one
        return sorted(lost)

    def a_worker_died(self) -> bool:
        return any(process.exitcode is not None for process in self.processes)

    def stop(self) -> None:
        """Shut the pool down now, terminating its workers: an interrupted or broken build must not
        leave them running (or the interpreter waiting for them at exit)."""
        if self.pool is None:
            return
        results = self.pool._result_queue  # noqa: SLF001 - see below
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
        # A worker stopped while it sent an outcome leaves the pool's thread waiting for the rest,
        # and the interpreter's exit waiting for that thread. With the workers gone, this process
        # holds the last writing end of their pipe: closing it ends the wait.
        results._writer.close()  # noqa: SLF001
        self.pool = None
