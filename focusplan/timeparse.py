"""Parsing the WHEN and DUR forms of the command-line contract (CLI.md).

WHEN: ISO 8601 local time (`2026-11-23T09:00`, `2026-11-23 09:00`, a date
alone means its start of day, an explicit offset is kept) and friendly forms:
`now`, `today`, `today 17:00`, `tomorrow`, `yesterday`, weekday names (`fri`,
`friday`: today if it is that day, else the next one), `+3d`, `-2h`, `in 2h`,
`in 45m`, `3d ago`, each optionally followed by a clock time (`fri 14:00`).

DUR: minutes (`90`) or `1h30m`, `45m`, `2h`, `1h 30m`.
"""

from __future__ import annotations

import datetime as dt
import re

from focusplan import clock


class TimeParseError(ValueError):
    """The text is not a WHEN or DUR form; the message says what was expected."""


_WEEKDAYS = {
    name: index
    for index, names in enumerate(
        [
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for name in names
}
_UNITS = {"m": 1, "min": 1, "mins": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}
_CLOCK = re.compile(r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm)?$")
_OFFSET = re.compile(r"^(?P<sign>[+-])(?P<n>\d{1,5})\s*(?P<unit>m|min|mins|h|d|w)$")
_IN = re.compile(r"^in\s+(?P<n>\d{1,5})\s*(?P<unit>m|min|mins|h|d|w)$")
_AGO = re.compile(r"^(?P<n>\d{1,5})\s*(?P<unit>m|min|mins|h|d|w)\s+ago$")
_DURATION = re.compile(r"^(?:(?P<h>\d{1,3})\s*h)?\s*(?:(?P<m>\d{1,4})\s*m(?:in)?)?$")

WHEN_HELP = "a time like 2026-11-23T09:00, 'today 17:00', 'tomorrow', 'fri', '+3d' or 'in 2h'"


def _clock_time(text: str) -> dt.time:
    match = _CLOCK.match(text)
    if not match:
        raise TimeParseError(f"not a time of day: {text!r}")
    hour = int(match["h"])
    minute = int(match["m"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise TimeParseError(f"not a time of day: {text!r}")
        hour = hour % 12 + (12 if match["ampm"] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise TimeParseError(f"not a time of day: {text!r}")
    return dt.time(hour, minute)


def _at_day(day: dt.date, time_text: str | None, zone: dt.tzinfo) -> dt.datetime:
    time = _clock_time(time_text) if time_text else dt.time(0, 0)
    return dt.datetime.combine(day, time, tzinfo=zone)


# Years a planner can mean; outside them, arithmetic across zones overflows.
MIN_YEAR, MAX_YEAR = 1900, 2999


def parse_when(text: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """A timezone-aware moment from a WHEN form, relative to `now`."""
    try:
        value = _parse_when(text, now)
    except OverflowError:
        raise TimeParseError(f"{text.strip()!r} is too far away") from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise TimeParseError(
            f"{text.strip()!r} is outside the years {MIN_YEAR}–{MAX_YEAR} a plan can hold"
        )
    return value


def _parse_when(text: str, now: dt.datetime | None) -> dt.datetime:
    reference = now or clock.now()
    zone = reference.tzinfo or clock.local_zone()
    raw = " ".join(text.strip().lower().split())
    if not raw:
        raise TimeParseError(f"empty time; expected {WHEN_HELP}")

    iso = _parse_iso(text.strip(), zone)
    if iso is not None:
        return iso

    head, _, rest = raw.partition(" ")
    rest_or_none = rest or None
    today = reference.date()
    if raw == "now":
        return reference
    if head == "today":
        return _at_day(today, rest_or_none, zone)
    if head == "tomorrow":
        return _at_day(today + dt.timedelta(days=1), rest_or_none, zone)
    if head == "yesterday":
        return _at_day(today - dt.timedelta(days=1), rest_or_none, zone)
    if head in _WEEKDAYS:
        ahead = (_WEEKDAYS[head] - today.weekday()) % 7
        return _at_day(today + dt.timedelta(days=ahead), rest_or_none, zone)

    for pattern, sign in ((_IN, 1), (_AGO, -1)):
        match = pattern.match(raw)
        if match:
            return reference + sign * dt.timedelta(minutes=int(match["n"]) * _UNITS[match["unit"]])
    offset_text, _, time_text = raw.partition(" ")
    match = _OFFSET.match(offset_text)
    if match:
        delta = dt.timedelta(minutes=int(match["n"]) * _UNITS[match["unit"]])
        moment = reference + delta if match["sign"] == "+" else reference - delta
        if time_text:
            return _at_day(moment.date(), time_text, zone)
        return moment
    raise TimeParseError(f"cannot read {text.strip()!r} as a time; expected {WHEN_HELP}")


def _parse_iso(text: str, zone: dt.tzinfo) -> dt.datetime | None:
    if not text[:1].isdigit() or len(text) < 8:
        return None
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(0), tzinfo=zone)
        value = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError as exc:
        raise TimeParseError(f"not a valid date or time: {text!r} ({exc})") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value


def parse_date(text: str, *, now: dt.datetime | None = None) -> dt.date:
    """A calendar day from a WHEN form (its time part, if any, is ignored)."""
    return parse_when(text, now=now).date()


def parse_duration(text: str) -> int:
    """Whole minutes from a DUR form; at least one minute."""
    raw = text.strip().lower()
    if raw.isdigit():
        minutes = int(raw)
    else:
        match = _DURATION.match(raw)
        if not raw or not match or not (match["h"] or match["m"]):
            raise TimeParseError(
                f"cannot read {text.strip()!r} as a duration; expected 90, 45m, 2h or 1h30m"
            )
        minutes = int(match["h"] or 0) * 60 + int(match["m"] or 0)
    if minutes < 1:
        raise TimeParseError(f"a duration must be at least one minute, not {text.strip()!r}")
    return minutes


def format_duration(minutes: float) -> str:
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    if hours and rest:
        return f"{hours}h{rest:02d}m"
    return f"{hours}h" if hours else f"{rest}m"
