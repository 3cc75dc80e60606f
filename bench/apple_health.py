"""Memory and time of the Apple Health reader on a generated export of about 200 MB.

    .venv/bin/python bench/apple_health.py [--mb 200] [--keep PATH]

Writes an export.xml like the ones the Health app makes (its DTD, then mostly heart-rate
and step records, with the sleep stages of a watch and a phone for every night of the
years they cover), then reads it in a fresh process with `parse_apple_health_file` and
prints the process's peak RSS (ru_maxrss), the parse time, and what was found. The peak
of the same fresh process that only imports the reader is printed beside it: the
difference is what the reading itself holds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate value CDATA #REQUIRED>
<!ELEMENT Me EMPTY>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record type CDATA #REQUIRED unit CDATA #IMPLIED value CDATA #IMPLIED
  sourceName CDATA #REQUIRED sourceVersion CDATA #IMPLIED device CDATA #IMPLIED
  creationDate CDATA #IMPLIED startDate CDATA #REQUIRED endDate CDATA #REQUIRED>
]>
<HealthData locale="en_GB">
 <ExportDate value="2026-11-23 08:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth=""/>
"""
HEART = (
    ' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Anna\'s Apple Watch" '
    'sourceVersion="10.1" device="&lt;&lt;HKDevice: 0x2822&gt;, name:Apple Watch&gt;" '
    'unit="count/min" creationDate="{d} +0100" startDate="{d} +0100" endDate="{d} +0100" '
    'value="{v}"/>\n'
)
SLEEP = (
    ' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="{s}" sourceVersion="10.1" '
    'creationDate="{e} +0100" startDate="{b} +0100" endDate="{e} +0100" '
    'value="HKCategoryValueSleepAnalysis{v}"/>\n'
)
STAGES = (("InBed", 0, 480), ("AsleepCore", 20, 120), ("Awake", 140, 10), ("AsleepDeep", 150, 80),
          ("AsleepREM", 230, 90), ("AsleepCore", 320, 140))  # fmt: skip

READ = r"""
import datetime as dt, json, resource, sys, time
from pathlib import Path
from focusplan.exchange.apple_health import parse_apple_health_file
from focusplan.exchange.fields import ReadContext
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.argv[2] == "read":
    zone = dt.timezone(dt.timedelta(hours=1))
    now = dt.datetime(2026, 11, 23, tzinfo=zone)
    far = dt.timedelta(days=36500)
    ctx = ReadContext(fmt="apple-health", now=now, zone=zone, range_start=now - far, range_end=now + far)
    start = time.perf_counter()
    bundle = parse_apple_health_file(Path(sys.argv[1]), ctx)
    seconds = time.perf_counter() - start
    days = len(bundle.days)
else:
    seconds, days = 0.0, 0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_kib": peak, "after_imports_kib": base, "seconds": seconds, "days": days}))
"""


def write_export(path: Path, megabytes: int) -> int:
    """Write the export; returns how many nights of sleep it holds."""
    target = megabytes * 1024 * 1024
    day = dt.datetime(2026, 11, 22, 22, 40)
    nights = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        written = len(HEADER)
        while written < target:
            chunk = []
            for stage, offset, minutes in STAGES:
                for source in ("Anna's Apple Watch", "Anna's iPhone"):
                    begin = day + dt.timedelta(minutes=offset + (7 if "iPhone" in source else 0))
                    end = begin + dt.timedelta(minutes=minutes)
                    chunk.append(SLEEP.format(s=source, b=begin, e=end, v=stage))
            moment = day - dt.timedelta(hours=14)
            for k in range(900):  # the day's heart rates, every ~minute
                stamp = moment + dt.timedelta(seconds=57 * k)
                chunk.append(HEART.format(d=f"{stamp:%Y-%m-%d %H:%M:%S}", v=55 + k % 40))
            text = "".join(chunk)
            out.write(text)
            written += len(text)
            nights += 1
            day -= dt.timedelta(days=1)
        out.write("</HealthData>\n")
    return nights


def measure(path: Path, mode: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", READ, str(path), mode], capture_output=True, text=True, check=True
    )
    return dict(json.loads(result.stdout))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="Write the export here and keep it.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="focusplan-bench-health-") as scratch:
        path = args.keep or Path(scratch) / "export.xml"
        start = time.perf_counter()
        nights = write_export(path, args.mb)
        size = path.stat().st_size / 1e6
        print(f"wrote {size:.0f} MB ({nights} nights) in {time.perf_counter() - start:.1f} s")
        idle = measure(path, "imports-only")
        read = measure(path, "read")
        print(f"peak RSS reading it:        {read['peak_kib'] / 1024:6.1f} MiB")
        print(f"peak RSS importing only:    {idle['peak_kib'] / 1024:6.1f} MiB")
        print(f"parse time:                 {read['seconds']:6.1f} s "
              f"({size / read['seconds']:.0f} MB/s), {read['days']:.0f} days of sleep found")  # fmt: skip
        assert read["days"] == nights, "every generated night must be found"
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
