"""The database a command works on: one DataSource per command line, shared by its commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from focusplan.services.source import DataSource


def command_source(ctx: click.Context) -> DataSource:
    """The command line's DataSource (`--db`, FOCUSPLAN_DB, the data folder); its notices
    (a calendar folder that is not there) are printed as warnings when the command ends."""
    from focusplan.config import resolve_database
    from focusplan.services.source import DataSource

    root = ctx.find_root()
    obj = root.obj
    if obj.get("source") is None:
        source = DataSource(resolve_database(obj.get("db")))
        obj["source"] = source
        root.call_on_close(lambda: _print_notices(source))
        root.call_on_close(source.close)
    current: DataSource = obj["source"]
    return current


def _print_notices(source: DataSource) -> None:
    for notice in source.notices:
        click.echo(f"warning: {notice}", err=True)
