"""Reading todo.txt (https://github.com/todotxt/todo.txt), one task per non-blank line.

- `x ` at the start: done; the date after it is the completion date, the next one the
  creation date. Otherwise an optional `(A)` priority, then an optional creation date.
- Priority → importance: (A) 5, (B) 4, (C) 3, (D)…(Z) 2, none 3 (C and "none" are the same:
  most lists only use A and B for what stands out). `pri:X` (kept by some tools on done
  lines) counts too.
- `+project`: the first is the project, the others become tags; `@context` becomes a tag.
  These words are taken out of the title.
- `due:YYYY-MM-DD` → due, `t:YYYY-MM-DD` (threshold) → not_before, both at the start of that
  day in the person's zone; `est:` the estimate in minutes (`90`, `45m`, `1h30m`), capped at
  24 h; `demand:low|medium|high`. Other `key:value` words (and URLs) stay in the title.
- `rec:` (the recurrence extension of SimpleTask and topydo): `rec:1w` repeats counted from
  the completion, `rec:+1w` ("strict") from the due (or `t:`) date; units d, w, m, y and
  `1b` (business days: weekdays). The lines of one repeating task (its open line and the
  done ones left behind) share a series id made from the title, the project and the rule;
  a rule focusplan cannot follow (`rec:2b`) leaves the task one-off, noted.
- A missing creation date is the completion date for done tasks, else the import time; a
  done task without a completion date is completed at its creation date.
- A line of only `+project` and `@context` words (todo.txt tools keep it as a task) is a task
  titled by those words.
The key of each task is its line number. Its identity (`external_id`) is `todo.txt:` and a
digest of its creation date, text, projects and contexts: what stays when the line is marked
done, reprioritised or given a due date, so importing the file again updates the same tasks.
Identical lines are told apart by how many came before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from focusplan.domain import MAX_ESTIMATE_MINUTES, NewTask

from .bundle import ImportBundle, ImportedTask
from .fields import (
    ReadContext,
    build,
    check_count,
    day_start,
    fail,
    iso_date,
    label,
    show,
    title_and_notes,
)

# Only real line ends: str.splitlines also splits on form feeds and other separators,
# which would put error messages on the wrong line number.
_LINE_END = re.compile(r"\r\n|\r|\n")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PRIORITY = re.compile(r"^\(([A-Z])\)$")
_ESTIMATE = re.compile(r"^(?:(?P<h>\d{1,3})h)?(?:(?P<m>\d{1,5})(?:m|min)?)?$")
_KEYS = frozenset({"due", "t", "est", "rec", "pri", "demand"})
_DEMANDS = frozenset({"low", "medium", "high"})
_REC = re.compile(r"^(?P<strict>\+)?(?P<n>\d{1,3})?(?P<unit>[dwmyb])$")


def _rec(text: str) -> tuple[str, str] | None:
    """(canonical rule, recur_from) of a `rec:` value, or None when it cannot be followed."""
    from focusplan.recurrence import RecurrenceError, canonical  # only files with rules

    match = _REC.match(text.lower())
    if match is None:
        return None
    count = int(match["n"] or 1)
    try:
        if match["unit"] == "b":
            if count != 1:
                return None
            rule = canonical("weekdays")
        else:
            rule = canonical(f"{count}{match['unit']}")
    except RecurrenceError:
        return None
    return rule, "due" if match["strict"] else "done"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def importance_of(letter: str | None) -> int:
    if letter is None:
        return 3
    return {"A": 5, "B": 4, "C": 3}.get(letter, 2)


def _estimate(text: str, where: str) -> int | None:
    match = _ESTIMATE.match(text.lower())
    if not match or not (match["h"] or match["m"]):
        fail(where, f"bad est {show(text)} (expected minutes, like 90 or 1h30m)")
    minutes = int(match["h"] or 0) * 60 + int(match["m"] or 0)
    if minutes == 0:
        return None
    return min(MAX_ESTIMATE_MINUTES, minutes)


def _line(line: str, number: int, ctx: ReadContext, where: str) -> tuple[ImportedTask, bool]:
    """The task of one line, and whether it had a `rec:` rule focusplan cannot follow."""
    words = line.split()
    index = 0
    done = len(words) > 1 and words[0] == "x"
    completed: dt.date | None = None
    created: dt.date | None = None
    priority: str | None = None
    if done:
        index = 1
        if index < len(words) and _PRIORITY.match(words[index]):
            priority = words[index][1]
            index += 1
        if index < len(words) and _DATE.match(words[index]):
            completed = iso_date(words[index], where, "completion date")
            index += 1
    elif _PRIORITY.match(words[0]):
        priority = words[0][1]
        index = 1
    if index < len(words) and _DATE.match(words[index]):
        created = iso_date(words[index], where, "creation date")
        index += 1

    title_words: list[str] = []
    projects: list[str] = []
    tags: list[str] = []
    fields: dict[str, Any] = {}
    recurs = False
    rec: tuple[str, str] | None = None
    for word in words[index:]:
        if len(word) > 1 and word[0] == "+":
            projects.append(label(word[1:], where, "project"))
            continue
        if len(word) > 1 and word[0] == "@":
            tags.append(label(word[1:], where, "context"))
            continue
        key, colon, value = word.partition(":")
        if not colon or key not in _KEYS or not value:
            title_words.append(word)
        elif key == "due":
            fields["due"] = day_start(iso_date(value, where, "due date"), ctx.zone, where)
        elif key == "t":
            fields["not_before"] = day_start(
                iso_date(value, where, "threshold date"), ctx.zone, where
            )
        elif key == "est":
            estimate = _estimate(value, where)
            if estimate is not None:
                fields["estimate_minutes"] = estimate
        elif key == "pri":
            if len(value) != 1 or not value.isalpha():
                fail(where, f"bad pri {show(value)} (expected a letter)")
            priority = priority or value.upper()
        elif key == "demand":
            if value.lower() not in _DEMANDS:
                fail(where, f"bad demand {show(value)} (expected low, medium or high)")
            fields["demand"] = value.lower()
        else:  # rec:
            rec = _rec(value)
            recurs = rec is None

    if not title_words:
        # Only +project/@context words: todo.txt keeps the line as a task, so do we.
        title_words = [word for word in words[index:] if word[:1] in "+@" and len(word) > 1]
    title, notes = title_and_notes(" ".join(title_words), "", where)
    if not title:
        fail(where, "no task text")
    if projects:
        fields["project"] = projects[0]
    created_at = day_start(created, ctx.zone, where) if created else None
    completed_at = day_start(completed, ctx.zone, where) if completed else None
    fields.update(
        title=title,
        notes=notes,
        importance=importance_of(priority),
        tags=(*projects[1:], *tags),
        status="done" if done else "open",
        created_at=created_at or completed_at or ctx.now,
    )
    if done:
        fields["completed_at"] = completed_at or fields["created_at"]
    fields["external_id"] = _identity(created, title, projects, tags)
    if rec is not None:
        rule, recur_from = rec
        fields.update(
            recur=rule,
            recur_from=recur_from,
            recur_anchor=fields.get("due") or fields.get("not_before"),
            series_id="todo.txt:" + _digest(title, fields.get("project") or "", rule),
        )
    task = build(NewTask, fields, where)
    return ImportedTask(key=str(number), task=task), recurs


def _identity(created: dt.date | None, title: str, projects: list[str], contexts: list[str]) -> str:
    text = "\x1f".join(
        [created.isoformat() if created else "", title, " ".join(projects), " ".join(contexts)]
    )
    return "todo.txt:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def parse_todotxt(text: str, ctx: ReadContext) -> ImportBundle:
    tasks: list[ImportedTask] = []
    unfollowed = 0
    repeats: dict[str, int] = {}
    for number, line in enumerate(_LINE_END.split(text), start=1):
        if not line.strip():
            continue
        check_count(len(tasks) + 1, ctx.fmt, "tasks")
        task, recurs = _line(line, number, ctx, f"{ctx.fmt} line {number}")
        identity = task.task.external_id or ""
        repeats[identity] = repeats.get(identity, 0) + 1
        if repeats[identity] > 1:
            # The same line twice is two tasks (two calls to make), each with its identity.
            task = task.model_copy(
                update={
                    "task": task.task.model_copy(
                        update={"external_id": f"{identity}#{repeats[identity]}"}
                    )
                }
            )
        tasks.append(task)
        unfollowed += recurs
    notes: tuple[str, ...] = ()
    if unfollowed:
        notes = (
            f"rec: not followed on {unfollowed} task{'s' if unfollowed != 1 else ''} "
            "(focusplan repeats by days, weeks, months, years or weekdays)",
        )
    return ImportBundle(format=ctx.fmt, tasks=tasks, notes=notes)
