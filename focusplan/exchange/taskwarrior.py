"""Reading `task export` (Taskwarrior 2.6; 2.4/2.5 variants too).

Mapping, per item:
- status pending/waiting → open, completed → done (`end` → completed_at), deleted → dropped
  (`end` → dropped_at);
- a recurring parent (status "recurring": `recur`, `due`, `until`, `mask`) and its instances
  (`parent`, `imask`) become one repeating series: the parent is not a task of its own, every
  instance carries its rule, `until` and due (the anchor the series counts from), and the
  parent's uuid is the series id; `rtype: chained` (Taskwarrior 3) counts from the
  completion. Taskwarrior makes every missed instance, so a series may arrive with several
  open ones; focusplan makes the next once the last of them is done. A rule focusplan cannot
  follow (hourly) leaves the instances one-off tasks, and a parent with no instance in the
  export is skipped; both are noted;
- `entry` → created_at; `due` → due; the later of `scheduled` and `wait` → not_before;
- priority H/M/L → importance 5/4/2, none → 3;
- `project` → project, `tags` → tags, `annotations` → notes, one line each with its date;
- `uuid` → external_id and the task's key; `depends` (a list, or 2.5's comma string) →
  dependency keys; links to tasks that are not in the export are dropped and counted;
- user-defined attributes: `estimate` (an ISO 8601 duration like PT1H30M, as Taskwarrior
  stores duration UDAs, or minutes) and `demand` (low/medium/high or L/M/H);
  estimates longer than a day are capped at 24 h, a zero estimate counts as none;
- `until` of a task outside a series (an expiry), `urgency`, `id`… are not used.

Dates are Taskwarrior's `20261121T100000Z` (ISO 8601 extended forms are accepted too), or
seconds since 1970 (`"1234567889"` or a number), which `task import` accepts as well.
The export is a JSON array; with `rc.json.array=off` it is one object per line, also read,
and so is a single task object over several lines (what `task import` reads from a person).
An item without a description is refused: it is not a task, and importing it as nothing
would hide that the file is something else.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache
from typing import Any

from focusplan.domain import MAX_ESTIMATE_MINUTES, NewTask

from .bundle import ImportBundle, ImportedTask
from .fields import (
    MAX_YEAR,
    MIN_YEAR,
    ReadContext,
    build,
    check_count,
    check_range,
    clean_line,
    fail,
    label,
    order_by_dependencies,
    show,
    tag_list,
    title_and_notes,
)
from .json_backup import load_json

_STATUSES = {
    "pending": "open",
    "waiting": "open",
    "completed": "done",
    "deleted": "dropped",
    "recurring": None,
}
_IMPORTANCE = {"H": 5, "M": 4, "L": 2, "": 3}
_DEMAND = {"low": "low", "l": "low", "medium": "medium", "m": "medium", "high": "high", "h": "high"}
_DURATION = re.compile(
    r"^P(?:(?P<w>\d{1,4})W)?(?:(?P<d>\d{1,5})D)?"
    r"(?:T(?:(?P<h>\d{1,6})H)?(?:(?P<m>\d{1,7})M)?(?:(?P<s>\d{1,9})S)?)?$"
)
_MINUTES = re.compile(r"^(?P<n>\d{1,7}(?:\.\d+)?)\s*(?:m|min|mins|minutes)?$")


_EPOCH = re.compile(r"^\d{1,11}$")


def _tw_time(value: object, ctx: ReadContext, where: str, what: str) -> dt.datetime:
    # fromisoformat (C) reads Taskwarrior's basic form `20261121T100000Z` and the extended
    # ISO forms, ten times faster than slicing the digits: it matters at 10,000 tasks.
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return _epoch(value, ctx, where, what)
    if isinstance(value, str) and 0 < len(value) <= 40:
        # Eight digits is a date (20261121), as Taskwarrior reads it; other digits are epoch.
        if len(value) != 8 and _EPOCH.match(value):
            return _epoch(int(value), ctx, where, what)
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            fail(where, f"bad {what} date {show(value)}")
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ctx.zone)
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            fail(where, f"{what} date {show(value)} is outside the years {MIN_YEAR}–{MAX_YEAR}")
        return check_range(parsed, where, value, ctx.zone)
    fail(where, f"bad {what} date {show(value)}")


def _epoch(seconds: int, ctx: ReadContext, where: str, what: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (OverflowError, OSError, ValueError):
        fail(where, f"{what} date {show(seconds)} is out of range")
    return check_range(moment, where, seconds, ctx.zone)


def _optional_time(
    item: dict[str, Any], name: str, ctx: ReadContext, where: str
) -> dt.datetime | None:
    value = item.get(name)
    if value is None or value == "":
        return None
    return _tw_time(value, ctx, where, name)


# In the order they are read (the first bad one is the one reported).
_TIMES = ("entry", "modified", "end", "scheduled", "wait", "due")


def _times(item: dict[str, Any], ctx: ReadContext, where: str) -> dict[str, dt.datetime | None]:
    """The task's times by name (None when unset): only those it has are read, most are
    unset and a call each costs more than the check."""
    times: dict[str, dt.datetime | None] = dict.fromkeys(_TIMES)
    for name in _TIMES:
        value = item.get(name)
        if value is not None and value != "":
            times[name] = _tw_time(value, ctx, where, name)
    return times


def estimate_minutes(value: object, where: str) -> int | None:
    """Minutes from a duration UDA (PT1H30M) or a number of minutes; None when unset or zero."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        fail(where, f"bad estimate {show(value)}")
    minutes: float | None
    if isinstance(value, int | float):
        try:
            minutes = float(value)
        except OverflowError:  # an integer beyond any float
            minutes = math.inf
    elif isinstance(value, str):
        minutes = _text_minutes(value)
    else:
        minutes = None
    if minutes is None:
        fail(where, f"bad estimate {show(value)} (expected a duration like PT1H30M)")
    if not math.isfinite(minutes) or minutes < 0:
        fail(where, f"bad estimate {show(value)}")
    if minutes < 0.5:
        return None
    return min(MAX_ESTIMATE_MINUTES, max(1, round(minutes)))


@lru_cache(maxsize=1024)
def _text_minutes(value: str) -> float | None:
    # Cached: a task list uses a handful of distinct estimates many times over.
    text = value.strip()
    duration = _DURATION.match(text.upper())
    if duration and text.upper() != "P":
        parts = {name: int(amount or 0) for name, amount in duration.groupdict().items()}
        return (
            parts["w"] * 7 * 24 * 60
            + parts["d"] * 24 * 60
            + parts["h"] * 60
            + parts["m"]
            + parts["s"] / 60
        )
    number = _MINUTES.match(text.lower())
    return float(number["n"]) if number else None


def _demand(value: object, where: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().lower() in _DEMAND:
        return _DEMAND[value.strip().lower()]
    fail(where, f"bad demand {show(value)} (expected low, medium or high)")


def _depends(value: object, where: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        parts: list[object] = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, list):
        parts = value
    else:
        fail(where, f"bad depends {show(value)}")
    keys = []
    for part in parts:
        if not isinstance(part, str) or not part.strip() or len(part) > 200:
            fail(where, f"bad uuid in depends: {show(part)}")
        keys.append(part.strip())
    return tuple(dict.fromkeys(keys))


def _annotations(value: object, ctx: ReadContext, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        fail(where, f"annotations must be a list, not {show(value)}")
    lines = []
    for note in value:
        if not isinstance(note, dict) or not isinstance(note.get("description"), str):
            fail(where, f"bad annotation {show(note)}")
        text = clean_line(note["description"])
        entry = note.get("entry")
        if entry:
            at = _tw_time(entry, ctx, where, "annotation").astimezone(ctx.zone)
            # Fields, not strftime/isoformat: those ask the zone for the offset again and are
            # five times slower, at one call per annotation.
            text = f"{at.year:04d}-{at.month:02d}-{at.day:02d} {at.hour:02d}:{at.minute:02d} {text}"
        lines.append(text)
    return lines


def _items(text: str, ctx: ReadContext) -> list[Any]:
    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith("["):
        document = load_json(stripped, ctx.fmt)
        if not isinstance(document, list):
            fail(ctx.fmt, "expected the JSON array that `task export` writes")
        return document
    if stripped.startswith("{"):
        whole = _one_document(stripped)
        if isinstance(whole, dict):
            if "tasks" in whole and "description" not in whole:
                fail(
                    ctx.fmt,
                    "this is a focusplan backup, not a Taskwarrior export (use --format json)",
                )
            return [whole]  # one task, maybe written over several lines
        # rc.json.array=off, and Taskwarrior before 2.4: one object per line, maybe with commas.
        items: list[Any] = []
        for number, line in enumerate(stripped.splitlines(), start=1):
            line = line.strip().rstrip(",")
            if not line:
                continue
            item = load_json(line, f"{ctx.fmt} line {number}", one_line=True)
            if not items and isinstance(item, dict) and "tasks" in item:
                fail(
                    ctx.fmt,
                    "this is a focusplan backup, not a Taskwarrior export (use --format json)",
                )
            items.append(item)
        return items
    fail(ctx.fmt, "expected the JSON array that `task export` writes")


def _content_identity(item: dict[str, Any]) -> str:
    import hashlib

    parts = [str(item.get(name) or "") for name in ("description", "entry", "project")]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return "taskwarrior:" + digest[:32]


def _one_document(text: str) -> Any:
    """The text as one JSON value, or None when it is not (objects one per line)."""
    import json

    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _task(item: dict[str, Any], number: int, ctx: ReadContext, where: str) -> ImportedTask | None:
    status_text = item.get("status", "pending")
    if not isinstance(status_text, str) or status_text not in _STATUSES:
        fail(where, f"unknown status {show(status_text)}")
    status = _STATUSES[status_text]
    if status is None:
        return None

    description = item.get("description")
    if not isinstance(description, str):
        keys = ", ".join(sorted(str(key) for key in item)[:5])
        fail(where, f"no description: not a Taskwarrior task (keys: {show(keys, 60)})")
    annotations = _annotations(item.get("annotations"), ctx, where)
    title, notes = title_and_notes(description, "\n".join(annotations), where)
    if not title:
        fail(where, "empty description")

    uuid = item.get("uuid")
    if uuid is not None and (not isinstance(uuid, str) or not uuid.strip() or len(uuid) > 200):
        fail(where, f"bad uuid {show(uuid)}")
    key = uuid.strip() if uuid else f"#{number}"
    # Without a uuid (a hand-written file; `task import` would invent one each time) the
    # task is known again by what it says, so a second import does not duplicate it.
    external_id = uuid.strip() if uuid else _content_identity(item)

    priority = item.get("priority") or ""
    if not isinstance(priority, str) or priority.strip().upper() not in _IMPORTANCE:
        fail(where, f"unknown priority {show(priority)} (expected H, M or L)")

    times = _times(item, ctx, where)
    entry, modified, end = times["entry"], times["modified"], times["end"]
    starts = [moment for moment in (times["scheduled"], times["wait"]) if moment is not None]
    fields: dict[str, Any] = {
        "title": title,
        "notes": notes,
        "importance": _IMPORTANCE[priority.strip().upper()],
        "due": times["due"],
        "not_before": max(starts) if starts else None,
        "tags": tag_list(item.get("tags"), where),
        "status": status,
        "created_at": entry or modified or ctx.now,
        "external_id": external_id,
    }
    if item.get("project"):
        fields["project"] = label(item["project"], where, "project")
    if status == "done":
        fields["completed_at"] = end or modified or fields["created_at"]
    elif status == "dropped":
        fields["dropped_at"] = end or modified
    estimate = estimate_minutes(item.get("estimate"), where)
    if estimate is not None:
        fields["estimate_minutes"] = estimate
    demand = _demand(item.get("demand"), where)
    if demand is not None:
        fields["demand"] = demand
    return _imported(key, build(NewTask, fields, where), _depends(item.get("depends"), where))


_IMPORTED_FIELDS = set(ImportedTask.model_fields)


def _imported(key: str, task: NewTask, depends_on_keys: tuple[str, ...]) -> ImportedTask:
    """`ImportedTask(...)` without validating again what is valid already (the draft was
    just validated, the key and dependency keys are text): at 100,000 tasks a second
    validation, or even `model_construct`'s per-field defaults, costs a second or more.
    Every field is given, so the model holds exactly what validation would have made."""
    imported = ImportedTask.__new__(ImportedTask)
    values = {
        "key": key,
        "task": task,
        "depends_on_keys": depends_on_keys,
        "original_id": None,
        "updated_at": None,
        "untimed": False,
    }
    object.__setattr__(imported, "__dict__", values)
    object.__setattr__(imported, "__pydantic_fields_set__", _IMPORTED_FIELDS)
    object.__setattr__(imported, "__pydantic_extra__", None)
    object.__setattr__(imported, "__pydantic_private__", None)
    return imported


def _parent_key(item: dict[str, Any], where: str) -> str | None:
    parent = item.get("parent")
    if parent is None or parent == "":
        return None
    if not isinstance(parent, str) or not parent.strip() or len(parent) > 200:
        fail(where, f"bad parent uuid {show(parent)}")
    return parent.strip()


def _series(
    item: dict[str, Any], parent: dict[str, Any] | None, key: str, ctx: ReadContext, where: str
) -> dict[str, Any] | None:
    """The series fields of an instance (or None when its rule cannot be followed)."""
    from focusplan.recurrence import RecurrenceError, canonical  # only files with rules

    template = parent if parent is not None else item
    rule = template.get("recur", item.get("recur"))
    if not isinstance(rule, str):
        return None
    try:
        recur = canonical(rule)
    except RecurrenceError:
        return None
    rtype = template.get("rtype", item.get("rtype"))
    until_where = f"{where} (its recurring parent)" if parent is not None else where
    return {
        "recur": recur,
        "recur_from": "done" if rtype == "chained" else "due",
        "recur_until": _optional_time(template, "until", ctx, until_where),
        "recur_anchor": _optional_time(template, "due", ctx, until_where)
        or _optional_time(item, "due", ctx, where),
        "series_id": key,
    }


def parse_taskwarrior(text: str, ctx: ReadContext) -> ImportBundle:
    tasks: list[ImportedTask] = []
    seen: set[str] = set()
    items = _items(text, ctx)
    parents: dict[str, dict[str, Any]] = {}
    for item in items:
        if isinstance(item, dict) and item.get("status") == "recurring":
            uuid = item.get("uuid")
            if isinstance(uuid, str) and uuid.strip():
                parents[uuid.strip()] = item
    followed: set[str] = set()
    unfollowed: set[str] = set()
    templates = 0
    for number, item in enumerate(items, start=1):
        where = f"{ctx.fmt} item {number}"
        check_count(number, ctx.fmt, "items")
        if not isinstance(item, dict):
            fail(where, f"expected an object, not {show(item)}")
        imported = _task(item, number, ctx, where)
        if imported is None:
            templates += 1
            continue
        if imported.key in seen:
            fail(where, f"uuid {imported.key} appears twice")
        seen.add(imported.key)
        parent_key = _parent_key(item, where)
        if parent_key is not None:
            series = _series(item, parents.get(parent_key), parent_key, ctx, where)
            if series is None:
                unfollowed.add(parent_key)
            else:
                followed.add(parent_key)
                # The fields are checked together (an until needs a rule) as one draft.
                draft = build(NewTask, {**imported.task.model_dump(), **series}, where)
                imported = imported.model_copy(update={"task": draft})
        tasks.append(imported)
    ordered, dangling = order_by_dependencies(tasks, ctx.fmt, lambda key: f"uuid {key}")
    lonely = templates - len(set(parents) & (followed | unfollowed))
    skipped = {"recurring templates without instances": lonely} if lonely else {}
    notes = []
    if followed:
        notes.append(
            f"{len(followed)} repeating series from recurring task"
            f"{'s' if len(followed) != 1 else ''}"
        )
    if unfollowed:
        notes.append(
            f"{len(unfollowed)} recurring task{'s' if len(unfollowed) != 1 else ''} with a rule "
            "focusplan cannot follow imported as one-off tasks"
        )
    if lonely:
        notes.append(
            f"{lonely} recurring template{'s' if lonely != 1 else ''} without instances skipped"
        )
    if dangling:
        notes.append(
            f"{dangling} dependenc{'ies' if dangling != 1 else 'y'} on tasks not in the export "
            "dropped"
        )
    return ImportBundle(format=ctx.fmt, tasks=ordered, skipped=skipped, notes=tuple(notes))
