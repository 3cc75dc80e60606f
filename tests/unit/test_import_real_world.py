"""Files as other programs (and people) really write them: what Taskwarrior's `task import`
and todo.txt tools accept is accepted; a JSON document nobody recognises is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from focusplan.exchange import ImportBundle, ImportFormatError, guess_format, parse_import

FIXTURES = Path(__file__).parents[1] / "fixtures"
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=PARIS)


def parse(data: bytes | str, fmt: str | None) -> ImportBundle:
    raw = data.encode() if isinstance(data, str) else data
    return parse_import(raw, fmt or guess_format(raw), now=NOW, zone=PARIS)


# --- Taskwarrior ---------------------------------------------------------------------------


def test_epoch_second_dates_read_as_task_import_reads_them() -> None:
    # `task import` of this file exports entry 20090213T233129Z, due 20260101T000000Z.
    bundle = parse((FIXTURES / "taskwarrior_epoch_import.json").read_bytes(), None)
    (item,) = bundle.tasks
    assert item.task.created_at == dt.datetime(2009, 2, 13, 23, 31, 29, tzinfo=dt.UTC)
    assert item.task.due == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_epoch_seconds_as_a_json_number() -> None:
    (item,) = parse('[{"description": "n", "entry": 1234567889}]', "taskwarrior").tasks
    assert item.task.created_at == dt.datetime(2009, 2, 13, 23, 31, 29, tzinfo=dt.UTC)


def test_eight_digits_are_a_date_not_seconds() -> None:
    (item,) = parse('[{"description": "d", "due": "20261121"}]', "taskwarrior").tasks
    assert item.task.due == dt.datetime(2026, 11, 21, tzinfo=PARIS)


@pytest.mark.parametrize("fmt", [None, "taskwarrior"])
def test_one_task_over_several_lines_is_one_task(fmt: str | None) -> None:
    data = (FIXTURES / "taskwarrior_single_task.json").read_bytes()
    assert guess_format(data) == "taskwarrior"
    bundle = parse(data, fmt)
    assert [item.task.title for item in bundle.tasks] == ["One task written over several lines"]
    assert bundle.tasks[0].task.tags == ("handwritten",)


def test_a_single_task_given_as_a_backup_is_refused_with_the_way_out() -> None:
    data = (FIXTURES / "taskwarrior_single_task.json").read_bytes()
    with pytest.raises(ImportFormatError, match=r"^json: not a focusplan backup.*--format task"):
        parse(data, "json")


@pytest.mark.parametrize(
    "document", ["{}", '{"foo": 1}', '{\n "name": "package.json",\n "version": "1.0"\n}']
)
def test_an_unrecognised_json_document_is_refused_not_imported_as_nothing(document: str) -> None:
    with pytest.raises(ImportFormatError, match=r"not a focusplan backup"):
        parse(document, None)


def test_an_item_without_description_is_not_a_task() -> None:
    with pytest.raises(ImportFormatError, match=r"item 1: no description: not a Taskwarrior task"):
        parse('[{"name": "x", "status": "pending"}]', "taskwarrior")


def test_an_epoch_beyond_the_calendar_is_refused_in_one_line() -> None:
    with pytest.raises(ImportFormatError, match=r"^taskwarrior item 1: entry date .* range"):
        parse('[{"description": "far", "entry": 1000000000000000}]', "taskwarrior")


# --- todo.txt ------------------------------------------------------------------------------


def test_a_line_of_only_projects_and_contexts_is_a_task_titled_by_them() -> None:
    bundle = parse("Fine task\n+garden @home due:2026-11-23\nAnother\n", "todotxt")
    task = bundle.tasks[1].task
    assert task.title == "+garden @home"
    assert task.project == "garden" and task.tags == ("home",)
    assert task.due == dt.datetime(2026, 11, 23, tzinfo=PARIS)


@pytest.mark.parametrize("day", ["3000-01-01", "9999-12-30", "1850-06-01", "0100-01-01"])
def test_due_dates_the_store_can_hold_are_accepted(day: str) -> None:
    (item,) = parse(f"Far away due:{day}", "todotxt").tasks
    assert item.task.due is not None and item.task.due.date().isoformat() == day


def test_a_date_at_the_very_end_of_the_calendar_is_refused_in_one_line() -> None:
    with pytest.raises(ImportFormatError, match=r"^todotxt line 1: time '0001-01-01' is out of"):
        parse("Too early due:0001-01-01", "todotxt")


def test_a_line_keeps_its_identity_when_it_is_marked_done_or_reprioritised() -> None:
    before = parse("(A) 2026-11-20 Call the bank +finance @phone due:2026-11-24", "todotxt")
    after = parse("x 2026-11-22 2026-11-20 Call the bank +finance @phone pri:B", "todotxt")
    assert before.tasks[0].task.external_id == after.tasks[0].task.external_id
    other = parse("2026-11-20 Call the bank again +finance @phone", "todotxt")
    assert other.tasks[0].task.external_id != before.tasks[0].task.external_id


def test_the_same_line_twice_is_two_tasks_with_two_identities() -> None:
    bundle = parse("Call mum\nCall mum\n", "todotxt")
    ids = [item.task.external_id for item in bundle.tasks]
    assert len(ids) == 2 and len(set(ids)) == 2
