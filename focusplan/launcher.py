"""The `focusplan` program: read commands from the answer cache, and the cold writes, before click.

A status bar runs `focusplan now` every few seconds, scripts run `rank` and `list`;
click and the command modules cost about 40 ms before any command runs, the ranking
hundreds. So:

- `[--db PATH] now [--json] [--format FMT]` is answered from the frames of the last
  full answer while they still hold (`services.now_cache`);
- `[--db PATH] rank|list OPTIONS` is answered with the bytes the full command printed
  for the same question in the same minute while nothing it read changed
  (`services.read_commands`); on a miss the full command runs and its output is kept
  (for the `list` table of a file, `services.quick_list` prints the same lines from
  plain rows, without click or the models);
- `[--db PATH] add|done|energy|edit OPTIONS` in their plain forms run the click
  commands' bodies without click (`write_commands`).

Both keep their answers in `services.answer_cache` (FOCUSPLAN_NO_CACHE=1 turns it off).
In every other case, and whenever anything at all goes wrong on the way, the full
command line runs as usual.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

# typing's import is a tenth of the quick path; mypy reads this name as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from focusplan.services.read_commands import ReadRequest


def main() -> None:
    text = _quick(sys.argv[1:])
    if text is not None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
        sys.exit(0)
    code = run_write(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    request = _read_request(sys.argv[1:])
    if request is not None:
        from focusplan.services import read_commands

        database = _request_database(request)
        sys.exit(read_commands.answer(request, database, _runner(request, database)))
    from focusplan.cli import main as full_main

    full_main()


def run_full() -> int:
    """The full command line (sys.argv), through click; its exit code."""
    from focusplan.cli import run

    return run()


def _runner(request: ReadRequest, database: Path | None) -> Callable[[], int]:
    """What answers the read command when the answer cache does not: the full command
    line, or for the `list` table of a file, `services.quick_list` (the full command
    line where that cannot answer)."""
    if database is None or request.args not in (["list"], ["list", "--all"]):
        return run_full

    def run() -> int:
        from focusplan.services.quick_list import quick_list

        code = quick_list(database, show_all=request.args == ["list", "--all"])
        return run_full() if code is None else code

    return run


def run_write(argv: list[str]) -> int | None:
    """`add`, `done`, `energy` or `edit` run without click (`write_commands`): the exit
    code, or None when the command line is not one that path reads."""
    from focusplan.services.read_commands import split_db_option

    if split_db_option(argv)[1][:1] not in (["add"], ["done"], ["energy"], ["edit"]):
        return None  # nothing of that path for the read commands' quick answers to load
    from focusplan import startup, write_commands

    startup.configure()  # as the click command line does on import: before any model
    try:
        request = write_commands.parse(argv)
    except KeyboardInterrupt as exc:  # while reading a value, as click would report it
        from focusplan.cli.errors import exit_code_of

        return exit_code_of(exc, in_command=False)
    return None if request is None else write_commands.run(request)


def _read_request(argv: list[str]) -> ReadRequest | None:
    try:
        from focusplan.services import read_commands

        return read_commands.parse(argv)
    except Exception:  # the full path answers
        return None


def _request_database(request: ReadRequest) -> Path | None:
    """The database file the request reads (None: a server URL, or no file to key on)."""
    try:
        path = _database_file(request.db_option)
    except Exception:
        return None
    return path.absolute() if path is not None and path.is_file() else None


def _quick(argv: list[str]) -> str | None:
    try:
        return _quick_now(argv)
    except Exception:  # the full path answers, and reports whatever went wrong
        return None


def _quick_now(argv: list[str]) -> str | None:
    from focusplan.services.read_commands import split_db_option

    db, args = split_db_option(argv)
    if not args or args[0] != "now":
        return None
    as_json = False
    fmt: str | None = None
    rest = args[1:]
    while rest:
        option = rest.pop(0)
        if option == "--json":
            as_json = True
        elif option == "--format" and rest:
            fmt = rest.pop(0)
        elif option.startswith("--format="):
            fmt = option.removeprefix("--format=")
        else:
            return None
    path = _database_file(db)
    if path is None or not path.is_file():
        return None
    from focusplan import clock
    from focusplan.services import now_cache

    if fmt is not None:
        now_cache.check_format(fmt)  # a bad one is the full path's error to report
    now: dt.datetime = clock.now()
    return now_cache.quick_now(path.absolute(), now, as_json=as_json, fmt=fmt)


def _database_file(option: str | None) -> Path | None:
    chosen = option if option is not None else os.environ.get("FOCUSPLAN_DB")
    if chosen is not None:
        # The quick read (DataSource's) and the full store treat "~" and URL parameters
        # differently; which file such a name reads is the full path's to decide.
        if not chosen.strip() or "~" in chosen or "?" in chosen:
            return None
        if chosen.startswith("sqlite:///"):
            rest = chosen.removeprefix("sqlite:///")
            return Path(rest) if rest and rest != ":memory:" else None
        return None if "://" in chosen else Path(chosen)
    # config.default_database_path without platformdirs' import, where it is known.
    if sys.platform == "darwin":
        folder = Path.home() / "Library" / "Application Support" / "focusplan"
    elif sys.platform.startswith("linux"):
        base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local/share")
        folder = Path(base) / "focusplan"
    else:
        return None
    return folder / "focusplan.sqlite3"
