"""`add`, `done`, `energy` and `edit` run by the launcher without click.

click and the command modules are a tenth of a cold write. The command lines people
and scripts type most are read here instead, in a deliberately narrow form:

    [--db PATH] add WORD... | edit ID | done ID | energy LEVEL   [--option VALUE | --flag]...

with only the options listed below, each at most once (`--tag` and `--after` repeat),
values in their plain forms and never starting with "-". Anything else (help, `--x=y`,
an unknown or repeated option, `--recur`, a value click would refuse or could read
otherwise) returns None from `parse`, and the full command line runs through click,
which answers it as it always has: usage errors, help and exit codes come from one place.

What a parsed command does and prints is `write_actions`, the bodies of the click
commands; what an error prints and exits with is `cli.errors`, loaded only then.
"""

from __future__ import annotations

import codecs
import os
import sys

# typing's import is a tenth of the quick path; mypy reads this name as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from focusplan.services.source import DataSource

# Value kinds: how the text after an option is read (option_values, as cli/params does).
TEXT, FLAG, WHEN, CLEARABLE_WHEN, DUE, DURATION, TASK_ID, LEVEL, MINUTES = range(9)
# The choices click reads case-insensitively; the exact lowercase words only here.
_CHOICES = {
    "--demand": ("low", "medium", "high"),
    "--window": ("morning", "afternoon", "evening", "none"),
}
_REPEATED = frozenset({"--tag", "--after"})

_TASK_OPTIONS: dict[str, tuple[str, int]] = {
    "--importance": ("importance", LEVEL),
    "--demand": ("demand", TEXT),
    "--estimate": ("estimate", DURATION),
    "--due": ("due", DUE),
    "--not-before": ("not_before", CLEARABLE_WHEN),
    "--project": ("project", TEXT),
    "--tag": ("tags", TEXT),
    "--after": ("after", TASK_ID),
    "--window": ("window", TEXT),
    "--notes": ("notes", TEXT),
}
# The click commands' parameters that are not options here (always None when not given).
_TASK_FIELDS_UNSET = ("recur", "recur_from", "recur_until")

# command: (what its arguments are, its options)
COMMANDS: dict[str, tuple[int | None, dict[str, tuple[str, int]]]] = {
    "add": (None, {**_TASK_OPTIONS, "--at": ("at", WHEN), "--json": ("as_json", FLAG)}),
    "edit": (
        TASK_ID,
        {**_TASK_OPTIONS, "--title": ("title", TEXT), "--json": ("as_json", FLAG)},
    ),
    "done": (
        TASK_ID,
        {"--at": ("at", WHEN), "--minutes": ("minutes", MINUTES), "--json": ("as_json", FLAG)},
    ),
    "energy": (
        LEVEL,
        {"--at": ("at", WHEN), "--note": ("note", TEXT), "--json": ("as_json", FLAG)},
    ),
}
_LARGEST_ID = 2**63 - 1  # cli/params.IdType's bound
_MOST_MINUTES = 7 * 24 * 60  # `done --minutes`' bound


class _NotHere(Exception):
    """A command line this path does not read: click reads it."""


class WriteRequest:
    """A command line as read: the command, `--db`, its argument, words and option values."""

    def __init__(self, command: str, db: str | None) -> None:
        self.command = command
        self.db = db
        self.argument: Any = None
        self.words: list[str] = []
        self.values: dict[str, Any] = {}


def parse(argv: list[str]) -> WriteRequest | None:
    """The command line read as click reads it, or None when click must read it."""
    try:
        return _parse(argv)
    except Exception:  # a value click refuses (or reads otherwise): its error to report
        return None


def _parse(argv: list[str]) -> WriteRequest | None:
    from focusplan.services.read_commands import split_db_option

    db, args = split_db_option(argv)
    if not args or args[0] not in COMMANDS or (db is not None and not db.strip()):
        return None
    if "_FOCUSPLAN_COMPLETE" in os.environ or not _plain_stdout():
        return None  # click's shell completion; click's own text streams
    argument_kind, options = COMMANDS[args[0]]
    request = WriteRequest(args[0], db)
    seen: set[str] = set()
    rest = args[1:]
    while rest:
        token = rest.pop(0)
        if not token.startswith("-"):
            request.words.append(token)
            continue
        if token not in options or (token in seen and token not in _REPEATED):
            return None
        seen.add(token)
        name, kind = options[token]
        if kind == FLAG:
            request.values[name] = True
            continue
        if not rest or rest[0].startswith("-"):
            return None
        value = _value(kind, rest.pop(0), token)
        if token in _REPEATED:
            request.values.setdefault(name, []).append(value)
        else:
            request.values[name] = value
    if argument_kind is None:
        return request if request.words else None
    if len(request.words) != 1:
        return None
    request.argument = _value(argument_kind, request.words[0], None)
    return request


def _plain_stdout() -> bool:
    # click.echo writes to sys.stdout as it is when its encoding is UTF-8.
    encoding = getattr(sys.stdout, "encoding", None)
    return isinstance(encoding, str) and codecs.lookup(encoding).name == "utf-8"


def _value(kind: int, text: str, option: str | None) -> Any:
    from focusplan import option_values

    if option in _CHOICES:
        if text not in _CHOICES[option]:
            raise _NotHere(option)
        return text
    if kind == TEXT:
        return text
    if kind in (TASK_ID, LEVEL, MINUTES):
        if not (text.isascii() and text.isdigit()):
            raise _NotHere(text)
        number = int(text)
        low, high = {TASK_ID: (1, _LARGEST_ID), LEVEL: (1, 5), MINUTES: (0, _MOST_MINUTES)}[kind]
        if not low <= number <= high:
            raise _NotHere(text)
        return number
    if kind == DURATION:
        return option_values.duration_value(text)
    return option_values.when_value(
        text, clearable=kind in (CLEARABLE_WHEN, DUE), deadline=kind == DUE
    )


def run(request: WriteRequest) -> int:
    """Carry the command out and print what the click command prints; its exit code."""
    from focusplan import write_actions

    sources: list[DataSource] = []

    def source() -> DataSource:
        from focusplan.config import resolve_database
        from focusplan.services.source import DataSource

        if not sources:
            sources.append(DataSource(resolve_database(request.db)))
        return sources[0]

    values = request.values
    try:
        try:
            if request.command == "add":
                lines = write_actions.add(
                    source,
                    tuple(request.words),
                    values.get("at"),
                    "as_json" in values,
                    _task_fields(values),
                )
            elif request.command == "edit":
                fields = _task_fields(values)
                for name in ("due", "not_before", "recur_until"):
                    fields[f"_{name}_given"] = name in values
                lines = write_actions.edit(
                    source, request.argument, values.get("title"), "as_json" in values, fields
                )
            elif request.command == "done":
                lines = write_actions.done(
                    source,
                    request.argument,
                    values.get("at"),
                    values.get("minutes"),
                    "as_json" in values,
                )
            else:
                lines = write_actions.energy(
                    source,
                    request.argument,
                    values.get("at"),
                    values.get("note", ""),
                    "as_json" in values,
                )
            for line in lines:
                _echo(line)
        finally:
            _print_notices(sources)
    except BaseException as exc:  # the contract: never a traceback
        from focusplan.cli.errors import exit_code_of

        return exit_code_of(exc)
    return 0


def _task_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments the click command's body gets for the task options."""
    fields: dict[str, Any] = {name: None for name in _TASK_FIELDS_UNSET}
    for name, _ in _TASK_OPTIONS.values():
        fields[name] = values.get(name)
    fields["tags"] = tuple(values.get("tags", ()))
    fields["after"] = tuple(values.get("after", ()))
    return fields


def _echo(text: str, *, err: bool = False) -> None:
    if "\x1b" in text:  # never, by construction; click.echo would strip it off a pipe
        import click

        click.echo(text, err=err)
        return
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def _print_notices(sources: list[DataSource]) -> None:
    # What cli/context.py prints when the command line's context closes.
    for source in sources:
        for notice in source.notices:
            _echo(f"warning: {notice}", err=True)
