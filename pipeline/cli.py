"""The `publish` command: parse options, call the library, turn its results into exit codes."""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import click

from pipeline.base.diagnostics import UsageError, has_errors
from pipeline.report.findings import (
    build_findings,
    check_findings,
    preflight_findings,
    status_findings,
    translations_findings,
    verify_findings,
)
from pipeline.report.formats import DOCUMENTS, default_format, told_in
from pipeline.report.formats import FORMATS as REPORT_FORMATS

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 3, 130, 141
REPORT_A_BUG = ("This is a bug in publish, not a problem in your manuscripts. Please report it with the "
                "command you ran and the traceback that `publish --debug COMMAND ...` prints.")


class UsageProblem(click.ClickException):
    exit_code = EXIT_USAGE


class Publish(click.Group):
    """The command group: usage problems exit 2, and anything a command did not expect is a bug,
    reported as one (exit 3)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except UsageError as error:  # every command's usage problems, in one place
            raise UsageProblem(str(error)) from None
        except BrokenPipeError:  # the reader went away (publish status | head): stop quietly, as SIGPIPE would
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_BROKEN_PIPE)
        except Exception as error:  # noqa: BLE001 - the last line of defence: say it is a bug
            trace = traceback.format_exc() + str(getattr(error, "trace", ""))  # a worker's, if it came from one
            report_bugs(ctx, {"publish": trace}, error)
            sys.exit(EXIT_BUG)


def report_bugs(ctx: click.Context, bugs: dict[str, str], error: Exception | None = None) -> None:
    """Name each internal error; the tracebacks only under --debug."""
    debug = (ctx.find_root().params or {}).get("debug", False)
    for subject, trace in bugs.items():
        if debug:
            click.echo(trace.rstrip(), err=True)
        last = f"{type(error).__name__}: {error}" if error else trace.strip().splitlines()[-1]
        click.echo(f"internal error in {subject}: {last}", err=True)
    click.echo(REPORT_A_BUG, err=True)


cache_dir_option = click.option(
    "--cache-dir", type=click.Path(file_okay=False, path_type=Path), envvar="PUBLISH_CACHE_DIR",
    help="Keep the document cache here instead of output/.cache (e.g. a folder CI keeps between runs).",
)
project_option = click.option(
    "--project", type=click.Path(file_okay=False, path_type=Path), default=".",
    show_default=True, help="Project folder (the one holding manuscripts/).",
)


@click.group(cls=Publish, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="health-publishing-pipeline")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
def main(debug: bool) -> None:
    """Publish health articles as PDF leaflets, EPUB booklets and a web site."""


def names_of(arguments: tuple[str, ...]) -> tuple[str, ...]:
    """NAMEs as typed, or as files (a pre-commit hook passes manuscripts/b12.md): a manuscript's
    file is its name; publication.yaml stands for every manuscript."""
    if any(Path(argument).name == "publication.yaml" for argument in arguments):
        return ()
    return tuple(Path(argument).name[:-3] if argument.endswith(".md") else argument for argument in arguments)


def format_option(function):
    return click.option("--format", "told_as", type=click.Choice(REPORT_FORMATS), default=None,
                        help="How problems are told: text, or for CI json, github (the default in GitHub "
                             "Actions), gitlab, sarif or junit.")(function)


def chosen_format(told_as: str | None) -> str:
    return told_as or default_format()


def human(told_as: str):
    """echo for the human account: standard error when standard output carries a document."""
    return functools.partial(click.echo, err=told_as in DOCUMENTS)


def tell(findings_of, told_as: str, report: Path | None) -> None:
    """The CI format's part, and the JSON report; findings_of() is called only when one is asked for."""
    if told_as == "text" and report is None:
        return
    findings = findings_of()
    if report:
        write_report(report, findings.as_json())
    click.echo(told_in(findings, told_as), nl=False)


@main.command()
@click.argument("slugs", nargs=-1, metavar="[NAME|FILE...]")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Also write the result as JSON.")
@format_option
@cache_dir_option
@project_option
def check(slugs: tuple[str, ...], strict: bool, report: Path | None, told_as: str | None, cache_dir: Path | None,
          project: Path) -> None:
    """Validate manuscripts and publication.yaml; report every problem at once."""
    from pipeline.examine.project import check_project

    told_as, names = chosen_format(told_as), names_of(slugs)
    say = human(told_as)
    result = check_project(project, names, cache_dir=cache_dir)
    for diagnostic in result.diagnostics:
        say(str(diagnostic))
    for article in result.articles:
        if not article.converted:
            continue
        say(f"{article.slug}: " + (", ".join(map(str, article.readability)) or "no running text to measure"))
    errors = sum(d.severity == "error" for d in result.diagnostics)
    warnings = len(result.diagnostics) - errors
    checked = result.files_checked
    say(f"checked {checked} manuscript{'s' * (checked != 1)}: "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")

    def findings():
        return check_findings(result, strict, project, names)

    tell(findings, told_as, report)
    sys.exit(EXIT_CONTENT if has_errors(result.diagnostics, strict) else EXIT_OK)


def parse_formats(_ctx, _param, values: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    """build's --format, given once or twice: the outputs (comma-separated), and how problems are told."""
    from pipeline.output.layout import FORMATS

    outputs, told = [], [value for value in values if value in REPORT_FORMATS]
    for value in (value for value in values if value not in REPORT_FORMATS):
        chosen = [part.strip() for part in value.split(",") if part.strip()]
        if not chosen or any(part not in FORMATS for part in chosen):
            raise click.BadParameter(f"choose outputs from {', '.join(FORMATS)} (comma-separated), "
                                     f"or how problems are told: {', '.join(REPORT_FORMATS)}")
        outputs += chosen
    if len(told) > 1:
        raise click.BadParameter(f"problems are told in one format, not {' and '.join(told)}")
    return tuple(dict.fromkeys(outputs)) or FORMATS, told[0] if told else None


def parse_shard(_ctx, _param, value: str | None):
    from pipeline.build.shards import Shard, ShardError

    try:
        return value and Shard.parse(value)
    except ShardError as error:
        raise click.BadParameter(str(error)) from None


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--format", "formats", multiple=True, callback=parse_formats, metavar="OUTPUTS|FORMAT",
              help="Outputs to build, comma-separated (default: web,pdf,epub); and/or how problems are told "
                   "(text, json, github, gitlab, sarif, junit), e.g. --format web --format sarif.")
@click.option("--page-size", type=click.Choice(["A4", "A5", "letter"]), help="Leaflet paper size (default: publication.yaml's).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Run the per-article work on this Dask cluster.")
@click.option("--shard", metavar="K/N", callback=parse_shard,
              help="Build only the K-th of N slices of the articles (a CI matrix; publish merge joins them).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Also write the result as JSON.")
@cache_dir_option
@project_option
def build(slugs: tuple[str, ...], formats, page_size: str | None, jobs: int | None,
          scheduler: str | None, shard, report: Path | None, cache_dir: Path | None, project: Path) -> None:
    """Build the web site, PDF leaflets and EPUB booklets (only what changed)."""
    from contextlib import nullcontext

    (formats, told_as), slugs = formats, names_of(slugs)
    told = Told(chosen_format(told_as), report, project, slugs)
    inputs = None
    if not scheduler and shard is None:
        from pipeline.build.replay import inputs_key, replay, tell

        inputs = inputs_key(project.resolve(), slugs, formats, page_size)
        replayed = replay(project, inputs, cache_dir)  # nothing changed: no stage is imported
        if replayed is not None:
            finish_build(lambda on_event: tell(replayed, on_event), told)
    from pipeline.build.run import build as run_build

    cluster = nullcontext()
    if scheduler:
        from pipeline.build.tasks import preload_for_build
        from pipeline.distribute.cluster import ClusterWorkers

        cluster = ClusterWorkers(scheduler, preload_for_build)  # before anything is written: an unreachable one is a usage error
    with cluster as workers:
        finish_build(lambda on_event: run_build(project, slugs, formats, page_size, jobs, on_event, cache_dir,
                                                workers=workers, shard=shard, inputs=inputs), told)


@main.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Also write the result as JSON.")
@format_option
@cache_dir_option
@project_option
def merge(folders: tuple[Path, ...], report: Path | None, told_as: str | None, cache_dir: Path | None,
          project: Path) -> None:
    """Join the shards' output folders (build --shard K/N) into output/.

    Then build the site and the booklets, which need every article."""
    from pipeline.build.merge import merge as run_merge

    told = Told(chosen_format(told_as), report, project, (), "merge")
    finish_build(lambda on_event: run_merge(project, list(folders), cache_dir, on_event), told)


@dataclass(frozen=True)
class Told:
    """How a build's account is told: its format, the JSON report, and what the findings need."""

    format: str
    report: Path | None
    project: Path
    names: tuple[str, ...]
    command: str = "build"  # or merge


def finish_build(run, told: Told) -> None:
    """Run a build with progress shown, print its account, and exit as its result says."""
    from pipeline.base.progress import progress_reporter
    from pipeline.output.writer import Busy

    say = human(told.format)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        with progress_reporter(err=told.format in DOCUMENTS) as on_event:
            result = run(on_event)
    except Busy as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        click.echo("build interrupted: finished outputs are kept and recorded; run publish build again", err=True)
        sys.exit(EXIT_INTERRUPTED)
    for diagnostic in result.diagnostics:
        say(str(diagnostic))
    written, kept = len(result.written), len(result.skipped)
    say(f"built {written} file{'s' * (written != 1)}, {kept} up to date, {len(result.failed)} failed")

    def findings():
        return build_findings(result, told.project, told.names, told.command)

    tell(findings, told.format, told.report)
    if result.bugs:
        report_bugs(click.get_current_context(), result.bugs)
        sys.exit(EXIT_BUG)
    sys.exit(EXIT_CONTENT if result.failed or has_errors(result.diagnostics) else EXIT_OK)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines see your drafts.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes kept warm (default: one per core).")
@cache_dir_option
@project_option
def serve(host: str, port: int, jobs: int | None, cache_dir: Path | None, project: Path) -> None:
    """Preview while you write: build, serve, rebuild and refresh on save."""
    from pipeline.preview.serve import serve as run_serve

    try:
        run_serve(project, host, port, jobs or os.cpu_count() or 1, cache_dir, click.echo)
    except KeyboardInterrupt:
        click.echo("stopped: every output is whole; the last build is recorded")


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Also write the result as JSON.")
@format_option
@cache_dir_option
@project_option
def verify(slugs: tuple[str, ...], report: Path | None, told_as: str | None, cache_dir: Path | None,
           project: Path) -> None:
    """Prove that every format says the same thing as the manuscript."""
    from pipeline.verify.run import verify as run_verify

    told_as, names = chosen_format(told_as), names_of(slugs)
    say = human(told_as)
    result = run_verify(project, names, cache_dir=cache_dir)
    for diagnostic in result.check.diagnostics:
        if diagnostic.severity == "error":
            say(str(diagnostic))
    for difference in result.differences:
        say(f"difference: {difference}")
    for article, reason in result.unverified.items():
        say(f"not verified {article}: {reason}")
    articles = len(result.seconds)
    say(f"verified {articles} article{'s' * (articles != 1)} in {len(result.comparisons)} outputs "
        f"({', '.join(sorted(result.formats))}): {result.elements_checked} elements checked, "
        f"{len(result.differences)} difference{'s' * (len(result.differences) != 1)}")

    def findings():
        return verify_findings(result, project, names)

    tell(findings, told_as, report)
    sys.exit(EXIT_CONTENT if result.differences or result.unverified else EXIT_OK)


@main.command()
@click.argument("slugs", nargs=-1, metavar="[NAME...]")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Also write the result as JSON.")
@format_option
@cache_dir_option
@project_option
def preflight(slugs: tuple[str, ...], report: Path | None, told_as: str | None, cache_dir: Path | None,
              project: Path) -> None:
    """Check press files and print editions as a print shop would.

    NAMEs are articles (their press files) or booklets (their print editions)."""
    from pipeline.review.preflight import preflight_project

    told_as, names = chosen_format(told_as), names_of(slugs)
    say = human(told_as)
    result = preflight_project(project, names, cache_dir)
    for diagnostic in result.diagnostics:
        say(str(diagnostic))
    errors = sum(d.severity == "error" for d in result.diagnostics)
    warnings = len(result.diagnostics) - errors
    files = len(result.files)
    say(f"preflighted {files} press file{'s' * (files != 1)}: "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")

    def findings():
        return preflight_findings(result, project, names)

    tell(findings, told_as, report)
    sys.exit(EXIT_CONTENT if has_errors(result.diagnostics) else EXIT_OK)


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--within", type=click.IntRange(min=0), help="Only articles due for review within DAYS days.",
              metavar="DAYS")
@click.option("--fail-overdue", is_flag=True, help="Exit 1 when any article is overdue for review (for CI).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Also write the result as JSON.")
@format_option
@project_option
def status(slugs: tuple[str, ...], within: int | None, fail_overdue: bool, report: Path | None, told_as: str | None,
           project: Path) -> None:
    """List each article's review date, days left and review state."""
    from pipeline.review.status import review_status, status_summary, status_table

    told_as, names = chosen_format(told_as), names_of(slugs)
    say = human(told_as)
    result = review_status(project, names, within=within)
    for diagnostic in result.diagnostics:
        say(str(diagnostic))
    for line in status_table(result.rows):
        say(line)
    say(status_summary(result.rows))

    def findings():
        return status_findings(result, fail_overdue, project, names)

    tell(findings, told_as, report)
    failed = bool(result.diagnostics) or (fail_overdue and bool(result.overdue))
    sys.exit(EXIT_CONTENT if failed else EXIT_OK)


@main.command()
@click.argument("names", nargs=-1, metavar="[NAME...]")
@click.option("--accept", is_flag=True,
              help="Record that the NAMEs (e.g. b12-diet.ar b12-diet.ur) now match their sources.")
@click.option("--fail-outdated", is_flag=True, help="Exit 1 when any translation is outdated or never accepted.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Also write the result as JSON.")
@format_option
@cache_dir_option
@project_option
def translations(names: tuple[str, ...], accept: bool, fail_outdated: bool, report: Path | None,
                 told_as: str | None, cache_dir: Path | None, project: Path) -> None:
    """Show each translation (or the NAMEs): up to date, outdated or never accepted."""
    from pipeline.review.translations import translation_status

    if accept and not names:
        raise click.UsageError("--accept needs the names of the translations to accept, e.g. b12-diet.ar")
    told_as, names = chosen_format(told_as), names_of(names)
    say = human(told_as)
    result = translation_status(project, names if accept else (), cache_dir, () if accept else names)
    for diagnostic in result.diagnostics:
        say(str(diagnostic))
    for name in result.accepted:
        say(f"accepted {name} (manuscripts/translations.lock)")
    width = max((len(row.name) for row in result.rows), default=0)
    for row in result.rows:
        say(f"{row.name:<{width}}  {result.langs[row.name]:<8}  {row.describe()}")
    current = sum(row.state == "up-to-date" for row in result.rows)
    say(f"{counted(result.rows)}: {current} up to date")

    def findings():
        return translations_findings(result, fail_outdated, project, () if accept else names)

    tell(findings, told_as, report)
    failed = bool(result.diagnostics) or (fail_outdated and current < len(result.rows))
    sys.exit(EXIT_CONTENT if failed else EXIT_OK)


@main.command()
@click.argument("name")
@click.option("--from", "start", metavar="REV", help="A version (3) or git revision; default: the previous version.")
@click.option("--to", "end", metavar="REV", help="A version or git revision; default: the working copy.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Also write the result as JSON.")
@project_option
def changes(name: str, start: str | None, end: str | None, report: Path | None, project: Path) -> None:
    """Show what changed in an article between two versions."""
    from pipeline.review.changes import ChangesError, article_changes

    try:
        result = article_changes(project, name, start, end)
    except ChangesError as error:
        click.echo(str(error))
        sys.exit(EXIT_CONTENT)
    click.echo(f"{result.name}: {result.before} → {result.after}")
    for change in result.changes:
        click.echo(str(change))
    count = len(result.changes)
    click.echo(f"{count} change{'s' * (count != 1)}")
    if report:
        write_report(report, {"article": result.name, "from": result.before, "to": result.after,
                              "changes": [change.as_dict() for change in result.changes]})


@main.command()
@click.argument("name")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Folder to write to (default: output/audit).")
@project_option
def audit(name: str, out: Path | None, project: Path) -> None:
    """Write an article's audit record as one HTML file."""
    from pipeline.review.audit import audit as write_audit
    from pipeline.review.changes import ChangesError

    try:
        path = write_audit(project, name, out)
    except ChangesError as error:
        click.echo(str(error))
        sys.exit(EXIT_CONTENT)
    shown = path.resolve().relative_to(project.resolve()) if path.resolve().is_relative_to(project.resolve()) else path
    click.echo(f"wrote {shown}")


@main.command()
@click.argument("slug")
@project_option
def new(slug: str, project: Path) -> None:
    """Start manuscripts/SLUG.md from a template to rewrite line by line."""
    from pipeline.source.scaffold import ScaffoldError, new_manuscript

    try:
        path = new_manuscript(project, slug)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"wrote {path.relative_to(project).as_posix()}")


@main.command()
@project_option
def clean(project: Path) -> None:
    """Empty output/."""
    from pipeline.output.writer import Busy, clean_output

    try:
        removed = clean_output(project)
    except Busy as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"removed {removed} item{'s' * (removed != 1)} from output/")


def counted(rows) -> str:
    """'3 translations', or '2 translations and 1 Easy Read edition' (an edition without a language of its own)."""
    from pipeline.output.layout import is_translation

    easy = sum(not is_translation(row.name) for row in rows)
    translated = len(rows) - easy
    said = f"{translated} translation{'s' * (translated != 1)}"
    return said + (f" and {easy} Easy Read edition{'s' * (easy != 1)}" if easy else "")


def interrupt(_signum, _frame) -> None:
    """SIGTERM (a cancelled CI job) stops a build the way Ctrl-C does."""
    raise KeyboardInterrupt


def write_report(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
