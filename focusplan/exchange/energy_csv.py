"""Energy logs as CSV: `timestamp,level[,note]`, one log per row.

- An optional header row (a first row whose timestamp does not start with a digit and whose
  level is not a number) is skipped; blank rows too.
- The separator is a comma, or a semicolon/tab when the first row has no comma (spreadsheets
  in many locales write semicolons).
- Timestamps are ISO 8601; without an offset they are in the person's zone.
- Levels are whole numbers 1–5; `4.0` is read as 4, but `4.5` is refused rather than rounded,
  since the scale has no half steps and guessing which way to round would change the curve.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from focusplan.domain import EnergyLogDraft

from .bundle import ImportBundle
from .csv_rows import csv_rows
from .fields import ReadContext, build, check_count, clean_notes, fail, iso_time, show

HEADER = ("timestamp", "level", "note")

_LEVEL = re.compile(r"^[+]?(\d{1,3})(?:\.0*)?$")


def _level(text: str, where: str) -> int:
    match = _LEVEL.match(text.strip())
    if not match:
        fail(where, f"bad level {show(text)} (expected a whole number from 1 to 5)")
    level = int(match[1])
    if not 1 <= level <= 5:
        fail(where, f"level {level} is not between 1 and 5")
    return level


def _is_header(row: list[str]) -> bool:
    # Both cells must be words: a data row with a bad level must fail, not vanish as a header.
    stamp = row[0].strip()
    level = row[1].strip() if len(row) > 1 else ""
    return not stamp[:1].isdigit() and not _LEVEL.match(level)


def parse_energy_csv(text: str, ctx: ReadContext) -> ImportBundle:
    logs: list[EnergyLogDraft] = []
    for where, row in csv_rows(text, ctx.fmt, _is_header):
        if len(row) not in (2, 3):
            fail(where, f"expected timestamp,level[,note], found {len(row)} fields")
        check_count(len(logs) + 1, ctx.fmt, "rows")
        fields = {
            "at": iso_time(row[0].strip(), ctx, where, "timestamp"),
            "level": _level(row[1], where),
            "note": clean_notes(row[2]) if len(row) == 3 else "",
            "source": "import",
        }
        logs.append(build(EnergyLogDraft, fields, where))
    return ImportBundle(format=ctx.fmt, energy=logs)


def export_energy_csv(logs: Sequence[EnergyLogDraft]) -> str:
    """Energy logs in the format `parse_import(..., "energy-csv")` reads back."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for log in logs:
        writer.writerow((log.at.isoformat(), log.level, clean_notes(log.note)))
    return out.getvalue()
