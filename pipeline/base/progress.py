"""How a build shows its progress: a bar on a terminal, one quiet line per output in CI."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass

import click


def interactive() -> bool:
    return sys.stdout.isatty() and not os.environ.get("CI")


@dataclass(frozen=True)
class Event:
    """Something a build tells as it goes."""

    kind: str  # start (a stage with `detail` articles), article (one done), wrote, failed
    subject: str  # the stage, the article's slug or the output's path
    detail: object = None  # the stage's number of articles, why something failed, or the seconds an output took


@contextmanager
def progress_reporter(err: bool = False):
    """Yield an on_event(Event) callback for build(); `err` when standard output carries a
    document (--format sarif, say): the lines go to standard error, and no bar is drawn."""
    if err:
        yield lambda event: line_reporter(event, err=True)
        return
    if not interactive():
        yield line_reporter
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True) as bar:
        state = {}

        def on_event(event: Event) -> None:
            if event.kind == "start" and event.detail:
                state["task"] = bar.add_task(event.subject, total=event.detail)
            elif event.kind == "article" and "task" in state:
                bar.update(state["task"], advance=1, description=f"built {event.subject}")
            elif event.kind == "failed":
                bar.console.print(f"failed {event.subject}: {event.detail}")

        yield on_event


def line_reporter(event: Event, err: bool = False) -> None:
    if event.kind == "wrote":
        click.echo(f"wrote output/{event.subject}", err=err)
    elif event.kind == "failed":
        click.echo(f"failed {event.subject}: {event.detail}", err=err)
