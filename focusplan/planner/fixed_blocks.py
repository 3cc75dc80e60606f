"""The blocks a plan does not choose: events, the earlier plan's past, and how they
meet the new part at `now`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from focusplan.domain import ContextEvent, PlanBlock
from focusplan.planner.window_minutes import UTC, fixed_offset_time


def block_order(block: PlanBlock) -> tuple[dt.datetime, dt.datetime]:
    return (block.start.astimezone(UTC), block.end.astimezone(UTC))


def past_blocks(
    kept: Sequence[PlanBlock], now: dt.datetime | None, day_start: dt.datetime, zone: dt.tzinfo
) -> list[PlanBlock]:
    """The blocks of the earlier plan that already happened, a running one cut at `now`."""
    if now is None:
        return []
    past: list[PlanBlock] = []
    for block in kept:
        if block.start >= now or block.end <= day_start:
            continue
        cut = block.model_copy(update={"end": fixed_offset_time(now, zone)})
        past.append(block if block.end <= now else cut)
    return past


def event_blocks(
    events: Sequence[ContextEvent], start: dt.datetime, end: dt.datetime, zone: dt.tzinfo
) -> list[PlanBlock]:
    """One block per stretch of booked time, clipped to [start, end)."""
    spans: list[tuple[dt.datetime, dt.datetime, list[str]]] = []
    for event in sorted(events, key=lambda e: (e.start, e.end, e.title)):
        first, last = max(event.start, start), min(event.end, end)
        if last <= first:
            continue
        title = event.title or "Busy"
        if spans and first < spans[-1][1]:
            span_start, span_end, titles = spans[-1]
            if title not in titles:
                titles.append(title)
            spans[-1] = (span_start, max(span_end, last), titles)
        else:
            spans.append((first, last, [title]))
    return [
        PlanBlock(
            start=fixed_offset_time(first, zone),
            end=fixed_offset_time(last, zone),
            kind="event",
            title=" / ".join(titles),
        )
        for first, last, titles in spans
    ]


def join_at_cut(blocks: list[PlanBlock], cut: dt.datetime) -> list[PlanBlock]:
    """An event or lunch running at `now` is in the history (cut at `now`) and in the
    new part (from `now`): show it once. Blocks that merely touch elsewhere stay apart."""
    joined: list[PlanBlock] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and block.kind != "focus"
            and (previous.kind, previous.title) == (block.kind, block.title)
            and previous.end == block.start == cut
        ):
            joined[-1] = previous.model_copy(update={"end": block.end})
        else:
            joined.append(block)
    return joined
