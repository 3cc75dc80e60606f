"""Sleep from an Apple Health export (`export.xml`, or the `export.zip` it comes in).

Only `HKCategoryTypeIdentifierSleepAnalysis` records count, and of those only the asleep
stages: core, deep, REM, unspecified, and the `Asleep` of exports before iOS 16. "In bed"
and "awake" never count: in bed is not asleep, and most people lie awake a while. Records
of every source (a watch, a phone, a ring's app) are merged before they are summed, so a
night recorded twice counts once; each sleep period goes to the day it ended
(`sleep_periods`).

Real exports are hundreds of megabytes of heart rates and steps, so the file is streamed
through expat in 1 MiB chunks and nothing but the sleep intervals is kept: memory stays
flat whatever the size. expat (rather than `ElementTree.iterparse`, which builds an element
per record only to clear it) costs less per record and knows the line it is on, which the
error messages name. The export carries a DTD; an entity declaration in it is refused, so
a crafted file cannot expand entities.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from .bundle import ImportBundle, ImportFormatError
from .fields import ReadContext, check_range, fail, show
from .sleep_periods import MAX_PERIOD, sleep_by_day

SLEEP_TYPE = "HKCategoryTypeIdentifierSleepAnalysis"
_STAGE = "HKCategoryValueSleepAnalysis"
ASLEEP_VALUES = frozenset(
    _STAGE + name
    for name in ("Asleep", "AsleepUnspecified", "AsleepCore", "AsleepDeep", "AsleepREM")
)
NOT_ASLEEP_VALUES = frozenset(_STAGE + name for name in ("InBed", "Awake"))
CHUNK_BYTES = 1024 * 1024
MAX_SLEEP_RECORDS = 2_000_000


def looks_like_apple_health(path: Path) -> bool:
    """An export.xml or export.zip of Apple Health, by name or by its first bytes."""
    name = path.name.lower()
    if name in ("export.xml", "export.zip"):
        return True
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                return _export_member(archive) is not None
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return b"<HealthData" in head or b"HealthData [" in head


def parse_apple_health(text: str, ctx: ReadContext) -> ImportBundle:
    """The reader `parse_import` uses (a small export given as text)."""
    return parse_apple_health_stream(io.BytesIO(text.encode("utf-8")), ctx)


def parse_apple_health_file(path: Path, ctx: ReadContext) -> ImportBundle:
    """Stream an export.xml, or the export.xml inside an export.zip, from disk."""
    with _open_export(path, ctx) as handle:
        return parse_apple_health_stream(handle, ctx)


@contextmanager
def _open_export(path: Path, ctx: ReadContext) -> Iterator[IO[bytes]]:
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                member = _export_member(archive)
                if member is None:
                    fail(ctx.fmt, f"{path.name} holds no export.xml")
                with archive.open(member) as handle:
                    yield handle
            return
        with path.open("rb") as handle:
            yield handle
    except (OSError, zipfile.BadZipFile) as exc:
        fail(ctx.fmt, f"cannot read {path.name}: {exc}")


def _export_member(archive: zipfile.ZipFile) -> str | None:
    for name in archive.namelist():
        if name.rsplit("/", 1)[-1] == "export.xml":
            return name
    return None


def parse_apple_health_stream(handle: IO[bytes], ctx: ReadContext) -> ImportBundle:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    intervals: list[tuple[dt.datetime, dt.datetime]] = []
    skipped = {"in bed or awake": 0, "unknown sleep values": 0}
    seen_root = False

    def where() -> str:
        return f"{ctx.fmt} line {parser.CurrentLineNumber}"

    def start_element(name: str, attributes: dict[str, str]) -> None:
        nonlocal seen_root
        if not seen_root:
            if name != "HealthData":
                fail(where(), f"not an Apple Health export (the root is <{show(name)}>)")
            seen_root = True
            return
        if name != "Record" or attributes.get("type") != SLEEP_TYPE:
            return
        value = attributes.get("value", "")
        if value not in ASLEEP_VALUES:
            skipped[
                "in bed or awake" if value in NOT_ASLEEP_VALUES else "unknown sleep values"
            ] += 1
            return
        start = _time(attributes.get("startDate"), ctx, where(), "startDate")
        end = _time(attributes.get("endDate"), ctx, where(), "endDate")
        if end < start:
            fail(where(), "a sleep record that ends before it starts")
        if end - start > MAX_PERIOD:
            fail(where(), "a sleep record longer than 24 hours")
        if len(intervals) >= MAX_SLEEP_RECORDS:
            fail(ctx.fmt, f"more than {MAX_SLEEP_RECORDS:,} sleep records")
        intervals.append((start, end))

    def no_entities(*_: Any) -> None:
        fail(where(), "the export declares an XML entity; refused (Apple's exports declare none)")

    parser.StartElementHandler = start_element
    parser.EntityDeclHandler = no_entities
    try:
        while chunk := handle.read(CHUNK_BYTES):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        fail(f"{ctx.fmt} line {exc.lineno}", f"not valid XML ({expat.ErrorString(exc.code)})")
    except OSError as exc:
        fail(ctx.fmt, f"cannot read the export: {exc}")
    if not seen_root:
        fail(ctx.fmt, "the file is empty")
    days = sleep_by_day(intervals, ctx.zone, ctx.fmt)
    notes: tuple[str, ...] = ()
    if days:
        notes = (
            f"sleep for {len(days)} day{'s' if len(days) != 1 else ''}, "
            f"{days[0].date} to {days[-1].date}, from {len(intervals)} asleep records",
        )
    return ImportBundle(
        format=ctx.fmt,
        days=days,
        skipped={why: count for why, count in skipped.items() if count},
        notes=notes,
    )


def _time(value: str | None, ctx: ReadContext, where: str, what: str) -> dt.datetime:
    """Apple's `2026-11-22 23:41:07 +0100` (also read: ISO 8601)."""
    if not value or len(value) > 40:
        fail(where, f"bad {what} {show(value)}")
    text = value.strip()
    if len(text) == 25 and text[19] == " ":
        text = text[:19] + text[20:]
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        fail(where, f"bad {what} {show(value)} (expected like 2026-11-22 23:41:07 +0100)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ctx.zone)
    return check_range(parsed, where, value)


__all__ = [
    "ASLEEP_VALUES",
    "ImportFormatError",
    "looks_like_apple_health",
    "parse_apple_health",
    "parse_apple_health_file",
    "parse_apple_health_stream",
]
