"""How a build shows its progress: a bar on a terminal, one quiet line per output in CI."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import click


def interactive() -> bool:
    return sys.stdout.isatty() and not os.environ.get("CI")


@contextmanager
def progress_reporter():
    """Yield an on_event(kind, subject, detail=None) callback for build()."""
    if not interactive():
        yield line_reporter
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True) as bar:
        state = {}

        def on_event(kind: str, subject: str, detail=None) -> None:
            if kind == "start" and detail:
                state["task"] = bar.add_task(subject, total=detail)
            elif kind == "article" and "task" in state:
                bar.update(state["task"], advance=1, description=f"built {subject}")
            elif kind == "failed":
                bar.console.print(f"failed {subject}: {detail}")

        yield on_event


def line_reporter(kind: str, subject: str, detail=None) -> None:
    if kind == "wrote":
        click.echo(f"wrote output/{subject}")
    elif kind == "failed":
        click.echo(f"failed {subject}: {detail}")
