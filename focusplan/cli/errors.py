"""One line on stderr, `error: ...`, exit 2 for invalid input and 1 for anything else.

Ctrl-C exits 130 (128 + SIGINT, what shells report): the unit of work that was
open rolled back on the way out, so nothing is half done.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable

import click

EXIT_INVALID = 2
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130


class Interrupted(Exception):
    """Ctrl-C inside a command, carried past click (which would print a bare newline first)."""


class ReportingGroup(click.Group):
    """The top-level group: a Ctrl-C inside any command reaches `classify` as Interrupted."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise Interrupted() from exc


def _one_line(text: str) -> str:
    # Messages quote titles, file names and file content: no escapes reach the terminal.
    from focusplan.text import clean_line

    return clean_line(str(text))


def classify(exc: BaseException) -> tuple[int, str]:
    """The exit code and the message for an exception that reached the top."""
    from pydantic import ValidationError

    from focusplan.services.errors import InvalidInput, validation_message
    from focusplan.timeparse import TimeParseError

    if isinstance(exc, Interrupted | click.Abort | KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted; nothing was changed"
    if isinstance(exc, click.UsageError):
        return EXIT_INVALID, exc.format_message()
    if isinstance(exc, ValidationError):
        return EXIT_INVALID, validation_message(exc)
    unavailable = _store_error_type("DatabaseUnavailable")
    if unavailable is not None and isinstance(exc, unavailable):
        return EXIT_FAILURE, str(exc)
    store_error = _store_error_type()
    if store_error is not None and isinstance(exc, store_error):
        # The store says which family: an unknown id or a --db naming a fifo is the
        # person's input; a lock, a full disk, a read-only or damaged file is not.
        invalid = bool(getattr(exc, "invalid_input", False))
        return (EXIT_INVALID if invalid else EXIT_FAILURE), str(exc)
    if isinstance(exc, InvalidInput | TimeParseError | LookupError | ValueError):
        return EXIT_INVALID, str(exc)
    if isinstance(exc, OSError):
        return _os_error(exc)
    return EXIT_FAILURE, f"unexpected {type(exc).__name__}: {exc}"


# Errors of the machine, not of what the person typed: a full disk, a file too large
# for the limit, a read-only filesystem, no permission, an I/O failure.
_ENVIRONMENT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}
)


def _os_error(exc: OSError) -> tuple[int, str]:
    text = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc.strerror or exc)
    code = EXIT_FAILURE if exc.errno in _ENVIRONMENT_ERRNOS else EXIT_INVALID
    return code, text


def _store_error_type(name: str = "StoreError") -> type[BaseException] | None:
    # Only loaded if a command already imported the store; never pay for it here.
    module = sys.modules.get("focusplan.store.errors")
    return getattr(module, name, None) if module else None


def run_reporting_errors(entry: Callable[[], object]) -> int:
    try:
        entry()
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_FAILURE
    except BaseException as exc:  # the contract: never a traceback
        code, message = classify(exc)
        if code == EXIT_INTERRUPTED and sys.stderr.isatty():
            click.echo(err=True)  # past the ^C the terminal echoed
        click.echo(f"error: {_one_line(message)}", err=True)
        return code
    return 0


def exit_code_of(exc: BaseException, *, in_command: bool = True) -> int:
    """The exit code for `exc` escaping a command that ran without click (the launcher's
    write path), after printing what the click command line prints for it.

    First what click's main (standalone_mode=False) and ReportingGroup make of it, then
    run_reporting_errors; `in_command` False: it came while the options were read.
    """
    if isinstance(exc, KeyboardInterrupt) and in_command:
        exc = Interrupted()
    elif isinstance(exc, EOFError | KeyboardInterrupt):
        click.echo(file=sys.stderr)
        exc = click.Abort()
    elif isinstance(exc, OSError) and exc.errno == errno.EPIPE:
        from click.utils import _PacifyFlushWrapper

        sys.stdout = _PacifyFlushWrapper(sys.stdout)
        sys.stderr = _PacifyFlushWrapper(sys.stderr)
        return EXIT_FAILURE

    def escape() -> None:
        raise exc

    return run_reporting_errors(escape)
