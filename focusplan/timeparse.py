"""Parsing the WHEN and DUR forms of the command-line contract (CLI.md).

WHEN, relative to `now` in its zone:

- ISO 8601 local time (`2026-11-23T09:00`, `2026-11-23 09:00`; a date alone is
  its start of day; an explicit offset is kept);
- `now`; a clock time alone (`17:00`, `9am`, `3pm`, `noon`, `midnight`) is today;
- a day, optionally followed by a clock time (`fri 5pm`, `tomorrow at 9am`):
  `today`, `tomorrow`/`tmrw`, `yesterday`, a weekday (`fri`: today if it is
  Friday, else the next one), `next monday` (the first Monday after today),
  `Dec 3` / `3 dec` / `december 3 2027` (without a year, the occurrence nearest
  to today, so "Jan 5" typed in December is next January and "Nov 28" a few
  days later is the one just past);
- offsets: `+3d`, `-2h`, `in 2h`, `in 3 days`, `3d ago`, `2 weeks ago`
  (`+3d 9am` moves the day and sets the time);
- `eod` (today's end of the working day), `eow` (the end of this working
  week's last working day, or next week's once that has passed), by the
  `WorkWeek` the caller passes (the settings are a layer above this module).

`parse_due` reads the same forms, but a day without a clock time is the *end*
of that day: "due fri" is due by the end of Friday.

DUR: every form the app displays can be typed back: minutes (`90`), `90m`,
`45 min`, `2h`, `1h30`, `1h30m`, `1h 30m`, `1.5h`, `1:30`, `2 hours`.
`format_duration` is the one display form (`1h30m`, `2h`, `45m`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass

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
_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_UNIT_WORDS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 1),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 60),
    **dict.fromkeys(("d", "day", "days"), 24 * 60),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 7 * 24 * 60),
}
_UNIT = "|".join(sorted(_UNIT_WORDS, key=len, reverse=True))
_CLOCK = re.compile(r"^(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<ampm>am|pm)?$")
_NAMED_TIMES = {"noon": dt.time(12, 0), "midday": dt.time(12, 0), "midnight": dt.time(0, 0)}
_OFFSET = re.compile(rf"^(?P<sign>[+-])(?P<n>\d{{1,5}})\s*(?P<unit>{_UNIT})$")
_IN = re.compile(rf"^in\s+(?P<n>\d{{1,5}})\s*(?P<unit>{_UNIT})$")
_AGO = re.compile(rf"^(?P<n>\d{{1,5}})\s*(?P<unit>{_UNIT})\s+ago$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}[t ]")
_YEAR = re.compile(r"^\d{4}$")
_DAY_OF_MONTH = re.compile(r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?$")
_DURATION = re.compile(
    r"^(?:(?P<h>\d{1,3}(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours))?\s*"
    r"(?:(?P<m>\d{1,4})\s*(?:m|min|mins|minute|minutes)?)?$"
)
_DURATION_COLON = re.compile(r"^(?P<h>\d{1,3}):(?P<m>\d{2})$")
_DURATION_MINUTES = re.compile(r"^(?P<m>\d{1,5}(?:\.\d+)?)\s*(?:m|min|mins|minute|minutes)$")

WHEN_HELP = "a time like 'today 17:00', 'tomorrow 9am', 'fri', 'Dec 3', 'in 2h' or YYYY-MM-DD HH:MM"
DURATION_HELP = "90, 45m, 2h, 1h30 or 1.5h"

# Years a planner can mean; outside them, arithmetic across zones overflows.
MIN_YEAR, MAX_YEAR = 1900, 2999


# The forms that depend on the person's working hours: the caller passes a `WorkWeek`.
WORK_WORDS = frozenset({"eod", "eow"})


def needs_work_week(text: str) -> bool:
    """Whether reading `text` needs the person's working week (so the caller loads it)."""
    return text.strip().lower() in WORK_WORDS


@dataclass(frozen=True, slots=True)
class WorkWeek:
    """What `eod` and `eow` mean: when the working day ends and which days are worked."""

    end: dt.time = dt.time(17, 0)
    days: Collection[int] = (0, 1, 2, 3, 4)  # Monday is 0


def parse_when(
    text: str, *, now: dt.datetime | None = None, work: WorkWeek | None = None
) -> dt.datetime:
    """A timezone-aware moment from a WHEN form, relative to `now`."""
    moment, _ = _parse_checked(text, now, work)
    return moment


def parse_due(
    text: str, *, now: dt.datetime | None = None, work: WorkWeek | None = None
) -> dt.datetime:
    """A deadline: like `parse_when`, but a day without a clock time means its end."""
    moment, day_only = _parse_checked(text, now, work)
    if not day_only:
        return moment
    following = moment.date() + dt.timedelta(days=1)
    return _checked(
        text, dt.datetime.combine(following, dt.time(0), tzinfo=moment.tzinfo) - _LAST_MINUTE
    )


# "By the end of Friday" is 23:59 Friday: still Friday on every calendar that shows it.
_LAST_MINUTE = dt.timedelta(minutes=1)


def parse_date(text: str, *, now: dt.datetime | None = None) -> dt.date:
    """A calendar day from a WHEN form (its time part, if any, is ignored)."""
    return parse_when(text, now=now).date()


def _parse_checked(
    text: str, now: dt.datetime | None, work: WorkWeek | None
) -> tuple[dt.datetime, bool]:
    try:
        moment, day_only = _parse_when(text, now, work)
    except OverflowError:
        raise TimeParseError(f"{text.strip()!r} is too far away") from None
    return _checked(text, moment), day_only


def _checked(text: str, value: dt.datetime) -> dt.datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise TimeParseError(
            f"{text.strip()!r} is outside the years {MIN_YEAR}–{MAX_YEAR} a plan can hold"
        )
    return value


def _parse_when(
    text: str, now: dt.datetime | None, work: WorkWeek | None
) -> tuple[dt.datetime, bool]:
    """The moment and whether the text named only a day (no clock time)."""
    reference = now or clock.now()
    zone = reference.tzinfo or clock.local_zone()
    raw = " ".join(text.strip().lower().split())
    if not raw:
        raise TimeParseError(f"empty time; expected {WHEN_HELP}")
    today = reference.date()

    iso = _parse_iso(raw, text.strip(), zone)
    if iso is not None:
        return iso, _ISO_DATE.match(raw) is not None
    if raw == "now":
        return reference, False
    if raw in WORK_WORDS:
        return _end_of_work(raw, reference, work or WorkWeek()), False

    for pattern, sign in ((_IN, 1), (_AGO, -1)):
        match = pattern.match(raw)
        if match:
            minutes = int(match["n"]) * _UNIT_WORDS[match["unit"]]
            return reference + sign * dt.timedelta(minutes=minutes), False
    offset_text, _, time_text = raw.partition(" ")
    match = _OFFSET.match(offset_text)
    if match:
        delta = dt.timedelta(minutes=int(match["n"]) * _UNIT_WORDS[match["unit"]])
        moment = reference + delta if match["sign"] == "+" else reference - delta
        if time_text:
            return _at_day(moment.date(), time_text, zone), False
        return moment, False

    time_of_day = _clock_time_or_none(raw)
    if time_of_day is not None:
        return dt.datetime.combine(today, time_of_day, tzinfo=zone), False

    words = raw.split(" ")
    for taken in (3, 2, 1):
        day = _day(words[:taken], today)
        if day is not None:
            rest = words[taken:]
            if rest[:1] == ["at"]:
                rest = rest[1:]
            if not rest:
                return dt.datetime.combine(day, dt.time(0), tzinfo=zone), True
            return _at_day(day, " ".join(rest), zone), False
    raise TimeParseError(f"cannot read {text.strip()!r} as a time; expected {WHEN_HELP}")


def _day(words: list[str], today: dt.date) -> dt.date | None:
    """The day named by these words exactly, or None."""
    if len(words) == 1:
        word = words[0]
        if word == "today":
            return today
        if word in ("tomorrow", "tmrw", "tmr", "tom"):
            return today + dt.timedelta(days=1)
        if word == "yesterday":
            return today - dt.timedelta(days=1)
        if word in _WEEKDAYS:
            return today + dt.timedelta(days=(_WEEKDAYS[word] - today.weekday()) % 7)
        return None
    if len(words) == 2 and words[0] == "next" and words[1] in _WEEKDAYS:
        ahead = (_WEEKDAYS[words[1]] - today.weekday()) % 7 or 7
        return today + dt.timedelta(days=ahead)
    if len(words) == 2 and words == ["next", "week"]:
        return today + dt.timedelta(days=7 - today.weekday())
    return _month_day(words, today)


def _month_day(words: list[str], today: dt.date) -> dt.date | None:
    """`dec 3`, `3 dec`, `december 3rd`, optionally with a year: `dec 3 2027`."""
    year: int | None = None
    said = " ".join(words)
    if len(words) == 3 and _YEAR.match(words[2]):
        year = int(words[2])
        words = words[:2]
    if len(words) != 2:
        return None
    first, second = words
    month_word, day_word = (first, second) if first in _MONTHS else (second, first)
    day_match = _DAY_OF_MONTH.match(day_word)
    if month_word not in _MONTHS or day_match is None:
        return None
    month, day = _MONTHS[month_word], int(day_match["d"])
    if year is not None:
        return _valid_date(year, month, day, said)
    options = [
        date
        for candidate in (today.year - 1, today.year, today.year + 1)
        if (date := _date_or_none(candidate, month, day)) is not None
    ]
    if not options:
        raise TimeParseError(f"no such day: {said!r}")
    return min(options, key=lambda date: (abs((date - today).days), date < today))


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _valid_date(year: int, month: int, day: int, text: str) -> dt.date:
    date = _date_or_none(year, month, day)
    if date is None:
        raise TimeParseError(f"no such day: {text!r}")
    return date


def _end_of_work(word: str, reference: dt.datetime, work: WorkWeek) -> dt.datetime:
    zone = reference.tzinfo or clock.local_zone()
    today = reference.date()
    if word == "eod":
        return dt.datetime.combine(today, work.end, tzinfo=zone)
    worked = sorted(set(work.days)) or [4]
    monday = today - dt.timedelta(days=today.weekday())
    end = dt.datetime.combine(monday + dt.timedelta(days=worked[-1]), work.end, tzinfo=zone)
    return end if end >= reference else end + dt.timedelta(weeks=1)


def _clock_time_or_none(text: str) -> dt.time | None:
    if text in _NAMED_TIMES:
        return _NAMED_TIMES[text]
    match = _CLOCK.match(text)
    if not match:
        return None
    # A bare number is a clock time only with am/pm ("9am"); "9" alone is ambiguous.
    if match["m"] is None and match["ampm"] is None:
        return None
    hour = int(match["h"])
    minute = int(match["m"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise TimeParseError(f"not a time of day: {text!r}")
        hour = hour % 12 + (12 if match["ampm"] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise TimeParseError(f"not a time of day: {text!r}")
    return dt.time(hour, minute)


def parse_clock_time(text: str) -> dt.time:
    """A time of day as people write it: `8:30`, `08:30`, `17`, `9am`, `noon`."""
    raw = " ".join(text.strip().lower().split())
    time = _clock_time_or_none(raw)
    if time is None and _CLOCK.match(raw):
        time = _clock_time_or_none(f"{raw}:00")
    if time is None:
        raise TimeParseError(f"not a time of day: {text.strip()!r}; expected 17:00, 9am or noon")
    return time


def _at_day(day: dt.date, time_text: str, zone: dt.tzinfo) -> dt.datetime:
    time = _clock_time_or_none(time_text)
    if time is None and _CLOCK.match(time_text):
        time = _clock_time_or_none(f"{time_text}:00")  # "fri 17" is Friday 17:00
    if time is None:
        raise TimeParseError(f"not a time of day: {time_text!r}; expected 17:00, 9am or noon")
    return dt.datetime.combine(day, time, tzinfo=zone)


def _parse_iso(raw: str, original: str, zone: dt.tzinfo) -> dt.datetime | None:
    if not (_ISO_DATE.match(raw) or _ISO_START.match(raw)):
        return None
    try:
        if _ISO_DATE.match(raw):
            return dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(0), tzinfo=zone)
        value = dt.datetime.fromisoformat(original.replace(" ", "T", 1))
    except ValueError:
        raise TimeParseError(
            f"no such date or time: {original!r}; expected YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value


def parse_duration(text: str) -> int:
    """Whole minutes from a DUR form; at least one minute."""
    raw = " ".join(text.strip().lower().split())
    minutes = _duration_minutes(raw)
    if minutes is None:
        raise TimeParseError(
            f"cannot read {text.strip()!r} as a duration; expected {DURATION_HELP}"
        )
    if minutes < 1:
        raise TimeParseError(f"a duration is at least one minute, not {text.strip()!r}")
    return minutes


def _duration_minutes(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    colon = _DURATION_COLON.match(raw)
    if colon:
        if int(colon["m"]) > 59:
            return None
        return int(colon["h"]) * 60 + int(colon["m"])
    plain = _DURATION_MINUTES.match(raw)
    if plain:
        return round(float(plain["m"]))
    match = _DURATION.match(raw)
    if not raw or not match or not (match["h"] or match["m"]):
        return None
    # "1h30" carries its minutes without a unit; a bare number after hours is minutes.
    hours = float(match["h"] or 0)
    if match["m"] and "." in (match["h"] or ""):
        return None  # "1.5h30" means nothing
    return round(hours * 60) + int(match["m"] or 0)


def format_duration(minutes: float) -> str:
    """The one display form of a duration, which `parse_duration` reads back."""
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    if hours and rest:
        return f"{hours}h{rest:02d}m"
    return f"{hours}h" if hours else f"{rest}m"
