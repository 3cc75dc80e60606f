"""Sleep periods as CSV: `start,end` per row, the export most sleep apps can make.

- ISO 8601 times with any offset (a period that crosses a DST change or a flight keeps
  its real length); without an offset they are in the person's zone.
- An optional header row (`start,end`, any words) is skipped; blank rows too; extra
  columns after the two times (a quality score, a note) are ignored.
- The separator is a comma, or a semicolon/tab when the first row has no comma.
- A row whose end is not after its start, or that lasts more than 24 hours, is an error
  naming its line; the file is then not imported at all.

Rows that overlap are merged, and each sleep period's hours go to the day it ended
(see `sleep_periods`).
"""

from __future__ import annotations

import datetime as dt

from .bundle import ImportBundle
from .csv_rows import csv_rows
from .fields import ReadContext, check_count, fail, iso_time, show
from .sleep_periods import MAX_PERIOD, sleep_by_day

HEADER = ("start", "end")


def parse_sleep_csv(text: str, ctx: ReadContext) -> ImportBundle:
    intervals: list[tuple[dt.datetime, dt.datetime]] = []
    for where, row in csv_rows(text, ctx.fmt, _is_header):
        if len(row) < 2:
            fail(where, f"expected start,end, found {len(row)} field")
        check_count(len(intervals) + 1, ctx.fmt, "rows")
        start = iso_time(row[0].strip(), ctx, where, "start")
        end = iso_time(row[1].strip(), ctx, where, "end")
        if end <= start:
            fail(where, f"the end {show(row[1].strip())} is not after the start")
        if end - start > MAX_PERIOD:
            fail(where, "a sleep period longer than 24 hours")
        intervals.append((start, end))
    return ImportBundle(format=ctx.fmt, days=sleep_by_day(intervals, ctx.zone, ctx.fmt))


def _is_header(row: list[str]) -> bool:
    return not row[0].strip()[:1].isdigit()
