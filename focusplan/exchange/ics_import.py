"""Reading iCalendar files into fixed context events (principle 5: external signals).

- Every VEVENT becomes a `ContextEventDraft` (source "ics"); recurring ones are expanded with
  `recurring-ical-events` (RRULE, RDATE, EXDATE, moved instances) over the import range, and
  only occurrences overlapping the range are kept, one-off events included. Plainly one-off
  events are read directly, as the library would read them (`ics_one_off`), and content
  lines without parameters are split before icalendar parses them (`ics_lines`): a
  50,000-meeting calendar is read in half the time.
- Times with a TZID or in UTC keep their instant (shown in the person's zone); floating times
  and TZIDs nobody knows are read in the person's zone. All-day events keep whole days and
  are marked `all_day` (context for the day, never blocks).
- The uid is the event's UID; each occurrence of a recurring event gets `UID/` and its
  original start (its RECURRENCE-ID), so importing the same calendar again updates instead of
  duplicating, even for a moved occurrence. An override with `RANGE=THISANDFUTURE` shifts
  every later occurrence; each keeps its own original start (the override's RECURRENCE-ID
  plus its distance from the override), never the override's one, which they all share.
  (recurring-ical-events' own occurrence id holds the current start, which changes when
  an occurrence is moved: stored, a moved occurrence would be imported twice.)
  Events without a UID get one derived from start and title.
- Cancelled events and occurrences are skipped, VTODO items are ignored; both are counted.
- A rule that would make more than 50,000 occurrences in the range (every minute, every
  second…) is refused, and so is a file whose rules together would make more than 100,000:
  before anything is expanded, from an upper bound of each rule, so a 6 KB file cannot
  fill the memory.
- What calendar programs really write is read: Exchange's `BYDAY=MO, TU` (spaces in a
  rule), vendor TZIDs (icalendar's guess is kept and said in a note, not printed as a
  warning beside the result).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import re
import warnings
from typing import Any

from focusplan.domain import ContextEventDraft

from .bundle import ImportBundle, ImportFormatError
from .fields import ReadContext, build, check_range, clean_line, fail, short_title, show
from .ics_lines import content_lines
from .ics_one_off import NotOneOff, Span, is_plain, one_off_span

MAX_OCCURRENCES_PER_SERIES = 50_000
MAX_EVENTS = 100_000
MAX_UID_LENGTH = 500
# One-off events read directly (`ics_one_off`) instead of expanded by the library; False:
# every event through the library (the tests compare the two).
DIRECT_ONE_OFFS = True

_PER_DAY = {"SECONDLY": 86_400, "MINUTELY": 1_440, "HOURLY": 24}
_FINER = {"BYHOUR": "HOURLY", "BYMINUTE": "MINUTELY", "BYSECOND": "SECONDLY"}
_RECURRENCE = ("RRULE", "RDATE", "RECURRENCE-ID")
_ORDER = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]


def _describe(component: Any) -> str:
    try:
        summary = clean_line(str(component.get("SUMMARY", "")))
        uid = clean_line(str(component.get("UID", "")))
    except ValueError:  # a broken property: icalendar raises when it is read
        return "event"
    if summary and uid:
        return f"event {show(summary)} ({show(uid, 60)})"
    return f"event {show(summary or uid or '?')}"


def _occurrence_bound(rule: Any, days: int) -> float:
    """At most how many times one RRULE fires in `days` days (a generous upper bound)."""
    freq = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
    try:
        interval = max(1, int((rule.get("INTERVAL") or [1])[0]))
    except (TypeError, ValueError):
        interval = 1
    per_day = _PER_DAY.get(freq, 1) / interval
    rank = _ORDER.index(freq) if freq in _ORDER else _ORDER.index("DAILY")
    for part, finer in _FINER.items():
        values = rule.get(part)
        if values and _ORDER.index(finer) < rank:
            per_day *= len(values)
    bound = min(per_day, 86_400) * (days + 1)
    count = rule.get("COUNT")
    if count:
        with contextlib.suppress(TypeError, ValueError):
            bound = min(bound, int(count[0]))
    return bound


def _check_series(component: Any, ctx: ReadContext) -> float:
    """At most how many occurrences the event makes in the range; refuses a series that
    makes too many on its own."""
    days = max(0, (ctx.range_end - ctx.range_start).days)
    rules = component.get("RRULE")
    bound = 1.0
    for rule in [] if rules is None else rules if isinstance(rules, list) else [rules]:
        series = _occurrence_bound(rule, days)
        if series > MAX_OCCURRENCES_PER_SERIES:
            fail(
                f"{ctx.fmt} {_describe(component)}",
                f"repeats too often (more than {MAX_OCCURRENCES_PER_SERIES:,} times in the range)",
            )
        bound += series
    dates = component.get("RDATE")
    for rdate in [] if dates is None else dates if isinstance(dates, list) else [dates]:
        bound += len(getattr(rdate, "dts", ()) or ())
    return bound


def _aware(value: dt.date | dt.datetime, ctx: ReadContext) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.replace(tzinfo=ctx.zone)
        return value.astimezone(ctx.zone)
    return dt.datetime.combine(value, dt.time(0, 0), tzinfo=ctx.zone)


def _instance_id(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.strftime("%Y%m%dT%H%M%S")  # floating: the same wherever it is read
        return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


# (UID, RECURRENCE-ID of a THISANDFUTURE override) → the override's own start.
_Ranges = dict[tuple[str, str], dt.date | dt.datetime]


def _original_start(component: Any, ranges: _Ranges, uid: str) -> dt.date | dt.datetime:
    """The start this occurrence had in the series before any override moved it."""
    recurrence_id = component["RECURRENCE-ID"].dt
    moved_from = ranges.get((uid, _instance_id(recurrence_id)))
    if moved_from is None:
        return recurrence_id
    # Under a THISANDFUTURE override every later occurrence carries the override's
    # RECURRENCE-ID; RFC 5545 shifts each by the override's own shift.
    start = component.get("DTSTART")
    if start is None or type(start.dt) is not type(moved_from):
        return recurrence_id
    with contextlib.suppress(TypeError, ValueError, OverflowError):
        return recurrence_id + (start.dt - moved_from)
    return recurrence_id


def _uid(
    component: Any, recurring: set[str], ranges: _Ranges, start: dt.datetime, title: str
) -> str:
    uid = clean_line(str(component.get("UID", "")))
    if not uid:
        digest = hashlib.sha1(f"{start.isoformat()}|{title}".encode()).hexdigest()
        return f"focusplan-ics-{digest[:24]}"
    if uid in recurring and component.get("RECURRENCE-ID") is not None:
        uid = f"{uid}/{_instance_id(_original_start(component, ranges, uid))}"
    if len(uid) > MAX_UID_LENGTH:
        uid = "sha1:" + hashlib.sha1(uid.encode()).hexdigest()
    return uid


def _event(
    component: Any,
    recurring: set[str],
    ranges: _Ranges,
    ctx: ReadContext,
    span: Span | None = None,
) -> ContextEventDraft:
    """The event of one occurrence: the library's copy of the component, or a one-off
    component with the `span` read directly (`ics_one_off`)."""
    try:
        return _event_at(component, recurring, ranges, ctx, span, "")
    except ImportFormatError:
        # Read again to name the event: describing every event costs more than reading it.
        return _event_at(
            component, recurring, ranges, ctx, span, f"{ctx.fmt} {_describe(component)}"
        )


def _event_at(
    component: Any,
    recurring: set[str],
    ranges: _Ranges,
    ctx: ReadContext,
    span: Span | None,
    where: str,
) -> ContextEventDraft:
    if span is not None:
        raw_start, raw_end = span
    else:
        try:
            raw_start = component.start
            raw_end = component.end
        except (ValueError, LookupError, TypeError) as exc:
            fail(where, f"bad start or end ({clean_line(str(exc))[:80]})")
    all_day = not isinstance(raw_start, dt.datetime)
    start = check_range(_aware(raw_start, ctx), where, raw_start, ctx.zone)
    end = check_range(_aware(raw_end, ctx), where, raw_end, ctx.zone)
    title = short_title(str(component.get("SUMMARY", "")))
    fields = {
        "start": start,
        "end": end,
        "title": title,
        "uid": _uid(component, recurring, ranges, start, title),
        "source": "ics",
        "all_day": all_day,
    }
    return build(ContextEventDraft, fields, where)


def _broken(exc: Exception) -> str:
    return f"bad calendar data ({clean_line(str(exc))[:120]})"


def _cancelled(component: Any) -> bool:
    return str(component.get("STATUS", "")).strip().upper() == "CANCELLED"


# Exchange writes `BYDAY=MO, TU`; RFC 5545 has no spaces in a rule, and icalendar refuses
# the whole calendar for one. Unfolded first, so a rule folded over two lines is mended too.
_FOLD = re.compile(r"\r?\n[ \t]")
_RULE_LINE = re.compile(r"^((?:RRULE|EXRULE)[;:][^\r\n]*)", re.MULTILINE | re.IGNORECASE)
_RULE_SPACE = re.compile(r"\s*([,;=])\s*")


def _mend_rules(text: str) -> str:
    if "RULE" not in text.upper():
        return text
    text = _FOLD.sub("", text)
    return _RULE_LINE.sub(lambda match: _RULE_SPACE.sub(r"\1", match.group(1)).rstrip(), text)


def _thisandfuture(component: Any) -> tuple[str, str, dt.date | dt.datetime] | None:
    recurrence = component.get("RECURRENCE-ID")
    if recurrence is None or str(recurrence.params.get("RANGE", "")).upper() != "THISANDFUTURE":
        return None
    start = component.get("DTSTART")
    if start is None:
        return None
    uid = clean_line(str(component.get("UID", "")))
    return uid, _instance_id(recurrence.dt), start.dt


def parse_ics(text: str, ctx: ReadContext) -> ImportBundle:
    # What icalendar warns about (a guessed vendor TZID) becomes a note of the result: on
    # stderr it would stand beside the one line the command prints.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bundle = _parse_ics(text, ctx)
    said = list(dict.fromkeys(clean_line(str(warning.message))[:160] for warning in caught))
    if said:
        extra = f" (and {len(said) - 3} more)" if len(said) > 3 else ""
        bundle = bundle.model_copy(
            update={"notes": (*bundle.notes, *(f"calendar: {note}" for note in said[:3]))}
        )
        if extra:
            bundle = bundle.model_copy(
                update={"notes": (*bundle.notes[:-1], bundle.notes[-1] + extra)}
            )
    return bundle


def _parse_ics(text: str, ctx: ReadContext) -> ImportBundle:
    # Heavy imports (~100 ms) only when a calendar is actually read.
    import icalendar

    if not text.strip():
        return ImportBundle(format=ctx.fmt)
    try:
        calendars = icalendar.Calendar.from_ical(content_lines(_mend_rules(text)), multiple=True)
    except Exception as exc:
        # icalendar's parser raises ValueError for most junk, but AttributeError and others
        # for some (a repeated TZID line): for our contract all of them mean "not a calendar".
        fail(ctx.fmt, f"not a valid calendar: {clean_line(str(exc))[:120]}")
    if not calendars:
        fail(ctx.fmt, "no calendar found (expected BEGIN:VCALENDAR)")

    events: dict[str, ContextEventDraft] = {}
    cancelled = 0
    todos = 0
    bound = 0.0
    for calendar in calendars:
        todos += len(calendar.walk("VTODO"))
        recurring: set[str] = set()
        ranges: _Ranges = {}
        for component in calendar.walk("VEVENT"):
            try:
                if any(component.get(name) is not None for name in _RECURRENCE):
                    recurring.add(clean_line(str(component.get("UID", ""))))
                if (moved := _thisandfuture(component)) is not None:
                    ranges[moved[:2]] = moved[2]
                bound += _check_series(component, ctx)
            except ImportFormatError:
                raise
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                # icalendar keeps broken properties and raises when they are read.
                fail(f"{ctx.fmt} {_describe(component)}", _broken(exc))
            if bound > MAX_EVENTS:
                fail(
                    ctx.fmt,
                    f"its rules repeat more than {MAX_EVENTS:,} times in the range altogether; "
                    "split the calendar or narrow the range",
                )
        try:
            found, dropped = _calendar_events(
                calendar, recurring, ranges, ctx, len(events), direct=DIRECT_ONE_OFFS
            )
        except (_Mixed, ImportFormatError):
            if not DIRECT_ONE_OFFS:
                raise
            # The library alone: a broken calendar is reported as it always was (the first
            # fault in the library's reading order), and a uid both read directly and
            # expanded keeps the library's winner.
            found, dropped = _calendar_events(calendar, recurring, ranges, ctx, len(events))
        cancelled += dropped
        for uid, event in found:
            # The same uid twice (a calendar exported twice into one file): the last one wins,
            # which is what re-importing would do anyway.
            events.pop(uid, None)
            events[uid] = event

    skipped = {}
    notes = []
    if cancelled:
        skipped["cancelled events"] = cancelled
    if todos:
        skipped["to-dos (VTODO)"] = todos
        notes.append(
            f"{todos} VTODO item{'s' if todos != 1 else ''} ignored: "
            "tasks come from Taskwarrior, todo.txt or a focusplan backup"
        )
    ordered = sorted(events.values(), key=lambda event: (event.start, event.uid or ""))
    return ImportBundle(format=ctx.fmt, events=ordered, skipped=skipped, notes=tuple(notes))


class _Mixed(Exception):
    """A uid read directly is also one of the library's: which wins depends on the order
    the library reads them in, so the calendar is read by the library alone."""


def _calendar_events(
    calendar: Any,
    recurring: set[str],
    ranges: _Ranges,
    ctx: ReadContext,
    known: int,
    *,
    direct: bool = False,
) -> tuple[list[tuple[str, ContextEventDraft]], int]:
    """The events of one calendar's occurrences in the range (uid and event, in reading
    order), and how many occurrences were cancelled. `known`: events of earlier calendars."""
    start = ctx.range_start.astimezone(ctx.zone)
    end = ctx.range_end.astimezone(ctx.zone)
    try:
        occurrences = (
            _occurrences(calendar, recurring, start, end)
            if direct
            else [(component, None) for component in _library(calendar, start, end)]
        )
    except Exception as exc:  # the library raises its own types and stdlib ones
        fail(ctx.fmt, f"cannot expand the calendar ({clean_line(str(exc))[:120]})")
    if len(occurrences) + known > MAX_EVENTS:
        fail(ctx.fmt, f"more than {MAX_EVENTS:,} events in the range; narrow the range")
    found: list[tuple[str, ContextEventDraft]] = []
    cancelled = 0
    direct_uids: set[str] = set()
    library_uids: set[str] = set()
    for component, span in occurrences:
        try:
            if _cancelled(component):
                cancelled += 1
                continue
            event = _event(component, recurring, ranges, ctx, span)
        except ImportFormatError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            fail(f"{ctx.fmt} {_describe(component)}", _broken(exc))
        uid = event.uid or ""
        (library_uids if span is None else direct_uids).add(uid)
        found.append((uid, event))
    if direct_uids and not direct_uids.isdisjoint(library_uids):
        raise _Mixed
    return found, cancelled


def _library(calendar: Any, start: dt.datetime, end: dt.datetime) -> list[Any]:
    import recurring_ical_events

    return list(recurring_ical_events.of(calendar).between(start, end))


def _occurrences(
    calendar: Any, recurring: set[str], start: dt.datetime, end: dt.datetime
) -> list[tuple[Any, Span | None]]:
    """What `recurring_ical_events.of(calendar).between(start, end)` finds, with the
    plainly one-off events read directly: (the library's copy, None), then (the event
    itself, its span)."""
    import recurring_ical_events
    import x_wr_timezone  # the library's own first step (`of`), done once here

    standard = x_wr_timezone.to_standard(calendar)
    # Grouped by UID as the library groups them into series.
    by_uid: dict[Any, list[Any]] = {}
    for component in standard.walk("VEVENT"):
        by_uid.setdefault(component.get("UID", str(id(component))), []).append(component)
    series: list[list[Any]] = []
    direct: list[tuple[Any, Span | None]] = []
    for group in by_uid.values():
        component = group[0]
        if len(group) == 1 and is_plain(component) and _own_uid(component, recurring):
            try:
                span = one_off_span(component, start, end)
            except NotOneOff:
                series.append(group)
                continue
            if span is not None:
                direct.append((component, span))
        else:
            series.append(group)
    query = recurring_ical_events.CalendarQuery(standard, components=[_series_class()(series)])
    return [(component, None) for component in query.between(start, end)] + direct


def _own_uid(component: Any, recurring: set[str]) -> bool:
    """No recurring event's cleaned UID is this one's (its occurrence uid would gain the
    RECURRENCE-ID the library adds to every copy)."""
    uid = clean_line(str(component.get("UID", "")))
    return not uid or uid not in recurring


@functools.cache
def _series_class() -> type:
    """A `SelectComponents` of the events the library still reads, made when first needed
    (the library is imported only when a calendar is read)."""
    from recurring_ical_events import SelectComponents, Series
    from recurring_ical_events.adapters.event import EventAdapter

    class GroupedEvents(SelectComponents):
        def __init__(self, groups: list[list[Any]]) -> None:
            self._groups = groups

        @staticmethod
        def component_name() -> str:
            return "VEVENT"

        def collect_series_from(self, source: Any, suppress_errors: Any) -> list[Any]:
            # As the library's `ComponentsWithName("VEVENT")` makes them, for these groups.
            return [Series([EventAdapter(event) for event in group]) for group in self._groups]

    return GroupedEvents
