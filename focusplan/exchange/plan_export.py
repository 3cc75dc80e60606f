"""Writing day plans for calendars, spreadsheets, notes and scripts.

- ics: one VEVENT per focus block (breaks and fixed events already live in the person's
  calendar, exporting them would echo them back). UIDs are `focusplan-DATE-N-taskID@focusplan`
  with N the focus block's number in its day, so exporting the same plan again updates the
  calendar's copies instead of adding new ones. Times carry the zone's TZID with a matching
  VTIMEZONE; a zone without an IANA name (a bare offset) is written in UTC.
- csv: one row per block (every kind), header `date,start,end,kind,task_id,title,energy,reason`,
  ISO 8601 times, `\\n` line ends. Cells that a spreadsheet would run as a formula (starting
  with = + - @) get a leading apostrophe.
- md: a heading per day and one line per block, `- 09:00–10:30 **Title** (focus, energy 4.2)`,
  the reason on an indented line.
- json: CLI.md's plan shape `{date, blocks: [{start, end, kind, task_id, title, energy}]}`
  (plus `reason` and `notes`); one plan gives that object, several a JSON array of them.

All return text; write it with `newline=""` so the ics CRLF line ends survive on Windows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Sequence
from typing import Any, Literal

from focusplan.domain import DayPlan, PlanBlock
from focusplan.text import clean_line, clean_notes

PlanFormat = Literal["ics", "csv", "md", "json"]
PLAN_FORMATS: tuple[PlanFormat, ...] = ("ics", "csv", "md", "json")
PRODID = "-//focusplan//focusplan plan//EN"
CSV_HEADER = ("date", "start", "end", "kind", "task_id", "title", "energy", "reason")

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Inline emphasis, code, links and HTML; "#" and "|" only matter at a line start or in
# tables, where titles never are.
_MD_SPECIAL = str.maketrans({char: "\\" + char for char in "\\`*_[]<>~"})


def export_plan(
    plans: Sequence[DayPlan],
    fmt: str,
    *,
    zone: dt.tzinfo,
    now: dt.datetime,
) -> str:
    """The plans in `fmt` ("ics", "csv", "md" or "json"); times shown in `zone`.

    `now` is the DTSTAMP of the calendar events; the other formats do not use it.
    Raises ValueError for an unknown format.
    """
    plans = [_shown(plan) for plan in plans]
    if fmt == "ics":
        return plans_to_ics(plans, zone=zone, now=now)
    if fmt == "csv":
        return plans_to_csv(plans, zone=zone)
    if fmt == "md":
        return plans_to_markdown(plans, zone=zone)
    if fmt == "json":
        return plans_to_json(plans, zone=zone)
    raise ValueError(f"unknown plan format {fmt!r}; expected one of {', '.join(PLAN_FORMATS)}")


def _shown(plan: DayPlan) -> DayPlan:
    """The plan with its text as it may reach a terminal or a calendar: no control
    characters (CLI.md), whatever a database written by an older focusplan holds."""
    blocks = tuple(
        block.model_copy(
            update={"title": clean_line(block.title), "reason": clean_notes(block.reason)}
        )
        for block in plan.blocks
    )
    notes = tuple(clean_line(note) for note in plan.notes)
    return plan.model_copy(update={"blocks": blocks, "notes": notes})


def block_uid(day: dt.date, number: int, task_id: int) -> str:
    """The stable UID of the `number`-th focus block (from 1) of a day."""
    return f"focusplan-{day.isoformat()}-{number}-task{task_id}@focusplan"


def _blocks(plan: DayPlan) -> list[PlanBlock]:
    # Time order everywhere: the ics UIDs number focus blocks in it. By instant: two
    # times of one zone compare by wall clock, wrong in the hour repeated at DST's end.
    return sorted(plan.blocks, key=lambda block: block.start.astimezone(dt.UTC))


def _energy(block: PlanBlock) -> float | None:
    energy = block.energy
    return energy if energy is not None and math.isfinite(energy) else None


def _description(block: PlanBlock) -> str:
    lines = []
    if block.reason:
        lines.append(block.reason)
    energy = _energy(block)
    if energy is not None:
        lines.append(f"Predicted energy: {energy:.1f}/5")
    return "\n".join(lines)


def _ics_zone(zone: dt.tzinfo) -> dt.tzinfo:
    # Only an IANA zone has a TZID a calendar can resolve; a bare offset would be a made-up
    # name, so those times go out in UTC instead.
    key = getattr(zone, "key", None)
    if isinstance(key, str) and key and key != "UTC":
        return zone
    return dt.UTC


def plans_to_ics(plans: Sequence[DayPlan], *, zone: dt.tzinfo, now: dt.datetime) -> str:
    import icalendar  # ~100 ms; only the ics export needs it

    ics_zone = _ics_zone(zone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "focusplan")
    stamp = now.astimezone(dt.UTC)
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    for plan in plans:
        number = 0
        for block in _blocks(plan):
            if block.kind != "focus" or block.task_id is None:
                continue
            number += 1
            event = icalendar.Event()
            event.add("uid", block_uid(plan.date, number, block.task_id))
            event.add("dtstamp", stamp)
            start = block.start.astimezone(ics_zone)
            end = block.end.astimezone(ics_zone)
            event.add("dtstart", start)
            event.add("dtend", end)
            event.add("summary", block.title or f"Task {block.task_id}")
            description = _description(block)
            if description:
                event.add("description", description)
            event.add("categories", ["focusplan", "focus"])
            calendar.add_component(event)
            first = start if first is None else min(first, start)
            last = end if last is None else max(last, end)
    if first is not None and last is not None:
        # Transitions only around the exported days keep the VTIMEZONE a few lines long.
        calendar.add_missing_timezones(
            first_date=first.date() - dt.timedelta(days=366),
            last_date=last.date() + dt.timedelta(days=366),
        )
    return calendar.to_ical().decode("utf-8")


def _local(moment: dt.datetime, zone: dt.tzinfo | None) -> dt.datetime:
    return moment if zone is None else moment.astimezone(zone)


def _energy_text(energy: float | None, digits: int) -> str:
    return "" if energy is None else f"{energy:.{digits}f}"


def _csv_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def plans_to_csv(plans: Sequence[DayPlan], *, zone: dt.tzinfo) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for plan in plans:
        for block in _blocks(plan):
            writer.writerow(
                (
                    plan.date.isoformat(),
                    _local(block.start, zone).isoformat(),
                    _local(block.end, zone).isoformat(),
                    block.kind,
                    "" if block.task_id is None else block.task_id,
                    _csv_cell(block.title),
                    _energy_text(_energy(block), 2),
                    _csv_cell(block.reason),
                )
            )
    return out.getvalue()


def _md_text(text: str) -> str:
    return " ".join(text.split()).translate(_MD_SPECIAL)


def _day_heading(day: dt.date) -> str:
    # Spelled out here, not with strftime: %A follows the process locale.
    return f"## {_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _md_block(block: PlanBlock, zone: dt.tzinfo) -> list[str]:
    start = _local(block.start, zone)
    end = _local(block.end, zone)
    span = f"{start:%H:%M}–{end:%H:%M}"
    if end.date() != start.date():
        span += f" (+{(end.date() - start.date()).days}d)"
    details: list[str] = [block.kind]
    energy = _energy(block)
    if energy is not None:
        details.append(f"energy {energy:.1f}")
    if block.kind == "focus":
        name = f"**{_md_text(block.title or f'Task {block.task_id}')}**"
    elif block.kind == "break":
        name = _md_text(block.title or "Break")
    else:
        name = _md_text(block.title or "Event")
    lines = [f"- {span} {name} ({', '.join(details)})"]
    if block.reason:
        lines.append(f"  - why: {_md_text(block.reason)}")
    return lines


def plans_to_markdown(plans: Sequence[DayPlan], *, zone: dt.tzinfo) -> str:
    lines = ["# focusplan"]
    for plan in plans:
        lines += ["", _day_heading(plan.date), ""]
        if not plan.blocks:
            lines.append("_Nothing planned._")
        for block in _blocks(plan):
            lines += _md_block(block, zone)
        if plan.notes:
            lines.append("")
            lines += [f"> {_md_text(note)}" for note in plan.notes]
    return "\n".join(lines) + "\n"


def plan_json(plan: DayPlan, zone: dt.tzinfo | None = None) -> dict[str, Any]:
    """CLI.md's `plan --json` object for one day; times in `zone` (None: as the plan has them)."""
    return {
        "date": plan.date.isoformat(),
        "blocks": [
            {
                "start": _local(block.start, zone).isoformat(),
                "end": _local(block.end, zone).isoformat(),
                "kind": block.kind,
                "task_id": block.task_id,
                "title": block.title,
                "energy": _energy(block),
                "reason": block.reason,
            }
            for block in _blocks(plan)
        ],
        "notes": list(plan.notes),
    }


def plans_to_json(plans: Sequence[DayPlan], *, zone: dt.tzinfo) -> str:
    documents = [plan_json(plan, zone) for plan in plans]
    document: Any = documents[0] if len(documents) == 1 else documents
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
