"""Turning the raw values of foreign files into field values the domain models accept.

Every reader shares these rules, so the same text means the same thing in every format:
naive times are in the person's zone, text loses control characters (they would reach a
terminal unescaped), an over-long title is shortened and kept whole in the notes.
"""

from __future__ import annotations

import datetime as dt
import reprlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NoReturn, TypeVar

from pydantic import BaseModel, ValidationError

from focusplan.domain import MAX_LABEL_LENGTH, MAX_NOTES_LENGTH, MAX_TITLE_LENGTH
from focusplan.text import CONTROL, LINE_BREAKS, clean_line, clean_notes

from .bundle import MAX_ITEMS, ImportedTask, ImportFormatError

M = TypeVar("M", bound=BaseModel)

# What the store holds (UTC ISO text, years 1–9999): a todo.txt `due:3000-01-01` or a 1965
# calendar is real data. Times whose instant, in UTC or in the person's zone, falls off
# the ends of the calendar are refused by `check_range`.
MIN_YEAR = 1
MAX_YEAR = 9999


@dataclass(frozen=True)
class ReadContext:
    """What every reader needs besides the text: the clock and the person's zone."""

    fmt: str
    now: dt.datetime
    zone: dt.tzinfo
    range_start: dt.datetime
    range_end: dt.datetime


def fail(where: str, message: str) -> NoReturn:
    raise ImportFormatError(f"{where}: {message}")


def check_count(count: int, where: str, what: str) -> None:
    """Refuse a file with more than MAX_ITEMS of something (`count` includes the next one)."""
    if count > MAX_ITEMS:
        fail(where, f"more than {MAX_ITEMS:,} {what}; split the file")


def show(value: object, limit: int = 40) -> str:
    """A short quotation of a bad value for an error message."""
    # reprlib: a bad item may be a list of a million things; only its start is worth showing.
    text = value if isinstance(value, str) else reprlib.repr(value)
    text = LINE_BREAKS.sub(" ", CONTROL.sub("?", text))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def decode_text(data: bytes, fmt: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused."""
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        name = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise ImportFormatError(
            f"{fmt}: the file is not {name} text (bad byte at offset {exc.start})"
        ) from None


def title_and_notes(title: str, notes: str, where: str) -> tuple[str, str]:
    """A title that fits the domain's limit; a longer one is kept whole at the top of the notes.

    Text too long even for the notes is refused: cutting it silently would lose data.
    """
    title = clean_line(title)
    notes = clean_notes(notes)
    if len(title) > MAX_TITLE_LENGTH:
        if len(title) > MAX_NOTES_LENGTH:
            fail(where, f"the title is longer than {MAX_NOTES_LENGTH} characters")
        notes = f"{title}\n\n{notes}" if notes else title
        title = title[: MAX_TITLE_LENGTH - 1].rstrip() + "…"
    if len(notes) > MAX_NOTES_LENGTH:
        fail(where, f"notes are longer than {MAX_NOTES_LENGTH} characters")
    return title, notes


def short_title(text: str) -> str:
    """A title for something without notes (an event): shortened to the domain's limit."""
    text = clean_line(text)
    if len(text) > MAX_TITLE_LENGTH:
        text = text[: MAX_TITLE_LENGTH - 1].rstrip() + "…"
    return text


def label(value: object, where: str, what: str) -> str:
    if not isinstance(value, str):
        fail(where, f"{what} must be text, not {show(value)}")
    text = _clean_label(value)
    if len(text) > MAX_LABEL_LENGTH:
        fail(where, f"{what} {show(text)} is longer than {MAX_LABEL_LENGTH} characters")
    return text


@lru_cache(maxsize=4096)
def _clean_label(text: str) -> str:
    # Cached: projects and tags repeat across thousands of tasks.
    return clean_line(text)


def tag_list(value: object, where: str) -> tuple[str, ...]:
    """Tags from a list of text or one comma/space separated text."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list | tuple):
        fail(where, f"tags must be a list of text, not {show(value)}")
    if all(isinstance(tag, str) for tag in value):
        known = _clean_tags(tuple(value))
        if known is not None:
            return known
    tags = [label(tag, where, "tag") for tag in value]  # fails naming the bad tag
    return tuple(tag for tag in tags if tag)


@lru_cache(maxsize=4096)
def _clean_tags(tags: tuple[str, ...]) -> tuple[str, ...] | None:
    # Cached: a task list uses a few tag combinations thousands of times. None: a tag is
    # too long, and the slow path above says which.
    cleaned = tuple(_clean_label(tag) for tag in tags)
    if any(len(tag) > MAX_LABEL_LENGTH for tag in cleaned):
        return None
    return tuple(tag for tag in cleaned if tag)


def check_range(
    value: dt.datetime, where: str, raw: object, zone: dt.tzinfo | None = None
) -> dt.datetime:
    if MIN_YEAR < value.year < MAX_YEAR and value.tzinfo is not None:
        # A zone moves a time by less than a day: away from the first and last year it
        # cannot leave the calendar (two zone conversions per time, 200,000 at an import).
        return value
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        fail(where, f"time {show(raw)} is outside the years {MIN_YEAR}–{MAX_YEAR}")
    try:
        value.astimezone(dt.UTC)
        value.astimezone(zone or dt.UTC)
    except (OverflowError, ValueError):
        fail(where, f"time {show(raw)} is out of range (too near the year 1 or 9999)")
    return value


def iso_time(value: object, ctx: ReadContext, where: str, what: str) -> dt.datetime:
    """An ISO 8601 time (a date alone is its start of day); naive means the person's zone."""
    if isinstance(value, str) and 0 < len(value) <= 64:
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            fail(where, f"bad {what} {show(value)} (expected ISO 8601, like 2026-11-23T09:00)")
    else:
        fail(where, f"bad {what} {show(value)} (expected ISO 8601, like 2026-11-23T09:00)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ctx.zone)
    return check_range(parsed, where, value, ctx.zone)


def optional_iso_time(value: object, ctx: ReadContext, where: str, what: str) -> dt.datetime | None:
    if value is None or value == "":
        return None
    return iso_time(value, ctx, where, what)


def day_start(day: dt.date, zone: dt.tzinfo, where: str = "") -> dt.datetime:
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone)
    return check_range(start, where, day.isoformat(), zone)


def iso_date(text: str, where: str, what: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        fail(where, f"bad {what} {show(text)} (expected YYYY-MM-DD)")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        fail(where, f"{what} {show(text)} is outside the years {MIN_YEAR}–{MAX_YEAR}")
    return day


def build(model: type[M], data: Mapping[str, Any], where: str) -> M:
    """Validate a domain model, turning pydantic's report into one line naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fail(where, validation_message(exc))


def validation_message(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False)
    if not errors:
        return "invalid item"
    first = errors[0]
    field = ".".join(str(part) for part in first.get("loc", ()))
    message = str(first.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    text = f"{field}: {message}" if field else message
    if "input" in first and field:
        text += f" (got {show(first['input'])})"
    if len(errors) > 1:
        text += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return clean_line(text)


def order_by_dependencies(
    tasks: list[ImportedTask], fmt: str, describe: Callable[[str], str] = str
) -> tuple[list[ImportedTask], int]:
    """Tasks with each one after its dependencies (file order otherwise), and dangling links.

    A dependency on a key the file does not hold (a filtered export, a skipped template) is
    dropped and counted; a cycle is an error, the store would refuse it anyway.
    """
    known = {item.key for item in tasks}
    dangling = 0
    cleaned: dict[str, ImportedTask] = {}
    for item in tasks:
        if item.depends_on_keys:  # most tasks depend on none
            kept = tuple(key for key in item.depends_on_keys if key in known)
            dangling += len(item.depends_on_keys) - len(kept)
            if kept != item.depends_on_keys:
                item = item.model_copy(update={"depends_on_keys": kept})
        cleaned[item.key] = item

    # Iterative depth-first search: a chain of 10,000 dependencies must not hit the
    # recursion limit. 0 = unseen, 1 = on the current path, 2 = placed.
    state: dict[str, int] = dict.fromkeys(cleaned, 0)
    ordered: list[ImportedTask] = []
    for root, root_item in cleaned.items():
        if state[root]:
            continue
        if not root_item.depends_on_keys:  # placed at once, as the search below would
            state[root] = 2
            ordered.append(root_item)
            continue
        stack: list[tuple[str, Iterable[str]]] = [(root, iter(cleaned[root].depends_on_keys))]
        state[root] = 1
        while stack:
            key, pending = stack[-1]
            for dep in pending:
                if state[dep] == 1:
                    path = [k for k, _ in stack]
                    cycle = [*path[path.index(dep) :], dep]
                    shown = " → ".join(describe(k) for k in cycle[:6])
                    if len(cycle) > 6:
                        shown += " → …"
                    raise ImportFormatError(
                        f"{fmt}: tasks depend on each other in a cycle: {shown}"
                    )
                if state[dep] == 0:
                    state[dep] = 1
                    stack.append((dep, iter(cleaned[dep].depends_on_keys)))
                    break
            else:
                stack.pop()
                state[key] = 2
                ordered.append(cleaned[key])
    return ordered, dangling
