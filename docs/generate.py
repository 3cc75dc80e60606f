"""Write docs/cli.md and docs/keys.md from the code itself.

    .venv/bin/python docs/generate.py          # rewrite both files
    .venv/bin/python docs/generate.py --check  # exit 1 if either is out of date

The command reference is read from the click commands (their usage, help and
options, as `focusplan COMMAND --help` prints them); the keys from the app's
bindings, through the same `key_map` that builds the help screen and the command
palette. tests/tui/test_docs.py fails when a file differs from what this writes,
so a new option or key cannot be left out of the docs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import click

HERE = Path(__file__).resolve().parent
CLI_FILE = HERE / "cli.md"
KEYS_FILE = HERE / "keys.md"
REGENERATE = "`.venv/bin/python docs/generate.py`"


def cli_reference() -> str:
    from focusplan.cli import cli

    lines = [
        "# focusplan command line",
        "",
        f"Generated from the commands themselves by {REGENERATE}; a test keeps it equal.",
        "`focusplan COMMAND --help` prints the same.",
        "",
        "Times (`WHEN`) are typed as people say them: `now`, `17:00`, `9am`, `3pm`, `noon`,",
        "`today 17:00`, `tomorrow`, `tmrw`, `fri`, `fri 5pm`, `next monday`, `Dec 3`, `3 dec`,",
        "`+3d`, `in 2h`, `in 3 days`, `eod` (end of today's working day), `eow` (end of the",
        "working week), or ISO 8601 (`2026-11-23T09:00`). A day alone is the start of that",
        "day, except for `--due`, where it is the end of it. Durations (`DUR`): `90`, `90m`,",
        '`45m`, `2h`, `1h30`, `1h30m`, `1.5h`, `1:30`. An empty value (`--project ""`)',
        "clears a field.",
        "",
        "Errors are one line on stderr starting `error:`; the exit code is 2 for bad input",
        "(an unknown id, a bad date) and 1 for the environment (a locked, full, read-only",
        "or damaged database). A command that fails leaves the database as it was.",
        "",
        "## Contents",
        "",
    ]
    commands = list(_walk(cli, "focusplan", None))
    for name, command, _ in commands:
        lines.append(f"- [`{name}`](#{_anchor(name)}) — {command.get_short_help_str(80)}")
    lines.append("")
    for name, command, ctx in commands:
        lines += _command_section(name, command, ctx)
    return "\n".join(lines).rstrip() + "\n"


def _walk(
    command: click.Command, name: str, parent: click.Context | None
) -> Iterator[tuple[str, click.Command, click.Context]]:
    ctx = click.Context(
        command, info_name=name.rpartition(" ")[2], parent=parent, **command.context_settings
    )
    yield name, command, ctx
    if isinstance(command, click.Group):
        for sub_name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, sub_name)
            if sub is not None and not sub.hidden:
                yield from _walk(sub, f"{name} {sub_name}", ctx)


def _anchor(name: str) -> str:
    return name.replace(" ", "-")


def _command_section(name: str, command: click.Command, ctx: click.Context) -> list[str]:
    usage = " ".join(command.collect_usage_pieces(ctx))
    lines = [f"## {name}", "", "```", f"{name} {usage}".rstrip(), "```", ""]
    help_text = (command.help or "").strip()
    if help_text:
        lines += [_unwrap(help_text), ""]
    rows = [
        record
        for param in command.get_params(ctx)
        if isinstance(param, click.Option) and (record := param.get_help_record(ctx))
    ]
    if rows:
        lines += ["| option | what it does |", "|---|---|"]
        for opts, text in rows:
            cell = " ".join(text.split()).replace("|", "\\|")
            lines.append(f"| `{opts.replace('|', chr(92) + '|')}` | {cell} |")
        lines.append("")
    return lines


def _unwrap(text: str) -> str:
    """Click's help paragraphs, each on one line (Markdown wraps them again)."""
    paragraphs = [" ".join(part.split()) for part in text.replace("\b\n", "").split("\n\n")]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def keys_reference() -> str:
    from focusplan.services.source import DataSource
    from focusplan.tui.app import FocusplanApp

    # Never run, so never opened: help_sections only reads the bindings of the classes.
    app = FocusplanApp(DataSource(str(HERE / "never-opened.sqlite3")), watch_changes=False)
    lines = [
        "# focusplan app keys",
        "",
        f"Generated from the app's bindings by {REGENERATE}, the same way the help (`?`)",
        "and the command palette (`ctrl+p`, every action by name) are built.",
        "",
    ]
    for title, rows in app.help_sections():
        lines += [f"## {title}", "", "| key | what it does |", "|---|---|"]
        for key, text in rows:
            shown = ", ".join(f"`{part}`" for part in key.split(", ")) if key else ""
            lines.append(f"| {shown} | {text.replace('|', chr(92) + '|')} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = parser.parse_args(argv)
    stale = []
    for path, text in ((CLI_FILE, cli_reference()), (KEYS_FILE, keys_reference())):
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        names = ", ".join(path.name for path in stale)
        print(f"out of date: {names} (run {REGENERATE})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
