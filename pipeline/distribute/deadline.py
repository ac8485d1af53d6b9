"""An article's time limit, in whichever thread its work runs.

A local worker runs each task in its main thread, where SIGALRM interrupts it. A Dask worker
runs tasks in threads of its own, which signals never reach: there a timer thread raises the
same exception in the task's thread instead. Either way the exception is raised between two
Python steps, and it repeats every quarter second until the work stops: an exception raised
while the interpreter runs a garbage-collection callback is swallowed, so one alone could be lost.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from contextlib import contextmanager

REPEAT_SECONDS = 0.25


class TimeLimit(BaseException):  # not an Exception: handlers of ordinary errors must not swallow it
    """An article took longer than limits: seconds-per-article."""


@contextmanager
def time_limit(seconds: float):
    """Raise TimeLimit in this thread once `seconds` have passed, until the block ends."""
    if threading.current_thread() is threading.main_thread():
        with alarm(seconds):
            yield
    else:
        with watchdog(seconds):
            yield


@contextmanager
def alarm(seconds: float):
    armed = [True]

    def time_is_up(_signum, _frame) -> None:
        if armed[0]:
            raise TimeLimit()

    previous = signal.signal(signal.SIGALRM, time_is_up)
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_SECONDS)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def watchdog(seconds: float):
    thread = ctypes.c_ulong(threading.get_ident())
    stopped = threading.Event()
    lock = threading.Lock()  # disarming and raising never overlap: no TimeLimit escapes the block

    def watch() -> None:
        wait = seconds
        while not stopped.wait(wait):
            with lock:
                if not stopped.is_set():
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, ctypes.py_object(TimeLimit))
            wait = REPEAT_SECONDS

    watcher = threading.Thread(target=watch, name="time limit", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        with lock:
            stopped.set()
            ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, None)  # withdraw one raised but not yet delivered
        watcher.join()
