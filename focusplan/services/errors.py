"""Errors that mean "the person asked for something invalid" (exit code 2 in the CLI)."""

from __future__ import annotations

from focusplan.messages import validation_message


class InvalidInput(ValueError):
    """A request that cannot be carried out as given; the message is for the person."""


__all__ = ["InvalidInput", "validation_message"]
