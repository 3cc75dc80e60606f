"""One line on stderr, `error: ...`, exit 2 for invalid input and 1 for anything else."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

EXIT_INVALID = 2
EXIT_FAILURE = 1


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def classify(exc: BaseException) -> tuple[int, str]:
    """The exit code and the message for an exception that reached the top."""
    from pydantic import ValidationError

    from focusplan.services.errors import InvalidInput, validation_message
    from focusplan.timeparse import TimeParseError

    if isinstance(exc, click.UsageError):
        return EXIT_INVALID, exc.format_message()
    if isinstance(exc, ValidationError):
        return EXIT_INVALID, validation_message(exc)
    if isinstance(exc, InvalidInput | TimeParseError | LookupError | ValueError):
        return EXIT_INVALID, str(exc)
    unavailable = _store_error_type("DatabaseUnavailable")
    if unavailable is not None and isinstance(exc, unavailable):
        return EXIT_FAILURE, str(exc)
    store_error = _store_error_type()
    if store_error is not None and isinstance(exc, store_error):
        return EXIT_INVALID, str(exc)
    if isinstance(exc, click.Abort | KeyboardInterrupt):
        return EXIT_FAILURE, "interrupted"
    if isinstance(exc, OSError):
        return EXIT_INVALID, f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    return EXIT_FAILURE, f"unexpected {type(exc).__name__}: {exc}"


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
        click.echo(f"error: {_one_line(message)}", err=True)
        return code
    return 0
