"""External signals on the command line: `now` (status bars), `remind` (a timer), `source`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from focusplan.cli.params import ID


def _source(ctx: click.Context):  # type: ignore[no-untyped-def]
    from focusplan.cli import _source as shared_source

    return shared_source(ctx)


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
