"""One-off calendar events read directly, without expanding them as a series.

`recurring-ical-events` turns every VEVENT into a series, finds its occurrences in the range
and copies the component for each: for a 50,000-event calendar of one-off meetings that is
40% of the import, for an answer a few comparisons give. An event is read here only when
it is plainly one-off: no RRULE, RDATE, EXDATE, EXRULE or RECURRENCE-ID, the only event of
its UID, a start and an end of the same kind (two dates, or two times both with or both
without a zone), an integer SEQUENCE if any. Everything else — and anything that raises
while it is read — goes to the library, which reports it as it always did.

For the events read here, the steps are the library's own (`Series`, `RecurrenceRules`,
`Series.between`, `Occurrence.as_component`) for a series of one component, with its own
helpers, so the occurrence, its start and its end are exactly what it would return.
`tests/unit/test_ics_one_off.py` holds the two side by side on varied events.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

_RECURRENCE = ("RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID")
_NO_SHIFT = dt.timedelta(0)
_PYTZ_MARGIN = dt.timedelta(hours=1)

Span = tuple[dt.date, dt.date]


@functools.cache
def _library() -> tuple[Any, ...]:
    """The library's event adapter and time helpers, imported once a calendar is read."""
    from recurring_ical_events.adapters.event import EventAdapter
    from recurring_ical_events.util import (
        convert_to_date,
        convert_to_datetime,
        is_pytz,
        is_pytz_dt,
        normalize_pytz,
        time_span_contains_event,
    )

    return (
        EventAdapter,
        convert_to_date,
        convert_to_datetime,
        is_pytz,
        is_pytz_dt,
        normalize_pytz,
        time_span_contains_event,
    )


class NotOneOff(Exception):
    """The event is a series, an override or something unusual: the library reads it."""


def is_plain(component: Any) -> bool:
    """No recurrence property at all (an EXDATE alone still goes to the library)."""
    return not any(name in component for name in _RECURRENCE)


def one_off_span(component: Any, span_start: dt.datetime, span_stop: dt.datetime) -> Span | None:
    """The (start, end) of a plain one-off event inside the span, None when it is outside.

    Raises NotOneOff when the event must be read by the library (see the module doc);
    the caller has checked `is_plain` and that no other event shares its UID.
    """
    (
        EventAdapter,
        convert_to_date,
        convert_to_datetime,
        is_pytz,
        is_pytz_dt,
        normalize_pytz,
        contains,
    ) = _library()
    sequence = component.get("SEQUENCE")
    if sequence is not None and (not isinstance(sequence, int) or isinstance(sequence, bool)):
        raise NotOneOff
    try:
        adapter = EventAdapter(component)
        start, end = adapter.span  # DTEND, DURATION or the default end; swapped if reversed
        duration = adapter.duration
    except Exception as exc:  # a broken DTSTART, DURATION…: the library says what
        raise NotOneOff from exc
    if not (isinstance(start, dt.date) and isinstance(end, dt.date)):
        raise NotOneOff
    timed = isinstance(start, dt.datetime)
    if timed != isinstance(end, dt.datetime):
        raise NotOneOff
    if (
        isinstance(start, dt.datetime)
        and isinstance(end, dt.datetime)
        and (start.tzinfo is None) != (end.tzinfo is None)
    ):
        raise NotOneOff
    try:
        # RecurrenceRules: the zone of the series is the first zone among its times.
        zone = next(
            (
                moment.tzinfo
                for moment in (start, end)
                if isinstance(moment, dt.datetime) and moment.tzinfo is not None
            ),
            None,
        )
        first = convert_to_datetime(start, zone)
        # Series.rrule_between: the span reaches back by the event's length.
        low = convert_to_datetime(normalize_pytz(span_start - duration), zone)
        high = convert_to_datetime(normalize_pytz(span_stop + _NO_SHIFT), zone)
        if is_pytz(zone):
            low = normalize_pytz(low - _PYTZ_MARGIN)
            high = normalize_pytz(high + _PYTZ_MARGIN)
        # The rule set holds the start alone (dateutil's between, inclusive).
        if not low <= first <= high:
            return None
        if is_pytz_dt(first):
            first = first.tzinfo.localize(first.replace(tzinfo=None))
        occurrence_start = normalize_pytz(first + _NO_SHIFT)
        occurrence_end = normalize_pytz(occurrence_start + duration)
        if not timed:  # convert_to_original_type: two dates stay dates
            occurrence_start = convert_to_date(occurrence_start)
            occurrence_end = convert_to_date(occurrence_end)
        if not contains(span_start, span_stop, occurrence_start, occurrence_end):
            return None
    except Exception as exc:
        raise NotOneOff from exc
    return occurrence_start, occurrence_end
