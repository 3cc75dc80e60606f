"""The focusplan JSON backup: what `export json` writes and `import --format json` reads.

The shape is CLI.md's public contract: `{"tasks": [...], "energy": [{at, level, note}],
"events": [{start, end, title}]}`, with sibling keys added here and never renamed: a format
marker and version, `days`, `weights` (the versions history), `sessions` and `choices` (the
learning data), `plans` (what was planned each day: the review of a past week reads them) and
`highest_task_id`. Task items carry their `id`, which other items use to refer to them; a
restore keeps it when the database has it free.

`BACKUP_SECTIONS` names the section that carries each table of the schema; a test walks the
migrated schema and fails for a table it does not name, so a new table cannot be left out of
the backup by accident.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from focusplan.domain import (
    CalendarSource,
    Choice,
    ContextEventDraft,
    DayContext,
    DayPlan,
    EnergyLogDraft,
    FocusSession,
    NewTask,
    PlanBlock,
    Task,
    WeightsVersion,
)

from .bundle import ImportBundle, ImportedChoice, ImportedSession, ImportedTask
from .fields import (
    ReadContext,
    build,
    check_count,
    clean_line,
    clean_notes,
    fail,
    iso_date,
    iso_time,
    label,
    optional_iso_time,
    order_by_dependencies,
    short_title,
    show,
    tag_list,
    title_and_notes,
)

BACKUP_FORMAT = "focusplan-backup"
BACKUP_VERSION = 1

# Every table of the schema → the backup section that carries its rows. To back up a new
# table: write its section in `export_backup`, read it in `parse_backup` (a bundle field),
# store it in services.exchange with an identity so a second import adds nothing, and add
# it here (tests/integration/test_backup_restore.py then checks the round trip).
BACKUP_SECTIONS: Mapping[str, str] = {
    "tasks": "tasks",
    "task_tags": "tasks",
    "task_dependencies": "tasks",
    "energy_logs": "energy",
    "context_events": "events",
    "day_context": "days",
    "focus_sessions": "sessions",
    "choices": "choices",
    "weight_versions": "weights",
    "plans": "plans",
    "plan_blocks": "plans",
    "sqlite_sequence": "highest_task_id",
    "calendar_sources": "sources",
}
_SECTIONS = frozenset(
    {"tasks", "energy", "events", "days", "weights", "sessions", "choices", "plans", "sources"}
)
# Tables deliberately not in a backup, with the reason.
NOT_BACKED_UP: Mapping[str, str] = {
    "alembic_version": "the schema version of the file itself; the restored database has its own",
    "change_counter": "this file's own count of writes (the status line's cache key)",
    "calendar_source_files": "when each calendar file was last read: the restored database"
    " reads the files again",
    "reminders_sent": "what this machine already announced; a restore announces nothing old",
}

_TASK_TIME_FIELDS = (
    "due",
    "not_before",
    "completed_at",
    "dropped_at",
    "recur_until",
    "recur_anchor",
)
_TASK_PLAIN_FIELDS = (
    "importance",
    "demand",
    "estimate_minutes",
    "project",
    "window",
    "status",
    "actual_minutes",
    "external_id",
    "recur",
    "recur_from",
    "series_id",
)


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def task_to_json(task: Task) -> dict[str, Any]:
    """One task as CLI.md's task object (the same keys `list --json` prints), plus the rest."""
    return {
        "id": task.id,
        "title": task.title,
        "status": task.status,
        "importance": task.importance,
        "demand": task.demand,
        "estimate_minutes": task.estimate_minutes,
        "due": _iso(task.due),
        "not_before": _iso(task.not_before),
        "project": task.project,
        "tags": list(task.tags),
        "depends_on": list(task.depends_on),
        "created_at": _iso(task.created_at),
        "completed_at": _iso(task.completed_at),
        "dropped_at": _iso(task.dropped_at),
        "updated_at": _iso(task.updated_at),
        "notes": task.notes,
        "window": task.window,
        "actual_minutes": task.actual_minutes,
        "external_id": task.external_id,
        # A repeating task: its rule (canonical text, or null), and what ties its series.
        "recur": task.recur,
        "recur_from": task.recur_from,
        "recur_until": _iso(task.recur_until),
        "recur_anchor": _iso(task.recur_anchor),
        "series_id": task.series_id,
    }


def export_backup(
    tasks: Sequence[Task],
    energy: Sequence[EnergyLogDraft],
    events: Sequence[ContextEventDraft],
    days: Sequence[DayContext] = (),
    weights_history: Sequence[WeightsVersion] = (),
    *,
    sessions: Sequence[FocusSession] = (),
    choices: Sequence[Choice] = (),
    plans: Sequence[DayPlan] = (),
    highest_task_id: int = 0,
    sources: Sequence[CalendarSource] = (),
    now: dt.datetime | None = None,
) -> str:
    """The full backup as JSON text; `parse_import(..., "json")` reads it back to equal data.

    The ids of energy logs, events and sessions are not written: nothing refers to them.
    """
    document: dict[str, Any] = {"format": BACKUP_FORMAT, "version": BACKUP_VERSION}
    if now is not None:
        document["exported_at"] = now.isoformat()
    document["tasks"] = [task_to_json(task) for task in tasks]
    document["energy"] = [
        {"at": log.at.isoformat(), "level": log.level, "note": log.note, "source": log.source}
        for log in energy
    ]
    document["events"] = [
        {
            "start": event.start.isoformat(),
            "end": event.end.isoformat(),
            "title": event.title,
            "uid": event.uid,
            "source": event.source,
            "all_day": event.all_day,
        }
        for event in events
    ]
    document["days"] = [
        {"date": day.date.isoformat(), "sleep_hours": day.sleep_hours, "notes": day.notes}
        for day in days
    ]
    document["sources"] = [
        {
            "id": calendar.id,
            "kind": calendar.kind,
            "path": calendar.path,
            "added_at": calendar.added_at.isoformat(),
            "checked_at": _iso(calendar.checked_at),
            "problem": calendar.problem,
        }
        for calendar in sources
    ]
    document["weights"] = [
        {
            "version": version.version,
            "params": dict(version.params),
            "created_at": version.created_at.isoformat(),
            "reason": version.reason,
            "active": version.active,
        }
        for version in weights_history
    ]
    document["sessions"] = [
        {
            "task_id": session.task_id,
            "start": session.start.isoformat(),
            "end": _iso(session.end),
            "interrupted": session.interrupted,
        }
        for session in sessions
    ]
    document["choices"] = [
        {
            "at": choice.at.isoformat(),
            "task_id": choice.task_id,
            "candidates": list(choice.candidates),
            "kind": choice.kind,
        }
        for choice in choices
    ]
    document["plans"] = [_plan_to_json(plan) for plan in plans]
    document["highest_task_id"] = max([highest_task_id, *(task.id for task in tasks)])
    # allow_nan=False: NaN is not JSON; a non-finite weight is a bug better seen here.
    text = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)
    return _escape_controls(text) + "\n"


# json.dumps escapes C0 controls but writes DEL and the C1 range (U+0080–U+009F; U+009B is
# a terminal's CSI) as they are. Escaped, the backup stays lossless and safe to `cat`.
_RAW_CONTROLS = re.compile("[\x7f-\x9f]")


def _escape_controls(text: str) -> str:
    return _RAW_CONTROLS.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _plan_to_json(plan: DayPlan) -> dict[str, Any]:
    return {
        "date": plan.date.isoformat(),
        "created_at": _iso(plan.created_at),
        "notes": list(plan.notes),
        "inputs": plan.inputs,
        "blocks": [
            {
                "start": block.start.isoformat(),
                "end": block.end.isoformat(),
                "kind": block.kind,
                "task_id": block.task_id,
                "title": block.title,
                "energy": block.energy,
                "reason": block.reason,
            }
            for block in plan.blocks
        ],
    }


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def load_json(text: str, where: str, *, one_line: bool = False) -> Any:
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        at = f"column {exc.colno}" if one_line else f"line {exc.lineno} column {exc.colno}"
        fail(where, f"not valid JSON at {at}: {exc.msg}")
    except ValueError as exc:  # NaN/Infinity, or an integer too long to convert
        fail(where, f"not valid JSON: {clean_line(str(exc))[:120]}")


def _items(document: Mapping[str, Any], name: str, fmt: str) -> list[Any]:
    value = document.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        fail(fmt, f"'{name}' must be a list, not {type(value).__name__}")
    check_count(len(value), fmt, f"items in '{name}'")
    return value


def _key(value: object, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        fail(where, f"an id must be a number or text, not {show(value)}")
    key = str(value).strip()
    if not key or len(key) > 200:
        fail(where, f"bad id {show(value)}")
    return key


def _text(item: Mapping[str, Any], name: str, where: str) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        fail(where, f"{name} must be text, not {show(value)}")
    return value


def _object(item: object, where: str) -> Mapping[str, Any]:
    if not isinstance(item, dict):
        fail(where, f"expected an object, not {show(item)}")
    return item


def _task(item: Mapping[str, Any], key: str, ctx: ReadContext, where: str) -> ImportedTask:
    title, notes = title_and_notes(_text(item, "title", where), _text(item, "notes", where), where)
    if not title:
        fail(where, "a task needs a title")
    fields: dict[str, Any] = {"title": title, "notes": notes}
    fields["created_at"] = (
        optional_iso_time(item.get("created_at"), ctx, where, "created_at") or ctx.now
    )
    for name in _TASK_TIME_FIELDS:
        fields[name] = optional_iso_time(item.get(name), ctx, where, name)
    for name in _TASK_PLAIN_FIELDS:
        if item.get(name) is not None:
            fields[name] = item[name]
    if isinstance(fields.get("project"), str):
        fields["project"] = clean_line(fields["project"])
    fields["tags"] = tag_list(item.get("tags"), where)
    raw_deps = item.get("depends_on") or []
    if not isinstance(raw_deps, list):
        fail(where, f"depends_on must be a list of ids, not {show(raw_deps)}")
    depends = tuple(dict.fromkeys(_key(dep, where) for dep in raw_deps))
    raw_id = item.get("id")
    original_id = (
        raw_id
        if isinstance(raw_id, int) and not isinstance(raw_id, bool) and 1 <= raw_id <= 2**62
        else None
    )
    return ImportedTask(
        key=key,
        task=build(NewTask, fields, where),
        depends_on_keys=depends,
        original_id=original_id,
        updated_at=optional_iso_time(item.get("updated_at"), ctx, where, "updated_at"),
        untimed=item.get("created_at") in (None, ""),
    )


def _number(value: object) -> float | None:
    """A finite JSON number as a float, else None (bools, text, huge integers, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _source(item: Mapping[str, Any], fields: dict[str, Any], where: str) -> None:
    if item.get("source") is not None:
        fields["source"] = label(item["source"], where, "source")


def _read_tasks(document: Mapping[str, Any], ctx: ReadContext) -> tuple[list[ImportedTask], int]:
    tasks: list[ImportedTask] = []
    seen: set[str] = set()
    for number, raw in enumerate(_items(document, "tasks", ctx.fmt), start=1):
        where = f"{ctx.fmt} task {number}"
        item = _object(raw, where)
        key = _key(item["id"], where) if item.get("id") is not None else f"#{number}"
        if key in seen:
            fail(where, f"id {show(key)} appears twice")
        seen.add(key)
        tasks.append(_task(item, key, ctx, where))
    return order_by_dependencies(tasks, ctx.fmt, lambda key: f"id {key}")


def _read_energy(document: Mapping[str, Any], ctx: ReadContext) -> list[EnergyLogDraft]:
    energy = []
    for number, raw in enumerate(_items(document, "energy", ctx.fmt), start=1):
        where = f"{ctx.fmt} energy {number}"
        item = _object(raw, where)
        fields = {
            "at": iso_time(item.get("at"), ctx, where, "time"),
            "level": item.get("level"),
            "note": clean_notes(_text(item, "note", where)),
        }
        _source(item, fields, where)
        energy.append(build(EnergyLogDraft, fields, where))
    return energy


def _read_events(document: Mapping[str, Any], ctx: ReadContext) -> list[ContextEventDraft]:
    events = []
    for number, raw in enumerate(_items(document, "events", ctx.fmt), start=1):
        where = f"{ctx.fmt} event {number}"
        item = _object(raw, where)
        fields = {
            "start": iso_time(item.get("start"), ctx, where, "start"),
            "end": iso_time(item.get("end"), ctx, where, "end"),
            "title": short_title(_text(item, "title", where)),
        }
        for name in ("uid", "all_day"):
            if item.get(name) is not None:
                fields[name] = item[name]
        _source(item, fields, where)
        events.append(build(ContextEventDraft, fields, where))
    return events


def _read_days(document: Mapping[str, Any], ctx: ReadContext) -> list[DayContext]:
    days = []
    for number, raw in enumerate(_items(document, "days", ctx.fmt), start=1):
        where = f"{ctx.fmt} day {number}"
        item = _object(raw, where)
        date_text = item.get("date")
        if not isinstance(date_text, str):
            fail(where, f"bad date {show(date_text)} (expected YYYY-MM-DD)")
        fields = {
            "date": iso_date(date_text, where, "date"),
            "sleep_hours": item.get("sleep_hours"),
            "notes": clean_notes(_text(item, "notes", where)),
        }
        days.append(build(DayContext, fields, where))
    return days


def _read_sources(document: Mapping[str, Any], ctx: ReadContext) -> list[CalendarSource]:
    sources = []
    for number, raw in enumerate(_items(document, "sources", ctx.fmt), start=1):
        where = f"{ctx.fmt} source {number}"
        item = _object(raw, where)
        path = item.get("path")
        if not isinstance(path, str) or not path:
            fail(where, f"bad path {show(path)} (expected the calendar's file or folder)")
        fields = {
            "id": item.get("id"),
            "kind": item.get("kind", "ics"),
            "path": path,
            "added_at": item.get("added_at"),
            "checked_at": item.get("checked_at"),
            "problem": clean_line(_text(item, "problem", where)),
        }
        sources.append(build(CalendarSource, fields, where))
    return sources


def _read_weights(document: Mapping[str, Any], ctx: ReadContext) -> list[WeightsVersion]:
    weights = []
    for number, raw in enumerate(_items(document, "weights", ctx.fmt), start=1):
        where = f"{ctx.fmt} weights {number}"
        item = _object(raw, where)
        version = item.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= 10**9:
            fail(where, f"bad version {show(version)} (expected a whole number from 1)")
        params = item.get("params")
        if not isinstance(params, dict):
            fail(where, "params must be an object of name → number")
        values = {}
        for name, value in params.items():
            number_value = _number(value)
            if number_value is None:
                fail(where, f"parameter {show(name)} is not a finite number")
            values[label(name, where, "parameter name")] = number_value
        fields = {
            "version": version,
            "params": values,
            "created_at": iso_time(item.get("created_at"), ctx, where, "created_at"),
            "reason": clean_notes(_text(item, "reason", where)),
            "active": item.get("active", False),
        }
        weights.append(build(WeightsVersion, fields, where))
    return weights


def _read_sessions(
    document: Mapping[str, Any], ctx: ReadContext, known: set[str]
) -> tuple[list[ImportedSession], int]:
    sessions = []
    dangling = 0
    for number, raw in enumerate(_items(document, "sessions", ctx.fmt), start=1):
        where = f"{ctx.fmt} session {number}"
        item = _object(raw, where)
        task_key = _key(item.get("task_id"), where)
        fields = {
            "task_key": task_key,
            "start": iso_time(item.get("start"), ctx, where, "start"),
            "end": optional_iso_time(item.get("end"), ctx, where, "end"),
            "interrupted": item.get("interrupted", False),
        }
        session = build(ImportedSession, fields, where)
        if task_key in known:
            sessions.append(session)
        else:
            dangling += 1
    return sessions, dangling


def _read_choices(
    document: Mapping[str, Any], ctx: ReadContext, known: set[str]
) -> tuple[list[ImportedChoice], int]:
    choices = []
    dangling = 0
    for number, raw in enumerate(_items(document, "choices", ctx.fmt), start=1):
        where = f"{ctx.fmt} choice {number}"
        item = _object(raw, where)
        task_key = _key(item.get("task_id"), where)
        candidates = item.get("candidates") or []
        if not isinstance(candidates, list):
            fail(where, "candidates must be a list of ids")
        candidate_keys = tuple(_key(value, where) for value in candidates)
        fields = {
            "at": iso_time(item.get("at"), ctx, where, "time"),
            "task_key": task_key,
            "candidate_keys": tuple(key for key in candidate_keys if key in known),
            "kind": item.get("kind"),
        }
        choice = build(ImportedChoice, fields, where)
        if task_key in known:
            choices.append(choice)
        else:
            dangling += 1
    return choices, dangling


def _read_plans(document: Mapping[str, Any], ctx: ReadContext) -> list[DayPlan]:
    """Plans as stored; a focus block keeps its task's backup id (the key), mapped on store.
    A block whose task is not in the file keeps the number: a plan is a record with titles."""
    plans = []
    seen: set[dt.date] = set()
    for number, raw in enumerate(_items(document, "plans", ctx.fmt), start=1):
        where = f"{ctx.fmt} plan {number}"
        item = _object(raw, where)
        date_text = item.get("date")
        if not isinstance(date_text, str):
            fail(where, f"bad date {show(date_text)} (expected YYYY-MM-DD)")
        day = iso_date(date_text, where, "date")
        if day in seen:
            fail(where, f"a second plan for {day.isoformat()}")
        seen.add(day)
        raw_notes = item.get("notes") or []
        if not isinstance(raw_notes, list) or not all(isinstance(n, str) for n in raw_notes):
            fail(where, "notes must be a list of text")
        inputs = item.get("inputs")
        if inputs is not None and (not isinstance(inputs, str) or len(inputs) > 64):
            fail(where, f"bad inputs fingerprint {show(inputs)}")
        raw_blocks = item.get("blocks") or []
        if not isinstance(raw_blocks, list):
            fail(where, "blocks must be a list")
        check_count(len(raw_blocks), where, "blocks")
        blocks = []
        for index, raw_block in enumerate(raw_blocks, start=1):
            block_where = f"{where} block {index}"
            block = _object(raw_block, block_where)
            task_id = block.get("task_id")
            if task_id is not None and (isinstance(task_id, bool) or not isinstance(task_id, int)):
                fail(block_where, f"task_id must be a task's id, not {show(task_id)}")
            fields = {
                "start": iso_time(block.get("start"), ctx, block_where, "start"),
                "end": iso_time(block.get("end"), ctx, block_where, "end"),
                "kind": block.get("kind"),
                "task_id": task_id,
                "title": clean_line(_text(block, "title", block_where)),
                "energy": block.get("energy"),
                "reason": clean_notes(_text(block, "reason", block_where)),
            }
            blocks.append(build(PlanBlock, fields, block_where))
        fields = {
            "date": day,
            "created_at": optional_iso_time(item.get("created_at"), ctx, where, "created_at"),
            "notes": tuple(clean_line(note) for note in raw_notes),
            "inputs": inputs,
            "blocks": tuple(blocks),
        }
        plans.append(build(DayPlan, fields, where))
    return plans


def _highest_task_id(document: Mapping[str, Any], ctx: ReadContext) -> int:
    value = document.get("highest_task_id", 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**62:
        fail(ctx.fmt, f"bad highest_task_id {show(value)} (expected a whole number)")
    return value


def parse_backup(text: str, ctx: ReadContext) -> ImportBundle:
    document = load_json(text, ctx.fmt)
    if isinstance(document, list):
        fail(
            ctx.fmt,
            "expected an object with tasks/energy/events, found a list "
            "(a Taskwarrior export? use --format taskwarrior)",
        )
    if not isinstance(document, dict):
        fail(ctx.fmt, "expected an object with tasks/energy/events")
    marker = document.get("format")
    if marker is not None and marker != BACKUP_FORMAT:
        fail(ctx.fmt, f"unknown format marker {show(marker)}")
    version = document.get("version", BACKUP_VERSION)
    whole_number = isinstance(version, int) and not isinstance(version, bool)
    if whole_number and version > BACKUP_VERSION:
        fail(ctx.fmt, f"backup version {show(version)} is newer than this focusplan understands")
    if not _SECTIONS.intersection(document) and marker is None:
        # Someone else's JSON (a package.json, a single Taskwarrior task): importing it as
        # nothing, with exit 0, would hide that the wrong file was given.
        hint = (
            " (a Taskwarrior task? use --format taskwarrior)" if "description" in document else ""
        )
        found = ", ".join(sorted(str(key) for key in document)[:5]) or "an empty object"
        fail(ctx.fmt, f"not a focusplan backup: no tasks/energy/events in it ({found}){hint}")
    if not whole_number:
        fail(ctx.fmt, f"bad backup version {show(version)} (expected a whole number)")

    tasks, dangling_deps = _read_tasks(document, ctx)
    known = {item.key for item in tasks}
    sessions, dangling_sessions = _read_sessions(document, ctx, known)
    choices, dangling_choices = _read_choices(document, ctx, known)
    dangling = dangling_deps + dangling_sessions + dangling_choices
    notes = []
    if dangling:
        notes.append(
            f"{dangling} reference{'s' if dangling != 1 else ''} to tasks not in the file "
            "dropped (dependencies, sessions, choices)"
        )
    return ImportBundle(
        format=ctx.fmt,
        tasks=tasks,
        energy=_read_energy(document, ctx),
        events=_read_events(document, ctx),
        days=_read_days(document, ctx),
        weights=_read_weights(document, ctx),
        sessions=sessions,
        choices=choices,
        plans=_read_plans(document, ctx),
        highest_task_id=_highest_task_id(document, ctx),
        sources=_read_sources(document, ctx),
        notes=tuple(notes),
    )
