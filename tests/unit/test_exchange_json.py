"""The JSON backup: export_backup → parse_import gives back equal data, and bad files fail whole."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from focusplan.domain import (
    Choice,
    ContextEventDraft,
    DayContext,
    EnergyLogDraft,
    FocusSession,
    NewTask,
    Task,
    WeightsVersion,
)
from focusplan.exchange import ImportBundle, ImportFormatError, export_backup, parse_import
from focusplan.exchange.fields import clean_line, clean_notes

FIXTURE = Path(__file__).parents[1] / "fixtures" / "backup_minimal.json"
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=PARIS)

# Fixed offsets only: Python compares times in different zones as unequal when one sits in a
# DST fold or gap, which would fail the round trip for a reason that is not ours.
ZONES = st.sampled_from(
    [dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30)), dt.timezone(dt.timedelta(hours=-8))]
)
TIMES = st.datetimes(
    min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=ZONES
)
LINES = st.text(min_size=1, max_size=60).map(clean_line).filter(bool)
NOTES = st.text(max_size=80).map(clean_notes)
LABELS = (
    st.text(min_size=1, max_size=20)
    .map(clean_line)
    .filter(bool)
    .map(lambda s: s.lstrip("+@#"))
    .filter(bool)
)


def parse(data: bytes | str) -> ImportBundle:
    return parse_import(data, "json", now=NOW, zone=PARIS)


@st.composite
def tasks(draw: st.DrawFn) -> list[Task]:
    count = draw(st.integers(0, 6))
    result = []
    ids = draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count, unique=True))
    for index, task_id in enumerate(ids):
        created = draw(TIMES)
        status = draw(st.sampled_from(["open", "done", "dropped"]))
        fields: dict[str, Any] = {
            "id": task_id,
            "title": draw(LINES),
            "notes": draw(NOTES),
            "importance": draw(st.integers(1, 5)),
            "demand": draw(st.sampled_from(["low", "medium", "high"])),
            "estimate_minutes": draw(st.integers(1, 24 * 60)),
            "due": draw(st.none() | TIMES),
            "not_before": draw(st.none() | TIMES),
            "project": draw(st.none() | LABELS),
            "tags": tuple(draw(st.lists(LABELS, max_size=3, unique=True))),
            "window": draw(st.none() | st.sampled_from(["morning", "afternoon", "evening"])),
            # Only on earlier tasks: the store refuses cycles, so a backup never has one.
            "depends_on": tuple(draw(st.lists(st.sampled_from(ids[:index]), unique=True)))
            if index
            else (),
            "status": status,
            "created_at": created,
            "updated_at": draw(st.none() | TIMES),
            "completed_at": draw(TIMES) if status == "done" else None,
            "dropped_at": draw(st.none() | TIMES) if status == "dropped" else None,
            "actual_minutes": draw(st.none() | st.integers(0, 600)),
            "external_id": draw(st.none() | LINES),
        }
        result.append(Task.model_validate(fields))
    return result


def as_new_task(task: Task) -> NewTask:
    return NewTask.model_validate(task.model_dump(exclude={"id", "updated_at"}))


@given(tasks())
@settings(max_examples=60, deadline=None)
def test_tasks_round_trip(original: list[Task]) -> None:
    bundle = parse(export_backup(original, [], []))
    ids = {str(task.id): task.id for task in original}
    restored = {item.key: item.resolved(ids) for item in bundle.tasks}
    assert restored == {str(task.id): as_new_task(task) for task in original}


@given(
    st.lists(
        st.builds(
            EnergyLogDraft,
            at=TIMES,
            level=st.integers(1, 5),
            note=NOTES,
            source=st.sampled_from(["manual", "import"]),
        ),
        max_size=5,
    ),
    st.lists(
        st.builds(
            lambda start, minutes, title, uid, all_day: ContextEventDraft(
                start=start,
                end=start + dt.timedelta(minutes=minutes),
                title=title,
                uid=uid,
                source="ics",
                all_day=all_day,
            ),
            TIMES,
            st.integers(0, 600),
            LINES,
            st.none() | LINES,
            st.booleans(),
        ),
        max_size=5,
    ),
    st.lists(
        st.builds(
            DayContext,
            date=st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
            sleep_hours=st.none() | st.floats(0, 24),
            notes=NOTES,
        ),
        max_size=3,
    ),
)
@settings(max_examples=60, deadline=None)
def test_energy_events_and_days_round_trip(
    energy: list[EnergyLogDraft], events: list[ContextEventDraft], days: list[DayContext]
) -> None:
    bundle = parse(export_backup([], energy, events, days))
    assert (bundle.energy, bundle.events, bundle.days) == (energy, events, days)


def test_weights_sessions_and_choices_round_trip() -> None:
    task = Task(id=7, title="Write", created_at=NOW)
    other = Task(id=9, title="Read", created_at=NOW)
    weights = [
        WeightsVersion(version=1, params={"importance": 1.0, "deadline": 0.5}, created_at=NOW),
        WeightsVersion(
            version=2, params={"importance": 1.25}, created_at=NOW, reason="review", active=True
        ),
    ]
    sessions = [FocusSession(id=1, task_id=7, start=NOW, end=NOW + dt.timedelta(minutes=50))]
    choices = [Choice(at=NOW, task_id=7, candidates=(7, 9), kind="focus")]
    text = export_backup(
        [task, other], [], [], [], weights, sessions=sessions, choices=choices, now=NOW
    )
    bundle = parse(text)
    assert bundle.weights == weights
    assert [(s.task_key, s.start, s.end, s.interrupted) for s in bundle.sessions] == [
        ("7", NOW, NOW + dt.timedelta(minutes=50), False)
    ]
    assert [(c.task_key, c.candidate_keys, c.kind) for c in bundle.choices] == [
        ("7", ("7", "9"), "focus")
    ]


def test_export_has_the_cli_contract_keys() -> None:
    task = Task(id=3, title="Write", created_at=NOW, depends_on=())
    document = json.loads(export_backup([task], [EnergyLogDraft(at=NOW, level=4)], [], now=NOW))
    assert {"tasks", "energy", "events"} <= set(document)
    assert {
        "id",
        "title",
        "status",
        "importance",
        "demand",
        "estimate_minutes",
        "due",
        "not_before",
        "project",
        "tags",
        "depends_on",
        "created_at",
        "completed_at",
    } <= set(document["tasks"][0])
    assert set(document["energy"][0]) >= {"at", "level", "note"}


def test_minimal_fixture_reads() -> None:
    bundle = parse(FIXTURE.read_bytes())
    assert bundle.counts()["tasks"] == 3
    assert [item.key for item in bundle.tasks] == ["1", "2", "3"]
    assert bundle.tasks[1].depends_on_keys == ("1",)
    assert bundle.tasks[2].task.status == "done"
    assert bundle.energy[0].level == 4
    assert bundle.events[0].title == "Team meeting"


def test_naive_times_are_in_the_given_zone() -> None:
    bundle = parse(FIXTURE.read_bytes())
    assert bundle.tasks[1].task.created_at == dt.datetime(2026, 11, 20, 9, 5, tzinfo=PARIS)


def test_missing_created_at_is_now() -> None:
    bundle = parse(b'{"tasks": [{"title": "x"}]}')
    assert bundle.tasks[0].task.created_at == NOW
    assert bundle.tasks[0].key == "#1"


def test_dependencies_are_placed_first_whatever_the_file_order() -> None:
    text = json.dumps(
        {"tasks": [{"id": 1, "title": "b", "depends_on": [2]}, {"id": 2, "title": "a"}]}
    )
    assert [item.key for item in parse(text).tasks] == ["2", "1"]


def test_a_long_chain_of_dependencies_does_not_hit_the_recursion_limit() -> None:
    items = [{"id": n, "title": f"t{n}", "depends_on": [n + 1]} for n in range(5000)]
    items.append({"id": 5000, "title": "last"})
    keys = [item.key for item in parse(json.dumps({"tasks": items})).tasks]
    assert keys[0] == "5000"
    assert keys[-1] == "0"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"tasks": "x"}, r"^json: 'tasks' must be a list, not str$"),
        ({"tasks": [3]}, r"^json task 1: expected an object, not '3'$"),
        ({"tasks": [{"title": ""}]}, r"^json task 1: a task needs a title$"),
        ({"tasks": [{"title": "a", "importance": 9}]}, r"^json task 1: importance: .*5"),
        ({"tasks": [{"title": "a", "due": "tomorrow"}]}, r"^json task 1: bad due 'tomorrow'"),
        ({"tasks": [{"title": "a", "due": "2026-02-30"}]}, r"^json task 1: bad due"),
        ({"tasks": [{"title": "a", "status": "done"}]}, r"a done task needs completed_at"),
        (
            {"tasks": [{"id": 1, "title": "a"}, {"id": 1, "title": "b"}]},
            r"task 2: id '1' appears twice",
        ),
        (
            {"tasks": [{"id": 1, "title": "a", "depends_on": [1]}]},
            r"^json: tasks depend on each other in a cycle: id 1 → id 1$",
        ),
        ({"energy": [{"at": "2026-11-21T08:00", "level": 7}]}, r"^json energy 1: level: "),
        ({"energy": [{"at": "2026-11-21T08:00", "level": 4.5}]}, r"^json energy 1: level: "),
        (
            {"events": [{"start": "2026-11-21T10:00", "end": "2026-11-21T09:00"}]},
            r"event 1: .*end before",
        ),
        ({"tasks": [{"title": "a", "due": "0001-01-01T00:00+05:00"}]}, r"out of range"),
        ({"version": 99}, r"newer than this focusplan"),
        (
            {"weights": [{"version": 1, "params": {"a": "x"}, "created_at": "2026-01-01"}]},
            r"finite",
        ),
        (
            {"weights": [{"version": 1, "params": {"a": 10**400}, "created_at": "2026-01-01"}]},
            r"^json weights 1: parameter 'a' is not a finite number$",
        ),
        (
            {"weights": [{"version": 0, "params": {}, "created_at": "2026-01-01"}]},
            r"^json weights 1: bad version '0'",
        ),
        (
            {"energy": [{"at": "2026-11-21T08:00", "level": 3, "source": "s" * 100}]},
            r"^json energy 1: source .* is longer than 64",
        ),
    ],
)
def test_bad_items_fail_the_whole_file(document: object, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        parse(json.dumps(document))


def test_a_list_suggests_the_taskwarrior_format() -> None:
    with pytest.raises(ImportFormatError, match="use --format taskwarrior"):
        parse(b"[]")


def test_nan_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="NaN"):
        parse(b'{"energy": [{"at": "2026-11-21T08:00", "level": NaN}]}')


def test_dependency_on_an_id_not_in_the_file_is_dropped_and_noted() -> None:
    bundle = parse(b'{"tasks": [{"id": 1, "title": "a", "depends_on": [42]}]}')
    assert bundle.tasks[0].depends_on_keys == ()
    assert bundle.notes


def test_control_characters_do_not_reach_titles() -> None:
    bundle = parse(json.dumps({"tasks": [{"title": "a\x1b[31mred\x07\nline"}]}))
    assert bundle.tasks[0].task.title == "ared line"  # the whole escape sequence goes


def test_lone_surrogates_are_removed() -> None:
    bundle = parse(b'{"tasks": [{"title": "ok \\ud800 fine"}]}')
    assert bundle.tasks[0].task.title == "ok fine"
