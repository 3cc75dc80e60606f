"""Errors that mean "the person asked for something invalid" (exit code 2 in the CLI)."""

from __future__ import annotations


class InvalidInput(ValueError):
    """A request that cannot be carried out as given; the message is for the person."""


def validation_message(exc: Exception) -> str:
    """A pydantic ValidationError as one line, `field: problem; field: problem`.

    The CLI and the app both show invalid input this way, so a person reads the
    same words in either face. It reads the error through its `errors()` method
    rather than importing pydantic, so naming it costs the CLI nothing.
    """
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    parts = []
    for error in errors():
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "__root__")
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) or str(exc)
