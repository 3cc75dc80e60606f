"""The `focusplan` command line (CLI.md is the contract; it only grows).

Commands import the services they need inside their bodies so that the cold
start of a quick command pays only for what it uses.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from focusplan import startup, write_actions
from focusplan.cli.errors import ReportingGroup, run_reporting_errors
from focusplan.cli.params import (
    CLEARABLE_WHEN,
    DATE,
    DEMAND,
    DUE,
    DURATION,
    ID,
    IMPORTANCE,
    LEVEL,
    RECUR,
    RECUR_FROM,
    WHEN,
    WINDOW,
)

if TYPE_CHECKING:
    from focusplan.services.source import DataSource

startup.configure()  # before any command's first model or matrix (startup.py says why)


def _now() -> dt.datetime:
    return write_actions.now()


def _source(ctx: click.Context) -> DataSource:
    from focusplan.cli.context import command_source

    return command_source(ctx)


@click.group(
    cls=ReportingGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    metavar="PATH_OR_URL",
    help="Database file or SQLAlchemy URL (default: FOCUSPLAN_DB, then your data folder).",
)
@click.version_option(package_name="focusplan")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """focusplan: plan your day around your energy, ranked by self-attention.

    With no command, opens the app.
    """
    ctx.ensure_object(dict)
    if db is not None and not db.strip():
        raise click.UsageError("--db is empty; give a database file or URL")
    ctx.obj["db"] = db
    if ctx.invoked_subcommand is None:
        _open_app(_source(ctx))


def _open_app(source: DataSource, *, demo: bool = False) -> None:
    try:
        from focusplan.tui.launch import run_app
    except ImportError as exc:  # pragma: no cover - only before the app is installed
        raise click.UsageError(f"the app is not available: {exc}") from None
    source.ensure_ready()  # fail on a bad path before the screen takes over
    run_app(source, demo=demo)


# --- tasks -----------------------------------------------------------------------------------


def _task_options(func: Any) -> Any:
    options = [
        click.option("--importance", type=IMPORTANCE, help="1 (trivial) … 5 (vital)."),
        click.option("--demand", type=DEMAND, help="How much energy it takes."),
        click.option("--estimate", type=DURATION, help="How long it takes: 90, 45m, 1h30m."),
        click.option(
            "--due", type=DUE, help="Deadline (WHEN; a day alone means its end: --due fri)."
        ),
        click.option(
            "--not-before", "not_before", type=CLEARABLE_WHEN, help="Not eligible before."
        ),
        click.option("--project", help="Project name."),
        click.option("--tag", "tags", multiple=True, help="A tag (repeatable)."),
        click.option(
            "--after", "after", type=ID, multiple=True, help="Depends on task ID (repeatable)."
        ),
        click.option("--window", type=WINDOW, help="Preferred part of the day."),
        click.option("--notes", help="Free text."),
        click.option(
            "--recur",
            type=RECUR,
            help="Repeat: daily, weekdays, weekly, monthly, yearly, every N days|weeks|months"
            ", 3d, 2w, 1m; done or dropped, it comes back on the next date (--recur '' stops).",
        ),
        click.option(
            "--recur-from",
            "recur_from",
            type=RECUR_FROM,
            help="Count the next due from the due (default) or from when it was done.",
        ),
        click.option(
            "--until",
            "recur_until",
            type=DUE,
            help="No repeat after this (WHEN; a day alone means its end).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@cli.command()
@click.argument("title", nargs=-1, required=True)
@_task_options
@click.option("--at", type=WHEN, help="When it was entered (default now).")
@click.option("--json", "as_json", is_flag=True, help='Print {"id": N}.')
@click.pass_context
def add(
    ctx: click.Context, title: tuple[str, ...], at: dt.datetime | None, as_json: bool, **fields: Any
) -> None:
    """Create a task; prints its id. The title needs no quotes: add Draft chapter 3."""
    _echo_lines(lambda: write_actions.add(lambda: _source(ctx), title, at, as_json, fields))


@cli.command()
@click.argument("task_id", metavar="ID", type=ID)
@click.option("--title", help="New title.")
@_task_options
@click.option("--json", "as_json", is_flag=True, help="Print the task as JSON.")
@click.pass_context
def edit(ctx: click.Context, task_id: int, title: str | None, as_json: bool, **fields: Any) -> None:
    """Change a task (only the options given). `--due none` clears a date."""
    fields["_due_given"] = _given(ctx, "due")
    fields["_not_before_given"] = _given(ctx, "not_before")
    fields["_recur_until_given"] = _given(ctx, "recur_until")
    _echo_lines(lambda: write_actions.edit(lambda: _source(ctx), task_id, title, as_json, fields))


def _echo_lines(action: Callable[[], list[str]]) -> None:
    """Print what a write action returns; its UsageProblem is this command's usage error."""
    try:
        lines = action()
    except write_actions.UsageProblem as exc:
        raise click.UsageError(str(exc)) from None
    for line in lines:
        click.echo(line)


def _given(ctx: click.Context, name: str) -> bool:
    return ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE


def _print_task(task: Any, as_json: bool) -> None:
    click.echo(write_actions.task_lines(task, as_json))


@cli.command()
@click.argument("task_id", metavar="ID", type=ID)
@click.option("--at", type=WHEN, help="When it was dropped (default now).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def drop(ctx: click.Context, task_id: int, at: dt.datetime | None, as_json: bool) -> None:
    """Drop a task (it stays in history)."""
    from focusplan.services.tasks import drop_task

    task, _ = drop_task(_source(ctx), task_id, at or _now())
    _print_task(task, as_json)


@cli.command()
@click.argument("task_id", metavar="ID", type=ID)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def reopen(ctx: click.Context, task_id: int, as_json: bool) -> None:
    """Reopen a done or dropped task."""
    from focusplan.services.tasks import reopen_task

    task, _ = reopen_task(_source(ctx), task_id)
    _print_task(task, as_json)


@cli.command(name="list")
@click.option("--all", "show_all", is_flag=True, help="Every status, not only open tasks.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_command(ctx: click.Context, show_all: bool, as_json: bool) -> None:
    """Open tasks (`--all`: every status)."""
    from focusplan.cli.render import echo_json, print_tasks
    from focusplan.services.tasks import list_tasks

    tasks = list_tasks(_source(ctx), None if show_all else ("open",))
    if as_json:
        # Only here: the exchange package loads every format, which the table never needs.
        from focusplan.exchange.json_backup import task_to_json

        echo_json([task_to_json(task) for task in tasks])
    else:
        print_tasks(tasks, _now())


@cli.command()
@click.argument("task_id", metavar="ID", type=ID)
@click.option("--at", type=WHEN, help="When it was finished (default now).")
@click.option(
    "--minutes", type=click.IntRange(0, 7 * 24 * 60), help="Minutes it took (actual effort)."
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def done(
    ctx: click.Context, task_id: int, at: dt.datetime | None, minutes: int | None, as_json: bool
) -> None:
    """Complete a task."""
    _echo_lines(lambda: write_actions.done(lambda: _source(ctx), task_id, at, minutes, as_json))


# --- energy and focus --------------------------------------------------------------------------


@cli.command()
@click.argument("level", type=LEVEL)
@click.option("--at", type=WHEN, help="When you felt it (default now).")
@click.option("--note", default="", help="A word on why.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def energy(
    ctx: click.Context, level: int, at: dt.datetime | None, note: str, as_json: bool
) -> None:
    """Log energy: 1 (drained) … 5 (peak)."""
    _echo_lines(lambda: write_actions.energy(lambda: _source(ctx), level, at, note, as_json))


@cli.group()
def focus() -> None:
    """Focus sessions: one task at a time."""


@focus.command(name="start")
@click.argument("task_id", metavar="ID", type=ID)
@click.option("--at", type=WHEN, help="When it started (default now).")
@click.pass_context
def focus_start(ctx: click.Context, task_id: int, at: dt.datetime | None) -> None:
    """Start a focus session on a task."""
    from focusplan.services.focus import start_focus

    started = start_focus(_source(ctx), task_id, at or _now())
    click.echo(f"focusing on task {started.session.task_id} since {started.session.start:%H:%M}")


@focus.command(name="stop")
@click.option("--at", type=WHEN, help="When it ended (default now).")
@click.option("--done", "mark_done", is_flag=True, help="The task is finished too.")
@click.option("--interrupted", is_flag=True, help="The session was cut short.")
@click.pass_context
def focus_stop(
    ctx: click.Context, at: dt.datetime | None, mark_done: bool, interrupted: bool
) -> None:
    """Stop the running focus session."""
    from focusplan.services.focus import stop_focus
    from focusplan.timeparse import format_duration

    when = at or _now()
    stopped = stop_focus(_source(ctx), when, done=mark_done, interrupted=interrupted)
    session = stopped.session
    click.echo(
        f"focused {format_duration(session.minutes(when))} on task {session.task_id}"
        + (" and finished it" if stopped.completed else "")
    )


@focus.command(name="status")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def focus_status(ctx: click.Context, as_json: bool) -> None:
    """The running focus session, if any."""
    from focusplan.cli.render import echo_json, iso
    from focusplan.services.focus import active_session
    from focusplan.timeparse import format_duration

    session = active_session(_source(ctx))
    if as_json:
        echo_json(
            None
            if session is None
            else {"id": session.id, "task_id": session.task_id, "start": iso(session.start)}
        )
    elif session is None:
        click.echo("no focus session running")
    else:
        click.echo(f"task {session.task_id} for {format_duration(session.minutes(_now()))}")


# --- ranking ---------------------------------------------------------------------------------


@cli.command()
@click.option("--at", type=WHEN, help="The moment to rank for (default now).")
@click.option("--energy", "energy_level", type=click.FloatRange(1, 5), help="Override energy.")
@click.option("--limit", type=click.IntRange(min=1), help="Show the best N only.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--explain", is_flag=True, help="Per-feature contributions to each score.")
@click.pass_context
def rank(
    ctx: click.Context,
    at: dt.datetime | None,
    energy_level: float | None,
    limit: int | None,
    as_json: bool,
    explain: bool,
) -> None:
    """What to do now: the attention ranking."""
    from focusplan.services.ranking import rank_at

    # The readable table shows each task's top reasons, so it always explains.
    ranking = rank_at(
        _source(ctx),
        at or _now(),
        energy_override=energy_level,
        explain=explain or not as_json,
        limit=limit,
    )
    if as_json:
        from focusplan.cli.render import echo_json, ranking_json

        echo_json(ranking_json(ranking, explain))
    else:
        from focusplan.cli.render import print_ranking

        print_ranking(ranking, explain=explain)


# --- weights ---------------------------------------------------------------------------------


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def weights(ctx: click.Context, as_json: bool) -> None:
    """The model's named weights (active version)."""
    if ctx.invoked_subcommand is not None:
        return
    from focusplan.cli.render import echo_json, print_weights, weights_json
    from focusplan.services.weights import active_weights

    active = active_weights(_source(ctx))
    if as_json:
        echo_json(weights_json(active))
    else:
        print_weights(active)


@weights.command(name="history")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def weights_history(ctx: click.Context, as_json: bool) -> None:
    """Every version, newest last; `*` marks the active one."""
    from focusplan.cli.render import echo_json, print_history, weights_json
    from focusplan.services.weights import weights_history

    history = weights_history(_source(ctx))
    if as_json:
        echo_json([weights_json(version) for version in history])
    else:
        print_history(history)


@weights.command(name="rollback")
@click.argument("version", type=ID)
@click.pass_context
def weights_rollback(ctx: click.Context, version: int) -> None:
    """Make an earlier version active again."""
    from focusplan.services.weights import rollback_weights

    active, _ = rollback_weights(_source(ctx), version)
    click.echo(f"weights version {active.version} is active")


# --- exchange --------------------------------------------------------------------------------


@cli.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(
        ["json", "taskwarrior", "todotxt", "ics", "energy-csv", "sleep-csv", "apple-health"]
    ),
    help="Guessed from the file when omitted.",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def import_command(ctx: click.Context, file: Path, fmt: str | None, as_json: bool) -> None:
    """Import a file, all or nothing."""
    from focusplan.services.exchange import import_file, read_import

    if fmt == "apple-health" or (fmt is None and _looks_like_apple_health(file)):
        # Real exports are hundreds of MB: streamed from the file, never read whole.
        from focusplan.services.sleep_import import import_apple_health

        _print_import(import_apple_health(_source(ctx), file), as_json)
        return
    if str(file) == "-":
        data, name = read_import(None, sys.stdin.buffer), "-"
    else:
        data, name = read_import(file), file.name
    summary = import_file(_source(ctx), data, fmt, filename=name, now=_now())
    _print_import(summary, as_json)


def _looks_like_apple_health(file: Path) -> bool:
    from focusplan.exchange.apple_health import looks_like_apple_health

    return str(file) != "-" and looks_like_apple_health(file)


def _print_import(summary: Any, as_json: bool) -> None:
    if as_json:
        from focusplan.cli.render import echo_json

        echo_json(summary.model_dump(mode="json"))
    else:
        from focusplan.cli.render import echo_text

        echo_text(summary.line())
        for note in summary.notes:
            echo_text(f"note: {note}")


@cli.command()
@click.argument("fmt", metavar="ics|csv|json|md", type=click.Choice(["ics", "csv", "json", "md"]))
@click.option("--date", "day", type=DATE, help="One day's plan.")
@click.option("--week-of", "week_of", type=DATE, help="The plans of that day's week.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file."
)
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    day: dt.date | None,
    week_of: dt.date | None,
    output: Path | None,
) -> None:
    """Export a plan; `export json` without a date is a full backup."""
    from focusplan.services.exchange import export_backup, export_plans

    if day is not None and week_of is not None:
        raise click.UsageError("give --date or --week-of, not both")
    source = _source(ctx)
    if fmt == "json" and day is None and week_of is None:
        text: str | bytes = export_backup(source)
    else:
        text = export_plans(source, fmt, day=day, week_of=week_of, now=_now())
    _write_output(text, output, source.path)


def _write_output(text: str | bytes, output: Path | None, database: Path | None) -> None:
    data = text.encode() if isinstance(text, str) else text
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from focusplan.services.exchange import write_private

    write_private(output, data, database=database)
    click.echo(f"wrote {output}", err=True)


# --- the plan --------------------------------------------------------------------------------


@cli.command()
@click.option("--date", "day", type=DATE, help="The day to plan (default today).")
@click.option("--replan", is_flag=True, help="Plan again from now, keeping what already happened.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def plan(ctx: click.Context, day: dt.date | None, replan: bool, as_json: bool) -> None:
    """The day plan: focus blocks and breaks around your calendar.

    The stored plan is shown while nothing it was made from changed; after a task,
    an event or a setting changed it is planned again from now (what already
    happened stays), as the app's Plan screen does.
    """
    from focusplan.planner import WorkingDay
    from focusplan.services.planning import default_plan_day, plan_day_for
    from focusplan.settings import load_settings

    now = _now()
    result = plan_day_for(_source(ctx), day or now.date(), now=now, replan=replan)
    if as_json:
        from focusplan.cli.render import echo_json
        from focusplan.exchange import plan_json

        echo_json(plan_json(result))
    else:
        from focusplan.cli.render import print_plan

        print_plan(result)
        if day is None:
            # Today stays the default (the contract); say where the next plan is.
            upcoming = default_plan_day(now, WorkingDay.from_settings(load_settings()))
            if upcoming != now.date():
                click.echo(
                    f"today's working hours are over: focusplan plan --date {upcoming} "
                    "shows the next working day",
                    err=True,
                )


# --- review ----------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--week-of", "week_of", type=DATE, help="A day in the week to review (default: this week)."
)
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--apply", "apply_suggestion", is_flag=True, help="Accept the reweighting suggestion."
)
@click.pass_context
def review(
    ctx: click.Context, week_of: dt.date | None, as_json: bool, apply_suggestion: bool
) -> None:
    """The weekly review and its reweighting suggestion."""
    from focusplan.services.reviewing import review_week

    now = _now()
    report = review_week(_source(ctx), week_of or now.date(), now=now, apply=apply_suggestion)
    if as_json:
        from focusplan.bulk import collector_paused
        from focusplan.cli.render import echo_json
        from focusplan.cli.review_render import review_json

        # Tens of thousands of overdue and stale tasks at 100,000 open: no cyclic
        # collection scanning them all while their JSON is built.
        with collector_paused():
            echo_json(review_json(report))
    else:
        from focusplan.cli.render import echo_text
        from focusplan.cli.review_render import review_text

        echo_text(review_text(report))


# --- db --------------------------------------------------------------------------------------


@cli.group(name="db")
def db_group() -> None:
    """The database as a whole: moving it to another one."""


@db_group.command(name="copy")
@click.option(
    "--to",
    "to",
    required=True,
    metavar="PATH_OR_URL",
    help="Where to copy it: a file or a URL such as postgresql://user@host/focusplan.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Empty the target first if it already holds data (everything in it is lost).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the rows copied per table.")
@click.pass_context
def db_copy(ctx: click.Context, to: str, replace: bool, as_json: bool) -> None:
    """Copy the whole database (every table, history included) into another one."""
    from focusplan.services.db_copy import copy_database

    outcome = copy_database(_source(ctx), to, replace=replace)
    if as_json:
        from focusplan.cli.render import echo_json

        echo_json({"target": outcome.target, "rows": outcome.rows, "replaced": outcome.replaced})
        return
    total = sum(outcome.rows.values())
    tasks = outcome.rows.get("tasks", 0)
    click.echo(f"copied {total} rows ({tasks} tasks) into {outcome.target}")


# --- demo ------------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the demo database here instead of a throwaway file.",
)
@click.option("--no-app", is_flag=True, help="Only build the database and print its path.")
def demo(path: Path | None, no_app: bool) -> None:
    """Open the app on a fresh database: a sample person's last five weeks and backlog."""
    import tempfile

    from focusplan.demo import build_demo
    from focusplan.services.source import DataSource

    if path is None:
        folder = Path(tempfile.mkdtemp(prefix="focusplan-demo-"))
        path = folder / "demo.sqlite3"
    elif path.exists():
        raise click.UsageError(f"{path} exists; the demo builds a fresh database")
    # The sample person works whichever day the demo is tried, so Plan is never empty.
    os.environ.setdefault("FOCUSPLAN_WORK_DAYS", "[0, 1, 2, 3, 4, 5, 6]")
    source = DataSource(str(path))
    build_demo(source, now=_now())
    if no_app:
        click.echo(path)
        return
    _open_app(source, demo=True)


def run(argv: list[str] | None = None) -> int:
    """Run one command line and return its exit code (errors already reported)."""
    return run_reporting_errors(
        lambda: cli.main(args=argv, standalone_mode=False, prog_name="focusplan")
    )


def main() -> None:
    sys.exit(run())


# --- external signals: now, remind, source (focusplan/cli/signals.py) --------------------------


def _register_signal_commands() -> None:
    from focusplan.cli import signals

    cli.add_command(signals.now)
    cli.add_command(signals.remind)
    cli.add_command(signals.source)


_register_signal_commands()
