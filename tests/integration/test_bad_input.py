"""Bad input anywhere: success, or one `error:` line with exit 2 and the database untouched.

Hypothesis throws random option values at every command (dates, numbers, unicode, huge
strings) and random or damaged files at every import format (binary junk, truncated
files, huge fields, wrong types, impossible dates). For each example:

- the exit code is 0 or 2 (1 means an unexpected exception reached the top);
- on error, stderr is exactly one line starting `error: ` and stdout is empty;
- never a traceback, never a hang (each example runs under an alarm);
- on error, the database is unchanged: its logical dump (every table, every row) is
  the same before and after.

Commands run in-process through `focusplan.cli.run` for speed, each on its own copy of
a small database; a few cases also run as real processes. FOCUSPLAN_FUZZ_EXAMPLES sets
the number of examples per test (bench/soak.py raises it).
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FROZEN_NOW, ZONE
from tests.fixtures.databases.make_fixtures import logical_dump
from tests.integration.cli_runner import Focusplan, Outcome

EXAMPLES = int(os.environ.get("FOCUSPLAN_FUZZ_EXAMPLES", "50"))
HANG_SECONDS = 20
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLES = {
    "json": FIXTURES / "backup_minimal.json",
    "taskwarrior": FIXTURES / "taskwarrior_export.json",
    "todotxt": FIXTURES / "todo.txt",
    "ics": FIXTURES / "calendar.ics",
    "energy-csv": FIXTURES / "energy.csv",
}
FORMATS = tuple(SAMPLES)

fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("FOCUSPLAN_FUZZ_RANDOM") != "1",
)


class Hang(BaseException):
    """Raised by the alarm: the command ran for HANG_SECONDS."""


@contextmanager
def alarm(seconds: int) -> Iterator[None]:
    def ring(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- one database per example ---------------------------------------------------------------


class Playground:
    """A template database (tasks, a dependency, a done task, energy, a plan) and fresh copies."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.sqlite3"
        self.counter = itertools.count()
        fp = Focusplan(self.template)
        fp.ok("add", "Write report", "--importance", "5", "--due", "2026-11-25 17:00",
              "--project", "work", "--tag", "deep", "--notes", "private")  # fmt: skip
        fp.ok("add", "Send report", "--after", "1", "--estimate", "15")
        fp.ok("add", "Book dentist", "--demand", "low")
        fp.ok("done", "3", "--at", "2026-11-23 09:00", "--minutes", "10")
        fp.ok("energy", "4", "--at", "2026-11-23 08:00", "--note", "coffee")
        fp.ok("plan", "--date", "2026-11-23")
        import sqlite3

        connection = sqlite3.connect(self.template)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()

    def fresh(self) -> Path:
        path = self.folder / f"example-{next(self.counter)}.sqlite3"
        shutil.copyfile(self.template, path)
        path.chmod(0o600)
        return path

    def discard(self, path: Path) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        for copy in self.folder.glob(f"{path.name}.pre-*"):
            copy.unlink()


@pytest.fixture(scope="module")
def playground(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Playground]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOCUSPLAN_TZ", ZONE)
        patch.setenv("FOCUSPLAN_NOW", FROZEN_NOW)
        patch.setenv("FOCUSPLAN_CONFIG", str(tmp_path_factory.mktemp("cfg") / "none.toml"))
        from focusplan import clock

        clock._zone_from.cache_clear()
        yield Playground(tmp_path_factory.mktemp("bad-input"))
        clock._zone_from.cache_clear()


@pytest.fixture(autouse=True)
def _frozen(frozen_now: object) -> None:
    """Every test here runs at the frozen Monday 10:00 in Paris."""


def check(outcome: Outcome, args: tuple[str, ...]) -> None:
    """The contract for any input; `args` names the example in the failure message."""
    where = f"focusplan {' '.join(repr(a)[:80] for a in args)}"
    assert "Traceback" not in outcome.err, f"{where}\n{outcome.err}"
    assert outcome.code in (0, 2), f"{where} -> exit {outcome.code}: {outcome.err.strip()[:500]}"
    if outcome.code == 2:
        lines = outcome.err.splitlines()
        assert [line[:7] for line in lines] == ["error: "], f"{where}\n{outcome.err!r}"
        assert outcome.out == "", f"{where} printed to stdout before failing"
    else:
        assert not any(line.startswith("error") for line in outcome.err.splitlines()), where


def run_on_copy(playground: Playground, args: tuple[str, ...], stdin: bytes | None = None) -> None:
    db = playground.fresh()
    try:
        before = logical_dump(db)
        with alarm(HANG_SECONDS):
            try:
                outcome = Focusplan(db)(*args, stdin=stdin)
            except Hang as hang:  # raised outside run()'s own handler
                outcome = Outcome(1, "", f"hang: {hang}")
        check(outcome, args)
        if outcome.code != 0:
            assert logical_dump(db) == before, f"{args} failed but changed the database"
    finally:
        playground.discard(db)


# --- strategies: option values --------------------------------------------------------------

HUGE = ("x" * 100_000, "é" * 30_000, "\U0001f600" * 20_000, "a\n" * 10_000)
any_text = st.text(st.characters(blacklist_categories=("Cs", "Cn")), max_size=60) | st.sampled_from(
    HUGE
)
printable = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
interesting_numbers = st.sampled_from(
    ["0", "-1", "1", "5", "6", "7", "3.5", "1e3", "nan", "inf", "-inf", "0x10", "٣", "²",
     "99999999999999999999", "-99999999999999999999", str(2**63), str(2**63 - 1), " 3 ", ""]
)  # fmt: skip
number_text = interesting_numbers | st.integers(-(10**25), 10**25).map(str) | st.floats().map(str)
interesting_when = st.sampled_from(
    ["now", "today", "today 25:00", "today 23:59", "tomorrow 12:00pm", "fri", "fri 99:99",
     "+3d", "-99999w", "+99999w", "in 99999w", "99999w ago", "in 0m", "2026-02-29",
     "2026-02-30", "2026-13-01", "2026-11-23T24:00", "2026-11-23T09:00+25:00",
     "2026-11-23T09:00+14:00", "2026-11-23 09:00:00.999999-12:00", "0001-01-01",
     "0001-01-01T00:00", "0001-01-01T00:00+14:00", "9999-12-31", "9999-12-31T23:59",
     "9999-12-31T23:59:59-14:00", "1900-01-01", "2999-12-31", "1969-12-31T23:59:59Z",
     "2026-11-23T09:00Z", "20261123T0900", "2026-W48-1", "2026-327", "１２", "none", "-"]
)  # fmt: skip
when_text = interesting_when | any_text | st.from_regex(r"\A[+-]?\d{1,7}\s?[mhdw]\Z")
duration_text = (
    number_text | st.from_regex(r"\A\d{0,4}h\d{0,5}m\Z") | st.sampled_from(["1h30m", "0h0m", "25h"])
)
id_text = number_text | st.sampled_from(["1", "2", "3", "4", "0"])
choice_text = (
    st.sampled_from(["low", "medium", "high", "LOW", "extreme", "morning", "evening", "none", ""])
    | printable
)


@st.composite
def options(draw: st.DrawFn, spec: dict[str, st.SearchStrategy[str] | None]) -> list[str]:
    """A random subset of `spec`'s options, in random order (None = a flag)."""
    names = draw(st.lists(st.sampled_from(sorted(spec)), max_size=5))
    args: list[str] = []
    for name in names:
        value = spec[name]
        args.append(name)
        if value is not None:
            args.append(draw(value))
    return args


TASK_OPTIONS: dict[str, st.SearchStrategy[str] | None] = {
    "--importance": number_text,
    "--demand": choice_text,
    "--estimate": duration_text,
    "--due": when_text,
    "--not-before": when_text,
    "--project": any_text,
    "--tag": any_text,
    "--after": id_text,
    "--window": choice_text,
    "--notes": any_text,
}


@st.composite
def command_lines(draw: st.DrawFn) -> tuple[str, ...]:
    command = draw(
        st.sampled_from(
            ["add", "edit", "done", "drop", "reopen", "energy", "rank", "plan", "export",
             "review", "weights", "focus-start", "focus-stop", "list"]
        )
    )  # fmt: skip
    if command == "add":
        args = ["add", draw(any_text), *draw(options({**TASK_OPTIONS, "--at": when_text}))]
    elif command == "edit":
        spec = {**TASK_OPTIONS, "--title": any_text}
        args = ["edit", draw(id_text), *draw(options(spec))]
    elif command == "done":
        args = [
            "done",
            draw(id_text),
            *draw(options({"--at": when_text, "--minutes": number_text})),
        ]
    elif command in ("drop", "reopen"):
        args = [command, draw(id_text)]
        if command == "drop":
            args += draw(options({"--at": when_text}))
    elif command == "energy":
        args = [
            "energy",
            draw(number_text),
            *draw(options({"--at": when_text, "--note": any_text})),
        ]
    elif command == "rank":
        spec = {"--at": when_text, "--energy": number_text, "--limit": number_text,
                "--json": None, "--explain": None}  # fmt: skip
        args = ["rank", *draw(options(spec))]
    elif command == "plan":
        args = ["plan", *draw(options({"--date": when_text, "--json": None, "--replan": None}))]
    elif command == "export":
        fmt = draw(st.sampled_from(["ics", "csv", "json", "md"]) | printable)
        args = ["export", fmt, *draw(options({"--date": when_text, "--week-of": when_text}))]
    elif command == "review":
        args = ["review", *draw(options({"--week-of": when_text, "--json": None}))]
    elif command == "weights":
        args = ["weights", "rollback", draw(id_text)]
    elif command == "focus-start":
        args = ["focus", "start", draw(id_text), *draw(options({"--at": when_text}))]
    elif command == "focus-stop":
        args = ["focus", "stop", *draw(options({"--at": when_text, "--done": None}))]
    else:
        args = ["list", *draw(options({"--all": None, "--json": None}))]
    return tuple(args)


@fuzz
@given(args=command_lines())
def test_random_command_lines_succeed_or_fail_cleanly(
    playground: Playground, args: tuple[str, ...]
) -> None:
    run_on_copy(playground, args)


# Found by hand or by the fuzzer, kept so they never come back.
KNOWN_NASTY = [
    ("done", "99999999999999999999"),
    ("edit", "99999999999999999999", "--title", "x"),
    ("drop", str(2**63)),
    ("add", "x", "--after", "99999999999999999999"),
    ("weights", "rollback", "99999999999999999999"),
    ("focus", "start", "99999999999999999999"),
    ("rank", "--limit", "99999999999999999999", "--json"),
    ("rank", "--energy", "nan", "--json"),
    ("rank", "--energy", "inf"),
    ("energy", "3", "--at", "0001-01-01"),
    ("energy", "3", "--at", "9999-12-31T23:59:59-14:00"),
    ("add", "x", "--due", "0001-01-01"),
    ("add", "x", "--due", "9999-12-31T23:59"),
    ("add", "x", "--at", "0001-01-01T00:00+14:00"),
    ("done", "1", "--at", "0001-01-01T00:00"),
    ("rank", "--at", "0001-01-01"),
    ("rank", "--at", "9999-12-31T23:59"),
    ("plan", "--date", "0001-01-01"),
    ("plan", "--date", "9999-12-31"),
    ("export", "ics", "--date", "9999-12-31"),
    ("export", "csv", "--week-of", "0001-01-01"),
    ("review", "--week-of", "0001-01-01"),
    ("review", "--week-of", "9999-12-31"),
    ("add", "x" * 100_000),
    ("add", "x", "--notes", "n" * 100_000),
    ("energy", "3", "--note", "n" * 100_000),
    ("add", "\x00"),
    ("add", "x", "--tag", "\x00"),
    ("add", "x", "--project", "p" * 65),
    ("edit", "1", "--after", "1"),
    ("edit", "1", "--after", "2"),
    ("focus", "start", "3"),
    ("export", "json", "-o", "/nonexistent-folder/out.json"),
    ("export", "json", "-o", "/"),
    ("import", "/nonexistent-file.json"),
    ("import", "/"),
]


@pytest.mark.parametrize("args", KNOWN_NASTY, ids=lambda a: " ".join(a)[:60])
def test_known_nasty_command_lines_fail_cleanly_or_succeed(
    playground: Playground, args: tuple[str, ...]
) -> None:
    run_on_copy(playground, args)


def test_a_poisoned_time_does_not_break_later_commands(playground: Playground) -> None:
    # If an extreme time is accepted, every later read must still work with it stored.
    db = playground.fresh()
    try:
        fp = Focusplan(db)
        accepted = [
            args
            for args in (
                ("energy", "3", "--at", "0001-01-01"),
                ("energy", "3", "--at", "9999-12-31T23:59"),
                ("add", "early", "--due", "0001-01-01", "--at", "0001-01-01"),
                ("add", "late", "--due", "9999-12-31T23:59", "--not-before", "9999-12-31"),
            )
            if fp(*args).code == 0
        ]
        for later in (("list", "--json"), ("rank", "--json"), ("plan", "--json"),
                      ("review", "--json"), ("export", "json"), ("export", "ics")):  # fmt: skip
            outcome = fp(*later)
            assert outcome.code == 0, f"after {accepted}: {later} -> {outcome.err.strip()}"
    finally:
        playground.discard(db)


# --- strategies: files ----------------------------------------------------------------------

impossible_dates = st.sampled_from(
    ["2026-02-30T10:00:00+01:00", "2026-13-01", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
     "9999-12-31T23:59:59-14:00", "10000-01-01T00:00:00Z", "20261341T250000Z",
     "20260230T000000Z", "2026-11-23T09:00", "2026-11-23", "", "yesterday", "1e308",
     "2026-11-23T09:00:00+24:00", "2026-11-23T25:61:61Z", "-2026-11-23", "２０２６-11-23"]
)  # fmt: skip
json_scalars = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
    | any_text | impossible_dates
)  # fmt: skip
json_values = st.recursive(
    json_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(printable, inner, max_size=3),
    max_leaves=8,
)  # fmt: skip


def field(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually a plausible value, sometimes anything at all."""
    return st.one_of(valid, valid, json_values)


@st.composite
def backup_documents(draw: st.DrawFn) -> bytes:
    task = st.fixed_dictionaries(
        {"title": field(printable)},
        optional={
            "id": field(st.integers(-2, 6)), "importance": field(st.integers(0, 6)),
            "demand": field(st.sampled_from(["low", "medium", "high", "huge"])),
            "estimate_minutes": field(st.integers(-1, 2000)), "due": field(impossible_dates),
            "not_before": field(impossible_dates), "created_at": field(impossible_dates),
            "status": field(st.sampled_from(["open", "done", "dropped", "zombie"])),
            "completed_at": field(impossible_dates), "tags": field(st.lists(printable, max_size=3)),
            "depends_on": field(st.lists(st.integers(-1, 6), max_size=3)),
            "project": field(printable), "notes": field(any_text),
        },
    )  # fmt: skip
    energy = st.fixed_dictionaries(
        {"at": field(impossible_dates), "level": field(st.integers(-1, 7))},
        optional={"note": field(any_text)},
    )
    event = st.fixed_dictionaries(
        {"start": field(impossible_dates), "end": field(impossible_dates)},
        optional={"title": field(any_text), "uid": field(printable)},
    )
    document = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "tasks": field(st.lists(task, max_size=4)),
                "energy": field(st.lists(energy, max_size=3)),
                "events": field(st.lists(event, max_size=3)),
                "version": json_values,
            },
        )
        | json_values
    )
    return json.dumps(document, ensure_ascii=draw(st.booleans())).encode()


@st.composite
def taskwarrior_documents(draw: st.DrawFn) -> bytes:
    tw_date = field(impossible_dates | st.sampled_from(["20261123T090000Z", "20261124T000000Z"]))
    uuids = ["a-1", "b-2", "c-3"]
    item = st.fixed_dictionaries(
        {"description": field(printable)},
        optional={
            "uuid": field(st.sampled_from(uuids)),
            "status": field(st.sampled_from(["pending", "waiting", "completed", "deleted", "recurring", "odd"])),
            "entry": tw_date, "due": tw_date, "scheduled": tw_date, "wait": tw_date, "end": tw_date,
            "priority": field(st.sampled_from(["H", "M", "L", "X", ""])),
            "depends": field(st.lists(st.sampled_from(uuids), max_size=3) | st.just("a-1,b-2")),
            "tags": field(st.lists(printable, max_size=3)), "project": field(printable),
            "estimate": field(st.sampled_from(["PT1H", "PT0S", "P999999W", "PT", "90", "-5", "1e400"])),
            "demand": field(st.sampled_from(["low", "H", "extreme"])),
            "annotations": field(st.lists(st.fixed_dictionaries({"entry": tw_date, "description": field(printable)}), max_size=2)),
        },
    )  # fmt: skip
    items = draw(st.lists(item, max_size=5))
    if draw(st.booleans()):
        return json.dumps(items).encode()
    return "\n".join(json.dumps(each) for each in items).encode()  # rc.json.array=off


@st.composite
def todotxt_documents(draw: st.DrawFn) -> bytes:
    token = st.sampled_from(
        ["x", "(A)", "(Z)", "(a)", "2026-11-23", "2026-02-30", "9999-99-99", "+proj", "@ctx",
         "due:2026-11-24", "due:2026-13-45", "due:", "t:0001-01-01", "est:90", "est:1h30m",
         "est:-1", "est:99999999999999", "demand:high", "demand:odd", "pri:B", "rec:1w", "x:y:z"]
    ) | printable  # fmt: skip
    lines = draw(st.lists(st.lists(token, max_size=8).map(" ".join), max_size=6))
    return "\n".join(lines).encode()


@st.composite
def ics_documents(draw: st.DrawFn) -> bytes:
    stamp = st.sampled_from(
        ["20261123T090000Z", "20261123T090000", "20261123", "20261341T250000Z", "20260230",
         "00010101T000000Z", "99991231T235959Z", "garbage", ""]
    )  # fmt: skip
    prop = st.sampled_from(
        ["DTSTART:{s}", "DTEND:{s}", "DTSTART;TZID=Europe/Paris:{s}", "DTSTART;TZID=Mars/Olympus:{s}",
         "DTSTART;VALUE=DATE:{s}", "DURATION:PT1H", "DURATION:P99999999W", "DURATION:nonsense",
         "SUMMARY:{t}", "UID:{t}", "DESCRIPTION:{t}", "RRULE:FREQ=DAILY;COUNT=3",
         "RRULE:FREQ=SECONDLY", "RRULE:FREQ=MINUTELY;INTERVAL=1", "RRULE:FREQ=YEARLY;BYMONTH=13",
         "RRULE:nonsense", "EXDATE:{s}", "RECURRENCE-ID:{s}", "STATUS:CANCELLED", "TRANSP:TRANSPARENT",
         " folded continuation", "X-UNKNOWN;A=B:C"]
    )  # fmt: skip
    events = []
    for _ in range(draw(st.integers(0, 4))):
        props = draw(st.lists(prop, max_size=8))
        body = [p.format(s=draw(stamp), t=draw(printable)) for p in props]
        events.append("\r\n".join(["BEGIN:VEVENT", *body, "END:VEVENT"]))
    document = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *events])
    if draw(st.booleans()):
        document += "\r\nEND:VCALENDAR"
    return document.encode()


@st.composite
def energy_csv_documents(draw: st.DrawFn) -> bytes:
    time = impossible_dates | st.sampled_from(["2026-11-23T08:00:00+01:00", "2026-11-23 08:00"])
    level = number_text
    rows = draw(
        st.lists(
            st.tuples(time, level, printable).map(lambda row: ",".join(json.dumps(v) if "," in v else v for v in row)),
            max_size=6,
        )
    )  # fmt: skip
    header = draw(
        st.sampled_from(["timestamp,level,note", "time;level", "", "at,level,note,extra"])
    )
    return "\n".join([header, *rows]).encode()


def damaged(sample: bytes) -> st.SearchStrategy[bytes]:
    """A real file of the format, cut short, with bytes flipped, or re-encoded."""
    cut = st.integers(0, len(sample)).map(lambda n: sample[:n])
    flipped = st.tuples(st.integers(0, len(sample) - 1), st.integers(0, 255)).map(
        lambda change: sample[: change[0]] + bytes([change[1]]) + sample[change[0] + 1 :]
    )
    encoded = st.sampled_from(
        [
            sample.decode().encode("utf-16"),
            b"\xef\xbb\xbf" + sample,
            sample.decode().encode("latin-1", errors="replace"),
            gzip.compress(sample),
            sample * 50,
            sample.replace(b"\n", b"\r"),
        ]
    )
    return cut | flipped | encoded


JUNK = st.binary(max_size=3000) | st.sampled_from(
    [b"", b"\x00" * 1000, b"SQLite format 3\x00" + b"\x00" * 100, b"[" * 100_000, b"{" * 100_000,
     b'{"tasks": ' + b"[" * 50_000, b'"' + b"x" * 2_000_000 + b'"', b"\xff\xfe\x00\x00",
     json.dumps({"tasks": [{"title": "t" * 5_000_000}]}).encode()]
)  # fmt: skip
GENERATORS = {
    "json": backup_documents(),
    "taskwarrior": taskwarrior_documents(),
    "todotxt": todotxt_documents(),
    "ics": ics_documents(),
    "energy-csv": energy_csv_documents(),
}


@pytest.mark.parametrize("fmt", FORMATS)
@fuzz
@given(data=st.data())
def test_random_files_import_completely_or_not_at_all(
    playground: Playground, fmt: str, data: st.DataObject
) -> None:
    sample = SAMPLES[fmt].read_bytes()
    content = data.draw(GENERATORS[fmt] | damaged(sample) | JUNK, label="content")
    named = data.draw(st.booleans(), label="pass --format")
    path = playground.folder / f"incoming-{next(playground.counter)}.{fmt}"
    path.write_bytes(content)
    try:
        args = ("import", str(path), "--format", fmt) if named else ("import", str(path))
        run_on_copy(playground, args)
    finally:
        path.unlink()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_sample_file_imports_and_twice_is_still_fine(
    playground: Playground, fmt: str
) -> None:
    # The undamaged samples must import: otherwise the fuzzing above proves little.
    db = playground.fresh()
    try:
        fp = Focusplan(db)
        fp.ok("import", str(SAMPLES[fmt]), "--format", fmt)
        check(fp("import", str(SAMPLES[fmt]), "--format", fmt), ("import", fmt, "again"))
    finally:
        playground.discard(db)


@pytest.mark.parametrize("fmt", ["json", "taskwarrior"])
@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize("named", [True, False], ids=["format-given", "format-guessed"])
def test_deeply_nested_json_is_refused_cleanly(
    playground: Playground, fmt: str, depth: int, named: bool
) -> None:
    # json.loads recurses once per bracket: past ~1,000 levels it raises RecursionError,
    # which is not a ValueError (guessing the format parses the first line too).
    path = playground.folder / f"nested-{fmt}-{depth}.json"
    opening = b'{"tasks": ' if fmt == "json" else b""
    path.write_bytes(opening + b"[" * depth)
    try:
        args = ("import", str(path), "--format", fmt) if named else ("import", str(path))
        run_on_copy(playground, args)
    finally:
        path.unlink()


@fuzz
@given(content=JUNK | backup_documents())
def test_import_from_stdin_is_held_to_the_same_contract(
    playground: Playground, content: bytes
) -> None:
    run_on_copy(playground, ("import", "-", "--format", "json"), stdin=content)


# --- a few real processes --------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("add", "x", "--due", "2026-02-30"),
        ("done", "99999999999999999999"),
        ("energy", "7"),
        ("rank", "--at", "0001-01-01"),
        ("import", str(FIXTURES / "calendar.ics"), "--format", "json"),
    ],
    ids=["impossible-date", "huge-id", "level-7", "year-1", "wrong-format"],
)
def test_a_real_process_fails_with_one_line_and_exit_2(
    playground: Playground, args: tuple[str, ...]
) -> None:
    db = playground.fresh()
    try:
        before = logical_dump(db)
        done = subprocess.run(
            [sys.executable, "-m", "focusplan", "--db", str(db), *args],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        check(Outcome(done.returncode, done.stdout, done.stderr), args)
        assert done.returncode == 2, done.stderr
        assert logical_dump(db) == before
    finally:
        playground.discard(db)
