"""The import contract for hostile input: any bytes give a bundle or one ImportFormatError.

An error that went through the reader-bug safety net says "focusplan bug"; these tests treat that
as a failure too, so a gap in a reader's own checks shows up here rather than in the field.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from focusplan.exchange import (
    IMPORT_FORMATS,
    MAX_IMPORT_BYTES,
    ImportBundle,
    ImportFormatError,
    guess_format,
    parse_import,
)

FIXTURES = Path(__file__).parents[1] / "fixtures"
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=PARIS)
SAMPLES = {
    "json": FIXTURES / "backup_minimal.json",
    "taskwarrior": FIXTURES / "taskwarrior_export.json",
    "todotxt": FIXTURES / "todo.txt",
    "ics": FIXTURES / "calendar.ics",
    "energy-csv": FIXTURES / "energy.csv",
}
FORMATS = st.sampled_from([*IMPORT_FORMATS, None])


def check(data: bytes | str, fmt: str | None) -> ImportBundle | None:
    """Parse, and hold the outcome to the contract."""
    try:
        return parse_import(data, fmt, now=NOW, zone=PARIS)
    except ImportFormatError as error:
        message = str(error)
        assert message
        assert "\n" not in message
        assert "focusplan bug" not in message, message
        assert len(message) < 400
        return None


@given(st.binary(max_size=2000), FORMATS)
@settings(max_examples=400, deadline=None)
def test_any_bytes(data: bytes, fmt: str | None) -> None:
    check(data, fmt)


@given(st.text(max_size=500), FORMATS)
@settings(max_examples=400, deadline=None)
def test_any_text(text: str, fmt: str | None) -> None:
    check(text.encode("utf-8", "surrogatepass"), fmt)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["20261121T100000Z", "2026-11-21T10:00", "pending", "done", "H", "PT1H"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "tasks",
                    "energy",
                    "events",
                    "days",
                    "weights",
                    "sessions",
                    "choices",
                    "id",
                    "title",
                    "description",
                    "uuid",
                    "status",
                    "due",
                    "depends",
                    "depends_on",
                    "annotations",
                    "tags",
                    "project",
                    "priority",
                    "entry",
                    "end",
                    "at",
                    "level",
                    "start",
                    "estimate",
                    "importance",
                    "params",
                    "version",
                    "task_id",
                    "created_at",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@given(JSON_VALUES, st.sampled_from(["json", "taskwarrior"]))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_json_of_any_shape(document: object, fmt: str) -> None:
    check(json.dumps(document), fmt)


@given(st.sampled_from(sorted(SAMPLES)), st.data())
@settings(max_examples=200, deadline=None)
def test_truncated_samples(fmt: str, data: st.DataObject) -> None:
    content = SAMPLES[fmt].read_bytes()
    cut = data.draw(st.integers(0, len(content)))
    check(content[:cut], fmt)


@given(st.sampled_from(sorted(SAMPLES)), st.data())
@settings(max_examples=200, deadline=None)
def test_samples_with_a_corrupted_byte(fmt: str, data: st.DataObject) -> None:
    content = bytearray(SAMPLES[fmt].read_bytes())
    position = data.draw(st.integers(0, len(content) - 1))
    content[position] = data.draw(st.integers(0, 255))
    check(bytes(content), fmt)


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_every_sample_imports(fmt: str) -> None:
    bundle = check(SAMPLES[fmt].read_bytes(), fmt)
    assert bundle is not None
    assert sum(bundle.counts().values()) > 0


@pytest.mark.parametrize("fmt", ["json", "taskwarrior"])
def test_deep_nesting(fmt: str) -> None:
    with pytest.raises(ImportFormatError):
        parse_import(b"[" * 100_000 + b"]" * 100_000, fmt, now=NOW, zone=PARIS)


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_non_utf8_is_refused_with_the_offset(fmt: str) -> None:
    with pytest.raises(ImportFormatError, match=r"not UTF-8 text \(bad byte at offset 3\)"):
        parse_import(b"abc\xff\xfe rest", fmt, now=NOW, zone=PARIS)


def test_utf16_with_bom_is_read() -> None:
    data = SAMPLES["todotxt"].read_text(encoding="utf-8").encode("utf-16")
    bundle = parse_import(data, "todotxt", now=NOW, zone=PARIS)
    assert len(bundle.tasks) == 7


def test_oversized_file_is_refused_before_reading() -> None:
    with pytest.raises(ImportFormatError, match="limited to 256 MB"):
        parse_import(b" " * (MAX_IMPORT_BYTES + 1), "todotxt", now=NOW, zone=PARIS)


def test_huge_integer_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="json"):
        parse_import(
            b'{"tasks": [{"title": "a", "importance": 1' + b"0" * 5000 + b"}]}",
            "json",
            now=NOW,
            zone=PARIS,
        )


def test_long_title_is_shortened_and_kept_in_the_notes() -> None:
    bundle = parse_import(("x" * 10_000).encode(), "todotxt", now=NOW, zone=PARIS)
    task = bundle.tasks[0].task
    assert (len(task.title), task.notes) == (200, "x" * 10_000)


def test_title_too_long_even_for_the_notes_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="todotxt line 1: the title is longer than 20000"):
        parse_import(("x" * 100_000).encode(), "todotxt", now=NOW, zone=PARIS)


def test_huge_notes_are_refused() -> None:
    document = {"tasks": [{"title": "a", "notes": "n" * 30_000}]}
    with pytest.raises(ImportFormatError, match="json task 1: notes are longer than 20000"):
        parse_import(json.dumps(document), "json", now=NOW, zone=PARIS)


def test_unknown_format_name() -> None:
    with pytest.raises(ImportFormatError, match="unknown import format 'pdf'"):
        parse_import(b"", "pdf", now=NOW, zone=PARIS)


@pytest.mark.parametrize(
    ("alias", "name"),
    [("ICS", "ics"), ("todo.txt", "todotxt"), ("csv", "energy-csv"), ("tw", "taskwarrior")],
)
def test_format_aliases(alias: str, name: str) -> None:
    assert parse_import(b"", alias, now=NOW, zone=PARIS).format == name


def test_import_range_must_be_ordered() -> None:
    with pytest.raises(ImportFormatError, match="range ends before it starts"):
        parse_import(b"", "ics", now=NOW, range_start=NOW, range_end=NOW - dt.timedelta(days=1))


# ---- guessing


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_guess_from_content_and_name(fmt: str) -> None:
    path = SAMPLES[fmt]
    assert guess_format(path.read_bytes(), path.name) == fmt


@pytest.mark.parametrize("fmt", ["json", "taskwarrior", "ics", "energy-csv"])
def test_guess_from_content_alone(fmt: str) -> None:
    assert guess_format(SAMPLES[fmt].read_bytes()) == fmt


def test_guess_one_object_per_line_taskwarrior() -> None:
    line = json.dumps({"description": "a", "uuid": "u", "status": "pending"})
    assert guess_format(f"{line}\n{line}\n".encode()) == "taskwarrior"


def test_guess_trusts_a_txt_name_over_bracketed_content() -> None:
    assert guess_format(b"[ ] tidy the desk\n", "todo.txt") == "todotxt"


def test_guess_takes_broken_json_for_the_backup_so_its_error_shows() -> None:
    assert guess_format(b"junk", "x.json") == "json"


def test_guess_refuses_unknown_text_without_a_telling_name() -> None:
    with pytest.raises(ImportFormatError, match=r"cannot tell the format of 'notes\.md'"):
        guess_format(b"Buy milk\nCall mom\n", "notes.md")


def test_parse_without_format_guesses_from_content() -> None:
    bundle = parse_import(SAMPLES["ics"].read_bytes(), None, now=NOW, zone=PARIS)
    assert bundle.format == "ics"


@pytest.fixture
def small_item_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    # The real limit (MAX_ITEMS) takes seconds to reach; the check is the same.
    monkeypatch.setattr("focusplan.exchange.fields.MAX_ITEMS", 50)
    return 50


@pytest.mark.parametrize(
    ("fmt", "line"),
    [("todotxt", "a"), ("energy-csv", "2026-11-20T07:30,3")],
)
def test_too_many_items_are_refused(small_item_limit: int, fmt: str, line: str) -> None:
    data = (line + "\n") * (small_item_limit + 1)
    with pytest.raises(ImportFormatError, match=r"more than 50 .*; split the file$"):
        parse_import(data.encode(), fmt, now=NOW, zone=PARIS)


def test_too_many_taskwarrior_items_are_refused(small_item_limit: int) -> None:
    data = json.dumps([{"description": "a"}] * (small_item_limit + 1))
    with pytest.raises(ImportFormatError, match=r"^taskwarrior: more than 50 items"):
        parse_import(data, "taskwarrior", now=NOW, zone=PARIS)


def test_the_item_limit_itself_is_allowed(small_item_limit: int) -> None:
    bundle = parse_import(b"a\n" * small_item_limit, "todotxt", now=NOW, zone=PARIS)
    assert len(bundle.tasks) == small_item_limit


def test_exchange_imports_no_database_ui_or_calendar_library() -> None:
    # Pure conversions (no store, no faces), and icalendar only once a calendar is touched.
    code = (
        "import sys, focusplan.exchange; "
        "print(sorted(m for m in ('sqlalchemy', 'click', 'textual', 'icalendar', "
        "'recurring_ical_events', 'numpy') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
