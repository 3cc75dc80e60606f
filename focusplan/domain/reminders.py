"""Moments worth a desktop notification (issue 16)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime

from focusplan.domain import DomainModel

ReminderKind = Literal["focus_end", "break_end", "block_start"]


class Reminder(DomainModel):
    """A moment worth a desktop notification; `key` names the moment, so it is sent once."""

    key: str
    kind: ReminderKind
    due_at: AwareDatetime
    title: str
    body: str = ""


class SentReminder(Reminder):
    sent_at: AwareDatetime
    channel: str = ""  # "dbus", "bell" or "" (recorded, not announced)
