"""Reminders outside the app (principle 5): the end of a focus block, the end of a break,
the start of a planned block; each moment announced once, whoever notices it first.

`remind` is meant to run once a minute (a systemd user timer or cron). What is due is
decided by `reminders_due` (pure); a due reminder is first *claimed* in the database
(`reminders_sent`, unique by key) and only then sent, so two runs at once, or `remind`
and the app, never announce the same moment twice. A moment older than `GRACE` (the
machine slept, the timer was installed later) is let go silently rather than announced late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from focusplan.domain import FocusSession, PlanBlock, Reminder, ReminderKind, SentReminder
from focusplan.services.source import DataSource

if TYPE_CHECKING:
    from focusplan.domain import RankedTask

GRACE = dt.timedelta(minutes=10)

Sender = Callable[[str, str], str]


def reminders_due(
    now: dt.datetime,
    *,
    active: FocusSession | None,
    sessions: Sequence[FocusSession],
    blocks: Sequence[PlanBlock],
    titles: dict[int, str],
    focus_minutes: int,
    break_minutes: int,
    best: RankedTask | None,
    grace: dt.timedelta = GRACE,
) -> list[Reminder]:
    """What deserves a notification at `now` (pure; at most one of each kind).

    - focus_end: the running session reached `focus_minutes`;
    - break_end: no session runs, and `break_minutes` after the last session that earned a
      break (one as long as a focus block, the app's rule) ended; with the next best task;
    - block_start: a focus block of today's plan starts, unless its task is already in focus.
    """
    focus = dt.timedelta(minutes=focus_minutes)
    rest = dt.timedelta(minutes=break_minutes)

    def fresh(moment: dt.datetime) -> bool:
        return moment <= now < moment + grace

    due: list[Reminder] = []
    if active is not None and fresh(active.start + focus):
        title = titles.get(active.task_id, f"task {active.task_id}")
        due.append(
            Reminder(
                key=f"focus_end:{active.id}",
                kind="focus_end",
                due_at=active.start + focus,
                title=f"{focus_minutes} minutes of focus",
                body=f"Time for a {break_minutes}-minute break from '{title}'.",
            )
        )
    if active is None:
        ended = [s for s in sessions if s.end is not None and s.end - s.start >= focus]
        if ended:
            last = max(ended, key=lambda s: (s.end or s.start, s.id))
            assert last.end is not None
            later = any(s.start >= last.end for s in sessions if s.id != last.id)
            if not later and fresh(last.end + rest):
                body = f"Next best: #{best.id} {best.title}" if best else "Nothing is eligible now."
                due.append(
                    Reminder(
                        key=f"break_end:{last.id}",
                        kind="break_end",
                        due_at=last.end + rest,
                        title="Break's over",
                        body=body,
                    )
                )
    for block in blocks:
        if block.kind != "focus" or not fresh(block.start):
            continue
        if active is not None and active.task_id == block.task_id:
            continue
        due.append(
            Reminder(
                key=f"block_start:{block.start.astimezone(dt.UTC):%Y%m%dT%H%MZ}:{block.task_id}",
                kind="block_start",
                due_at=block.start,
                title=f"Planned now: {block.title}",
                body=f"Focus block {block.start:%H:%M}-{block.end:%H:%M}.",
            )
        )
    return due


def remind(
    source: DataSource,
    now: dt.datetime,
    *,
    send: Sender | None = None,
    bell_stream: TextIO | None = None,
) -> list[SentReminder]:
    """Announce what is due at `now` and not announced yet; returns what went out."""
    from focusplan.services.calendar_sources import refresh_calendars
    from focusplan.services.planning import plan_day_for
    from focusplan.services.ranking import context_window, rank_snapshot
    from focusplan.settings import load_settings

    refresh_calendars(source, now)
    settings = load_settings()
    snap = source.snapshot(*context_window(now))
    active = snap.active_session
    best = None
    if active is None:
        ranking = rank_snapshot(snap, now, limit=1)
        best = ranking.items[0] if ranking.items else None
    blocks = plan_day_for(source, now.date(), now=now).blocks
    day_start = dt.datetime.combine(now.date(), dt.time(0), tzinfo=now.tzinfo)
    due = reminders_due(
        now,
        active=active,
        sessions=[s for s in snap.sessions if s.end is None or s.end >= day_start],
        blocks=blocks,
        titles={task.id: task.title for task in snap.tasks},
        focus_minutes=settings.focus_minutes,
        break_minutes=settings.break_minutes,
        best=best,
    )
    return announce_once(source, due, now, send=send, bell_stream=bell_stream)


def announce_once(
    source: DataSource,
    reminders: Sequence[Reminder],
    now: dt.datetime,
    *,
    send: Sender | None = None,
    bell_stream: TextIO | None = None,
) -> list[SentReminder]:
    """Claim each reminder not sent before, then send it (the app calls this too)."""
    if not reminders:
        return []
    with source.unit_of_work() as uow:
        known = uow.reminders.sent_keys([reminder.key for reminder in reminders])
        claimed = [uow.reminders.record(r, now, "") for r in reminders if r.key not in known]
    if not claimed:
        return []
    sender = send or _desktop_sender(bell_stream)
    sent = [item.model_copy(update={"channel": sender(item.title, item.body)}) for item in claimed]
    with source.unit_of_work() as uow:
        for item in sent:
            uow.reminders.set_channel(item.key, item.channel)
    return sent


def _desktop_sender(bell_stream: TextIO | None) -> Sender:
    from focusplan.services.notifications import announce

    def send(title: str, body: str) -> str:
        return announce(title, body, bell_stream=bell_stream)

    return send


def announce_on_desktop(
    source: DataSource,
    kind: ReminderKind,
    session_id: int,
    title: str,
    body: str,
    at: dt.datetime,
) -> list[SentReminder]:
    """The app's own alert, shown on the desktop too unless `remind` already did: the key
    is the one `reminders_due` gives the same moment. Where no notification server runs,
    nothing more happens (the app has already rung its bell)."""
    from focusplan.services.notifications import NoNotificationServer, send_desktop

    def desktop_only(title: str, body: str) -> str:
        try:
            send_desktop(title, body)
        except NoNotificationServer:
            return ""
        return "dbus"

    reminder = Reminder(key=f"{kind}:{session_id}", kind=kind, due_at=at, title=title, body=body)
    return announce_once(source, [reminder], at, send=desktop_only)
