"""External signals on the command line: `now` (status bars), `remind` (a timer), `source`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from focusplan.cli.params import ID

if TYPE_CHECKING:
    from focusplan.domain import CalendarSource
    from focusplan.services.source import DataSource


def _source(ctx: click.Context) -> DataSource:
    from focusplan.cli.context import command_source

    return command_source(ctx)


def _now() -> dt.datetime:
    from focusplan import clock

    return clock.now()


@click.command()
@click.option("--json", "as_json", is_flag=True, help="The whole answer as JSON.")
@click.option(
    "--format",
    "fmt",
    metavar="FMT",
    help="The line with placeholders: {task} {minutes_left} {minutes_over} {next} {score} "
    "{block} {block_kind} {block_start} {block_end} {energy} {energy_source} {phase}.",
)
@click.pass_context
def now(ctx: click.Context, as_json: bool, fmt: str | None) -> None:
    """One line for a status bar: the focus session, or the best task now and the plan block.

    Fast: answered from a cache of the last full answer while nothing changed.
    """
    from focusplan.services import now_cache
    from focusplan.services.now import now_status

    if fmt is not None:
        try:
            now_cache.check_format(fmt)
        except now_cache.FormatProblem as exc:
            raise click.UsageError(str(exc)) from None
    status = now_status(_source(ctx), _now())
    if as_json:
        from focusplan.cli.render import echo_json

        echo_json(status)
    else:
        click.echo(now_cache.render(status, fmt))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print what was sent, as JSON.")
@click.option(
    "--install-timer",
    is_flag=True,
    help="Write a systemd user timer and service that run `remind` every minute.",
)
@click.pass_context
def remind(ctx: click.Context, as_json: bool, install_timer: bool) -> None:
    """Desktop notifications, for a timer once a minute: focus time is up, the break is
    over, a planned block starts. Each moment is announced once.

    Without a notification server (no session bus) the terminal bell rings instead.
    """
    import sys

    if install_timer:
        from focusplan.services.remind_timer import install_user_timer

        source = _source(ctx)
        for path in install_user_timer(source.location):
            click.echo(f"wrote {path}")
        click.echo(
            "enable it: systemctl --user daemon-reload && "
            "systemctl --user enable --now focusplan-remind.timer"
        )
        return
    from focusplan.services.remind import remind as run_remind

    sent = run_remind(_source(ctx), _now(), bell_stream=sys.stderr)
    if as_json:
        from focusplan.cli.render import echo_json

        echo_json([item.model_dump(mode="json") for item in sent])
        return
    from focusplan.text import clean_line

    for item in sent:
        click.echo(clean_line(f"sent ({item.channel}): {item.title} — {item.body}"))


@click.group()
def source() -> None:
    """Live calendars: a .ics file or a vdir folder (khal, vdirsyncer), re-read when changed."""


@source.command(name="add")
@click.argument("kind", type=click.Choice(["ics"]))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def source_add(ctx: click.Context, kind: str, path: Path, as_json: bool) -> None:
    """Add a calendar: a .ics file, or a folder of .ics files (one per event)."""
    from focusplan.services.calendar_sources import add_source

    added = add_source(_source(ctx), path, _now())
    if as_json:
        from focusplan.cli.render import echo_json

        echo_json(_source_json(added))
    else:
        click.echo(f"calendar source {added.id}: {added.events} events from {added.files} files")


@source.command(name="list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def source_list(ctx: click.Context, as_json: bool) -> None:
    """The live calendars, with their files and events."""
    from focusplan.services.calendar_sources import list_sources

    sources = list_sources(_source(ctx))
    if as_json:
        from focusplan.cli.render import echo_json

        echo_json([_source_json(item) for item in sources])
        return
    if not sources:
        click.echo("no calendar sources; add one: focusplan source add ics PATH")
    from focusplan.text import clean_line

    for item in sources:
        line = f"{item.id}  {item.kind}  {clean_line(item.path)}  {item.files} files, {item.events} events"
        if item.problem:
            line += f"  ({clean_line(item.problem)})"
        click.echo(line)


@source.command(name="remove")
@click.argument("source_id", metavar="ID", type=ID)
@click.pass_context
def source_remove(ctx: click.Context, source_id: int) -> None:
    """Forget a calendar and its events."""
    from focusplan.services.calendar_sources import remove_source

    gone = remove_source(_source(ctx), source_id)
    click.echo(f"removed calendar source {source_id} and its {gone} events")


def _source_json(item: CalendarSource) -> dict[str, object]:
    from focusplan.cli.render import iso

    return {
        "id": item.id,
        "kind": item.kind,
        "path": item.path,
        "files": item.files,
        "events": item.events,
        "added_at": iso(item.added_at),
        "checked_at": iso(item.checked_at),
        "problem": item.problem or None,
    }
