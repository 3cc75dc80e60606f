"""`focusplan now`: what a status bar shows, computed in full, and cached for the quick path.

The answer holds a *frame* per minute of the next half hour (the ranking's best task and
the energy at that minute), today's plan blocks and the running focus session: the
quick path (`services.now_cache`) answers any moment of that half hour from it while
the database, the settings and the calendars are unchanged. Both paths answer through
`now_cache.status_at`, so they print the same line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from focusplan.services import now_cache
from focusplan.services.source import DataSource

# Computing the answer may write (the first plan of the day, a calendar that changed);
# the key read before and after then differs, and the answer is computed once more.
_ATTEMPTS = 3


def now_status(source: DataSource, now: dt.datetime) -> dict[str, Any]:
    """The `now --json` object at `now` (CLI.md), caching the answer for the quick path."""
    for _ in range(_ATTEMPTS):
        key = now_cache.read_key(source.path) if source.path is not None else None
        answer = compute_answer(source, now)
        if key is None or source.path is None:
            break
        if now_cache.read_key(source.path) == key:
            now_cache.write_cache(source.path, key, answer)
            break
    status = now_cache.status_at(answer, now)
    assert status is not None  # the answer starts at `now`'s minute
    return status


def compute_answer(source: DataSource, now: dt.datetime) -> dict[str, Any]:
    """Everything `status_at` needs for the minutes from `now` to the end of the frames."""
    from focusplan.services.calendar_sources import refresh_calendars
    from focusplan.services.planning import plan_day_for
    from focusplan.services.ranking import MEETING_HORIZON, context_window, rank_snapshot
    from focusplan.settings import load_settings

    refresh_calendars(source, now)
    settings = load_settings()
    start = now_cache.minute_floor(now)
    minutes = [start + dt.timedelta(minutes=k) for k in range(now_cache.FRAME_MINUTES)]
    # The blocks are today's: the frames stop at midnight.
    minutes = [moment for moment in minutes if moment.date() == start.date()]
    window_start, window_end = context_window(start)
    snap = source.snapshot(window_start, max(window_end, minutes[-1] + MEETING_HORIZON))
    frames = []
    for moment in minutes:
        ranking = rank_snapshot(snap, moment, limit=1)
        best = ranking.items[0] if ranking.items else None
        frames.append(
            {
                "at": moment.isoformat(),
                "energy": {
                    "level": round(ranking.energy.level, 2),
                    "source": ranking.energy.source,
                },
                "next": None
                if best is None
                else {"id": best.id, "title": best.title, "score": round(best.score, 4)},
            }
        )
    plan = plan_day_for(source, start.date(), now=now)
    titles = {task.id: task.title for task in snap.tasks}
    session = snap.active_session
    return {
        "frames": frames,
        "blocks": [
            {
                "start": block.start.isoformat(),
                "end": block.end.isoformat(),
                "kind": block.kind,
                "title": block.title,
                "task_id": block.task_id,
            }
            for block in plan.blocks
        ],
        "session": None
        if session is None
        else {
            "task_id": session.task_id,
            "title": titles.get(session.task_id, f"task {session.task_id}"),
            "start": session.start.isoformat(),
        },
        "focus_minutes": settings.focus_minutes,
    }
