"""Errors that mean "the person asked for something invalid" (exit code 2 in the CLI)."""

from __future__ import annotations


class InvalidInput(ValueError):
    """A request that cannot be carried out as given; the message is for the person."""
