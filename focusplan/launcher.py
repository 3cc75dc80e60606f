"""The `focusplan` program: `now` answered from its cache before click is even imported.

A status bar runs `focusplan now` every few seconds; click and the command modules cost
about 40 ms before any command runs. When the command line is exactly
`[--db PATH] now [--json] [--format FMT]` and the cache of the last full answer still
holds (`services.now_cache`), the answer is printed from here; in every other case,
and whenever anything at all goes wrong on the way, the full command line runs as usual.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path


def main() -> None:
    text = _quick(sys.argv[1:])
    if text is not None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
        sys.exit(0)
    from focusplan.cli import main as full_main

    full_main()


def _quick(argv: list[str]) -> str | None:
    try:
        return _quick_now(argv)
    except Exception:  # the full path answers, and reports whatever went wrong
        return None


def _quick_now(argv: list[str]) -> str | None:
    args = list(argv)
    db: str | None = None
    if args and args[0].startswith("--db="):
        db = args.pop(0).removeprefix("--db=")
    elif len(args) >= 2 and args[0] == "--db":
        db = args[1]
        del args[:2]
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
        if not chosen.strip():
            return None
        if chosen.startswith("sqlite:///"):
            rest = chosen.removeprefix("sqlite:///").split("?", 1)[0]
            return Path(rest).expanduser() if rest and rest != ":memory:" else None
        return None if "://" in chosen else Path(chosen).expanduser()
    # config.default_database_path without platformdirs' import, where it is known.
    if sys.platform == "darwin":
        folder = Path.home() / "Library" / "Application Support" / "focusplan"
    elif sys.platform.startswith("linux"):
        base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local/share")
        folder = Path(base) / "focusplan"
    else:
        return None
    return folder / "focusplan.sqlite3"
