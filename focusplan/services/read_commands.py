"""`rank` and `list` answered from the answer cache, before click is even imported.

Their answer is what they print: the bytes of standard output. The launcher hands the
command line here; the key (`services.answer_cache`) is the database, the settings and
the program, plus:

- the command line itself (after `--db`) and the `--db` given;
- the moment: the last instant of the current minute (hh:mm:59.999999), or
  FOCUSPLAN_NOW when the clock is frozen. Both paths pin the clock to it (FOCUSPLAN_NOW,
  for this process only) before the command runs, so a ranking and a relative `--at`
  ("in 2h") are computed for the minute, the cached answer is exactly what the full
  path prints in that minute, and whatever was recorded earlier in the minute (a task
  added or done a second ago, stamped with the real time) is already in it;
- what shapes the printed bytes: the table width (COLUMNS, else the terminal's), the
  stream's encoding, errors and tty-ness, and the locale and BLAS variables.

On a miss the full command runs with its standard output recorded on the way to the
real one; the answer is stored only when the command succeeded, wrote nothing to
stderr (no warning that a cached answer would not repeat) and the key read again after
it equals the key read before (nothing was written meanwhile, by anyone).
Only the forms of CLI.md are cached (READ_OPTIONS); `--help` and anything unknown go
to the full path untouched.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable, Mapping

from focusplan.services import answer_cache

# typing's import is a tenth of the quick path; mypy reads this name as True.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TextIO

# Each read command's options, and whether the option takes a value.
READ_OPTIONS: Mapping[str, Mapping[str, bool]] = {
    "rank": {"--at": True, "--energy": True, "--limit": True, "--json": False, "--explain": False},
    "list": {"--all": False, "--json": False},
}
# Environment that may shape the printed bytes other than through the settings.
OUTPUT_VARIABLES = (
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "LC_TIME",
    "LC_NUMERIC",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)
# What the tables fall back to with no terminal (focusplan.cli.render._width).
FALLBACK_COLUMNS = 100


class ReadRequest:
    """A command line that `answer` may serve: `[--db X] rank|list OPTIONS`."""

    __slots__ = ("args", "db_option")

    def __init__(self, db_option: str | None, args: list[str]) -> None:
        self.db_option = db_option
        self.args = args


def split_db_option(argv: list[str]) -> tuple[str | None, list[str]]:
    """A leading `--db X` / `--db=X` (None without one) and the rest of the command line."""
    args = list(argv)
    if args and args[0].startswith("--db="):
        return args[0].removeprefix("--db="), args[1:]
    if len(args) >= 2 and args[0] == "--db":
        return args[1], args[2:]
    return None, args


def parse(argv: list[str]) -> ReadRequest | None:
    db, args = split_db_option(argv)
    if not args or args[0] not in READ_OPTIONS:
        return None
    options = READ_OPTIONS[args[0]]
    position = 1
    while position < len(args):
        name, equals, _ = args[position].partition("=")
        takes_value = options.get(name)
        if takes_value is None or (equals and not takes_value):
            return None
        if takes_value and not equals:
            position += 1
            if position >= len(args):
                return None  # click's error to report
        position += 1
    return ReadRequest(db, args)


def pin_moment() -> str:
    """The moment this command answers for; the clock stays on it for this process."""
    frozen = os.environ.get("FOCUSPLAN_NOW")
    if frozen:
        return frozen
    import datetime as dt

    # The minute's last instant, not its first: what was recorded earlier in the minute
    # (a task added or done a second ago) is then "at or before" the ranking's moment.
    # In UTC, which needs no zoneinfo here: every zone's offset is whole minutes, so it
    # is the same minute, and `clock.now()` gives it back in the person's zone.
    utc = dt.datetime.now(dt.timezone.utc)  # noqa: UP017 - dt.UTC is an attribute lookup more
    moment = utc.replace(second=59, microsecond=999999).isoformat()
    os.environ["FOCUSPLAN_NOW"] = moment
    return moment


def table_width() -> int:
    """The columns `shutil.get_terminal_size((100, 24))` gives, without importing shutil
    (it loads the archive modules): COLUMNS if positive, else the terminal's."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or FALLBACK_COLUMNS
    return columns


def slot_of(request: ReadRequest, db_path: Path) -> str:
    return json.dumps(["read", str(db_path), request.args, table_width()])


def command_key(
    request: ReadRequest, db_path: Path, moment: str, stdout: TextIO, environ: Mapping[str, str]
) -> dict[str, Any] | None:
    """The key of the request's answer. `environ` is the environment as the command line
    found it (the command itself sets defaults such as OPENBLAS_NUM_THREADS)."""
    database = answer_cache.database_key(db_path)
    if database is None:
        return None
    return {
        "command": request.args,
        "db_option": request.db_option,
        "database": database,
        "moment": moment,
        "settings": answer_cache.settings_fingerprint(environ),
        "program": answer_cache.program_fingerprint(),
        "output": [
            table_width(),
            stdout.encoding,
            stdout.errors,
            stdout.isatty(),
            [environ.get(name) for name in OUTPUT_VARIABLES],
        ],
    }


def answer(request: ReadRequest, db_path: Path | None, run: Callable[[], int]) -> int:
    """Print the answer (cached, or computed by `run`, the full command line, which the
    launcher hands in: the services sit below the CLI) and return the exit code."""
    environ = dict(os.environ)
    moment = pin_moment()
    slot: str | None = None
    key: dict[str, Any] | None = None
    stdout = sys.stdout
    if db_path is not None and stdout is not None and not answer_cache.disabled():
        try:
            slot = slot_of(request, db_path)
            key = command_key(request, db_path, moment, stdout, environ)
            payload = answer_cache.load(slot, key) if key is not None else None
        except Exception:  # the full path answers, and reports whatever is wrong
            key = payload = None
        if payload is not None:
            try:
                stdout.flush()
                stdout.buffer.write(payload)
                stdout.flush()
            except BrokenPipeError:
                # The reader left (`| head`): as the full path, exit 1; and no second
                # complaint from the interpreter flushing stdout at exit.
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until exit
                return 1
            return 0
    if key is None or slot is None or db_path is None:
        return run()
    output, errors = _Recording(stdout, keep=True), _Recording(sys.stderr, keep=False)
    try:
        code = run()
    finally:
        output.stop()
        errors.stop()
    if code == 0 and not errors.written and not output.overflowed:
        try:
            if command_key(request, db_path, moment, stdout, environ) == key and _same_files(
                request, db_path, key, environ
            ):
                answer_cache.store(slot, key, output.recorded())
        except Exception:  # storing is best effort; the answer is printed already
            pass
    return code


def _same_files(
    request: ReadRequest, db_path: Path, key: Mapping[str, Any], environ: Mapping[str, str]
) -> bool:
    """Whether the full command read the database and the config file the key was read
    from. The launcher and the key find the default ones without platformdirs (too slow
    to import there); the full command, which has paid for it, checks them."""
    from focusplan.config import config_file_path, default_database_path

    chosen = request.db_option or environ.get("FOCUSPLAN_DB")
    if not chosen and default_database_path().absolute() != db_path:
        return False
    from pathlib import Path

    settings = json.loads(key["settings"])
    return Path(settings[1]) == config_file_path()


class _Tee(io.BufferedIOBase):
    """The bytes written to a stream's buffer, passed on as they come and kept."""

    def __init__(self, target: Any, keep: bool) -> None:
        super().__init__()
        self._target = target
        self._keep = keep
        self.chunks: list[bytes] = []
        self.size = 0

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._target.write(chunk)
        self.size += len(chunk)
        if self._keep and self.size <= answer_cache.MAX_ENTRY_BYTES:
            self.chunks.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        self._target.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return bool(self._target.isatty())

    def fileno(self) -> int:
        return int(self._target.fileno())


class _Recording:
    """`sys.stdout` (or stderr) swapped for a stream of the same encoding, errors and
    buffering over a tee of its buffer: what is printed is byte for byte what the
    real stream would have been given."""

    def __init__(self, stream: TextIO | None, *, keep: bool) -> None:
        self._stream = stream
        self._tee: _Tee | None = None
        self._wrapper: io.TextIOWrapper | None = None
        if stream is None or not hasattr(stream, "buffer"):
            return
        stream.flush()
        self._tee = _Tee(stream.buffer, keep)
        self._wrapper = io.TextIOWrapper(
            self._tee,  # type: ignore[arg-type]
            encoding=stream.encoding,
            errors=stream.errors,
            newline="\n",
            line_buffering=getattr(stream, "line_buffering", False),
            write_through=True,
        )
        if stream is sys.stdout:
            sys.stdout = self._wrapper
        elif stream is sys.stderr:
            sys.stderr = self._wrapper

    def stop(self) -> None:
        if self._wrapper is None or self._stream is None:
            return
        self._wrapper.flush()
        if sys.stdout is self._wrapper:
            sys.stdout = self._stream
        elif sys.stderr is self._wrapper:
            sys.stderr = self._stream
        self._wrapper.detach()  # the real stream stays open

    @property
    def written(self) -> int:
        # Without a buffer to tee, the stream's use cannot be told: count it as used.
        return self._tee.size if self._tee is not None else 1

    @property
    def overflowed(self) -> bool:
        return self._tee is None or self._tee.size > answer_cache.MAX_ENTRY_BYTES

    def recorded(self) -> bytes:
        return b"".join(self._tee.chunks) if self._tee is not None else b""
