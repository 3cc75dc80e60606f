"""Choosing a reader and holding every reader to the import contract.

The contract (CLI.md `import`): all or nothing, and for any bytes at all either a complete
`ImportBundle` or an `ImportFormatError` with a one-line message; never another exception.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import PurePath

from focusplan import clock
from focusplan.bulk import collector_paused

from .apple_health import parse_apple_health
from .bundle import MAX_IMPORT_BYTES, ImportBundle, ImportFormatError
from .energy_csv import parse_energy_csv
from .fields import ReadContext, clean_line, decode_text
from .ics_import import parse_ics
from .json_backup import parse_backup
from .sleep_csv import parse_sleep_csv
from .taskwarrior import parse_taskwarrior
from .todotxt import parse_todotxt

IMPORT_FORMATS = (
    "json",
    "taskwarrior",
    "todotxt",
    "ics",
    "energy-csv",
    "sleep-csv",
    "apple-health",
)
DEFAULT_RANGE_BEFORE = dt.timedelta(days=7)
DEFAULT_RANGE_AFTER = dt.timedelta(days=60)
# Calendar expansion is bounded by the range: a caller may widen it, up to this.
MAX_RANGE = dt.timedelta(days=2 * 366)

_ALIASES = {
    "backup": "json",
    "focusplan": "json",
    "task": "taskwarrior",
    "tw": "taskwarrior",
    "todo.txt": "todotxt",
    "todo": "todotxt",
    "txt": "todotxt",
    "ical": "ics",
    "icalendar": "ics",
    "ifb": "ics",
    "csv": "energy-csv",
    "energy": "energy-csv",
    "energycsv": "energy-csv",
    "energy_csv": "energy-csv",
    "sleep": "sleep-csv",
    "sleep_csv": "sleep-csv",
    "apple": "apple-health",
    "health": "apple-health",
    "apple_health": "apple-health",
}
_EXTENSIONS = {
    ".ics": "ics",
    ".ical": "ics",
    ".icalendar": "ics",
    ".ifb": "ics",
    ".csv": "energy-csv",
    ".txt": "todotxt",
    ".todo": "todotxt",
}


_READERS: dict[str, Callable[[str, ReadContext], ImportBundle]] = {
    "json": parse_backup,
    "taskwarrior": parse_taskwarrior,
    "todotxt": parse_todotxt,
    "ics": parse_ics,
    "energy-csv": parse_energy_csv,
    "sleep-csv": parse_sleep_csv,
    "apple-health": parse_apple_health,
}
_CSV_ROW = re.compile(r"^\s*\"?\d{4}-\d{2}-\d{2}[^,;\t]*\"?\s*[,;\t]\s*\"?[+]?\d")
_CSV_HEADER = re.compile(r"^\s*\"?(timestamp|time|at|datetime|date)\"?\s*[,;\t]", re.IGNORECASE)
# Two times a row (start,end), or a header that says so: sleep, not energy.
_SLEEP_ROW = re.compile(r"^\s*\"?\d{4}-\d{2}-\d{2}[^,;\t]*\"?\s*[,;\t]\s*\"?\d{4}-\d{2}-\d{2}")
_SLEEP_HEADER = re.compile(r"^\s*\"?(start|from|sleep.?start)\"?\s*[,;\t]", re.IGNORECASE)
_GUESS_HELP = f"pass the format ({', '.join(IMPORT_FORMATS)})"


def normalise_format(fmt: str) -> str:
    """The canonical name of an import format, accepting a few common aliases."""
    name = fmt.strip().lower()
    name = _ALIASES.get(name, name)
    if name not in _READERS:
        raise ImportFormatError(
            f"unknown import format {fmt.strip()[:40]!r}; expected one of {', '.join(IMPORT_FORMATS)}"
        )
    return name


def _json_flavour(head: str, data: bytes) -> str:
    """Taskwarrior writes an array (or objects one per line, or one task over several lines,
    as people write for `task import`); a backup is one object."""
    if head.startswith("["):
        return "taskwarrior"
    first_line = head.split("\n", 1)[0].strip().rstrip(",")
    try:
        item = json.loads(first_line)
    except (ValueError, RecursionError):
        try:
            item = json.loads(data.decode("utf-8-sig", errors="replace"))
        except (ValueError, RecursionError):
            return "json"
    if isinstance(item, dict) and "description" in item and "tasks" not in item:
        return "taskwarrior"
    return "json"


def guess_format(data: bytes, filename: str | None = None) -> str:
    """The import format of a file, from a calendar header, its extension, then its content.

    The extension wins over the content (a todo.txt line may start with "["), except for a
    calendar, which says what it is on its first line. Raises ImportFormatError when nothing
    tells: a plain text file is only taken for todo.txt when its name says so, otherwise any
    text would become tasks.
    """
    head = data[:4096].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if head[:15].upper() == "BEGIN:VCALENDAR":
        return "ics"
    suffix = PurePath(filename).suffix.lower() if filename else ""
    first_line = next((line for line in head.splitlines() if line.strip()), "")
    if suffix in (".csv", "") and (_SLEEP_ROW.match(first_line) or _SLEEP_HEADER.match(first_line)):
        return "sleep-csv"
    if "<HealthData" in head:
        return "apple-health"
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if head.startswith(("[", "{")):
        return _json_flavour(head, data)
    first_line = next((line for line in head.splitlines() if line.strip()), "")
    if _CSV_ROW.match(first_line) or _CSV_HEADER.match(first_line):
        return "energy-csv"
    if suffix == ".json":
        return "json"  # broken JSON: let the reader say where it breaks
    name = f" of {clean_line(PurePath(filename).name)[:60]!r}" if filename else ""
    raise ImportFormatError(f"cannot tell the format{name}; {_GUESS_HELP}")


def _aware(value: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def parse_import(
    data: bytes | str,
    fmt: str | None,
    *,
    now: dt.datetime,
    range_start: dt.datetime | None = None,
    range_end: dt.datetime | None = None,
    zone: dt.tzinfo | None = None,
) -> ImportBundle:
    """Read a whole file into an `ImportBundle`, or raise `ImportFormatError`.

    `fmt` None means guess from the content (see `guess_format`; pass
    `guess_format(data, filename)` to use the file name too). `now` stands in for missing
    creation times; `zone` (default: the person's zone) is where naive times are read;
    `range_start`/`range_end` bound calendar events (default: 7 days before `now` to 60 after).
    """
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportFormatError(
            f"the file is {len(raw) / 1e6:.0f} MB; imports are limited to "
            f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB"
        )
    name = normalise_format(fmt) if fmt is not None else guess_format(raw)
    zone = zone or clock.local_zone()
    now = _aware(now, zone)
    start = _aware(range_start, zone) if range_start else now - DEFAULT_RANGE_BEFORE
    end = _aware(range_end, zone) if range_end else now + DEFAULT_RANGE_AFTER
    if end <= start:
        raise ImportFormatError(f"{name}: the import range ends before it starts")
    if end - start > MAX_RANGE:
        raise ImportFormatError(f"{name}: the import range is longer than two years")
    ctx = ReadContext(fmt=name, now=now, zone=zone, range_start=start, range_end=end)
    try:
        with collector_paused():
            return _READERS[name](decode_text(raw, name), ctx)
    except ImportFormatError:
        raise
    except RecursionError:
        raise ImportFormatError(f"{name}: the file is nested too deeply") from None
    except MemoryError:
        raise ImportFormatError(f"{name}: the file is too large to read") from None
    except Exception as exc:
        # The contract is one exception type for any input; a reader bug must not become a
        # traceback in the CLI. The wording lets the tests tell these from the real checks.
        detail = clean_line(f"{type(exc).__name__}: {exc}")[:120]
        raise ImportFormatError(
            f"{name}: could not read the file (a focusplan bug, please report: {detail})"
        ) from exc
