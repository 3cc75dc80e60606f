"""Reading `task export`: the mapping of every Taskwarrior field we use, on a real export."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from focusplan.exchange import ImportBundle, ImportedTask, ImportFormatError, parse_import

FIXTURE = Path(__file__).parents[1] / "fixtures" / "taskwarrior_export.json"
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=PARIS)


def parse(data: bytes | str) -> ImportBundle:
    return parse_import(data, "taskwarrior", now=NOW, zone=PARIS)


def raw_items() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def uuid_of(title: str) -> str:
    return next(item["uuid"] for item in raw_items() if item["description"] == title)


def by_title(bundle: ImportBundle, title: str) -> ImportedTask:
    matches = [item for item in bundle.tasks if item.task.title == title]
    assert len(matches) == 1, f"{title!r}: {len(matches)} matches"
    return matches[0]


def tw_item(**fields: object) -> dict:
    item: dict[str, object] = {
        "description": "Something",
        "entry": "20261121T100000Z",
        "status": "pending",
        "uuid": str(uuid.uuid4()),
    }
    item.update(fields)
    return item


def parse_items(*items: dict) -> ImportBundle:
    return parse(json.dumps(list(items)))


@pytest.fixture(scope="module")
def bundle() -> ImportBundle:
    return parse(FIXTURE.read_bytes())


def test_fixture_yields_every_task_and_the_recurring_parent_becomes_a_series(
    bundle: ImportBundle,
) -> None:
    assert len(bundle.tasks) == len(raw_items()) - 1  # the parent is the series, not a task
    assert bundle.skipped == {}
    assert "1 repeating series" in " ".join(bundle.notes)


def test_uuid_is_key_and_external_id(bundle: ImportBundle) -> None:
    item = by_title(bundle, "Write quarterly report")
    assert item.key == uuid_of("Write quarterly report")
    assert item.task.external_id == item.key


def test_due_priority_project_tags_and_udas(bundle: ImportBundle) -> None:
    task = by_title(bundle, "Write quarterly report").task
    assert task.due == dt.datetime(2026, 11, 25, 17, 0, tzinfo=PARIS)
    assert task.importance == 5
    assert task.project == "work.reports"
    assert set(task.tags) == {"deep", "writing"}
    assert task.estimate_minutes == 120
    assert task.demand == "high"
    assert task.status == "open"


def test_created_at_comes_from_entry(bundle: ImportBundle) -> None:
    item = next(i for i in raw_items() if i["description"] == "Write quarterly report")
    entry = dt.datetime.strptime(item["entry"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    assert by_title(bundle, "Write quarterly report").task.created_at == entry


def test_priorities_map_to_importance(bundle: ImportBundle) -> None:
    assert by_title(bundle, "Review pull request #42").task.importance == 4
    assert by_title(bundle, "Book dentist appointment").task.importance == 2
    assert by_title(bundle, "Plan team offsite").task.importance == 3


def test_not_before_is_the_later_of_scheduled_and_wait(bundle: ImportBundle) -> None:
    review = by_title(bundle, "Review pull request #42").task  # scheduled after wait
    slides = by_title(bundle, 'Send slides, v2 — résumé; "final"').task  # wait after scheduled
    assert review.not_before == dt.datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
    assert slides.not_before == dt.datetime(2026, 11, 27, 0, 0, tzinfo=PARIS)


def test_depends_become_keys_of_the_file(bundle: ImportBundle) -> None:
    slides = by_title(bundle, 'Send slides, v2 — résumé; "final"')
    assert set(slides.depends_on_keys) == {
        uuid_of("Write quarterly report"),
        uuid_of("Review pull request #42"),
    }


def test_tasks_come_after_their_dependencies(bundle: ImportBundle) -> None:
    position = {item.key: index for index, item in enumerate(bundle.tasks)}
    for item in bundle.tasks:
        for key in item.depends_on_keys:
            assert position[key] < position[item.key]


def test_resolved_maps_keys_to_store_ids(bundle: ImportBundle) -> None:
    ids = {item.key: number for number, item in enumerate(bundle.tasks, start=100)}
    review = by_title(bundle, "Review pull request #42")
    assert review.resolved(ids).depends_on == (ids[uuid_of("Write quarterly report")],)


def test_annotations_become_dated_note_lines(bundle: ImportBundle) -> None:
    lines = by_title(bundle, "Plan team offsite").task.notes.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("Ask Ana about the budget")
    assert lines[1].endswith("Venue shortlist: Lyon, Annecy; décision vendredi")
    assert all(line[:16].count("-") == 2 and line[10] == " " for line in lines)


def test_completed_is_done_at_end(bundle: ImportBundle) -> None:
    task = by_title(bundle, "Buy groceries").task
    end = next(i["end"] for i in raw_items() if i["description"] == "Buy groceries")
    assert task.status == "done"
    assert task.completed_at == dt.datetime.strptime(end, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def test_deleted_is_dropped_at_end(bundle: ImportBundle) -> None:
    task = by_title(bundle, "Old idea: learn the theremin").task
    assert task.status == "dropped"
    assert task.dropped_at is not None


def test_recurring_instance_is_the_open_instance_of_its_series(bundle: ImportBundle) -> None:
    task = by_title(bundle, "Water the plants").task
    assert task.due is not None and task.status == "open"
    assert (task.recur, task.series_id) == ("weekly", uuid_of_parent("Water the plants"))


def uuid_of_parent(title: str) -> str:
    return next(
        item["uuid"]
        for item in raw_items()
        if item["description"] == title and item["status"] == "recurring"
    )


def test_depends_as_a_comma_string_reads_like_a_list(bundle: ImportBundle) -> None:
    # Taskwarrior 2.5 and earlier wrote depends as "uuid,uuid"; 2.6 writes a list.
    items = raw_items()
    for item in items:
        if "depends" in item:
            item["depends"] = ",".join(item["depends"])
    assert parse(json.dumps(items)) == bundle


def test_one_object_per_line_reads_like_the_array(bundle: ImportBundle) -> None:
    lines = "\n".join(json.dumps(item) + "," for item in raw_items())
    assert parse(lines) == bundle


def test_waiting_status_is_open() -> None:
    item = tw_item(status="waiting", wait="20261130T080000Z")
    task = parse_items(item).tasks[0].task
    assert task.status == "open"
    assert task.not_before == dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def test_no_priority_is_importance_three() -> None:
    assert parse_items(tw_item()).tasks[0].task.importance == 3


@pytest.mark.parametrize(
    ("estimate", "minutes"),
    [("PT1H30M", 90), ("PT45M", 45), ("90", 90), (25, 25), ("P2D", 24 * 60), ("PT0S", 30)],
)
def test_estimate_uda_forms(estimate: object, minutes: int) -> None:
    task = parse_items(tw_item(estimate=estimate)).tasks[0].task
    assert task.estimate_minutes == minutes


@pytest.mark.parametrize(
    ("demand", "expected"), [("low", "low"), ("H", "high"), ("Medium", "medium")]
)
def test_demand_uda_forms(demand: str, expected: str) -> None:
    assert parse_items(tw_item(demand=demand)).tasks[0].task.demand == expected


def test_bad_date_names_the_item_and_the_value() -> None:
    with pytest.raises(ImportFormatError, match=r"^taskwarrior item 2: bad due date 'xyz'$"):
        parse_items(tw_item(), tw_item(due="xyz"))


def test_impossible_date_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="item 1: bad due date '20261341T100000Z'"):
        parse_items(tw_item(due="20261341T100000Z"))


def test_unknown_priority_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="item 1: unknown priority 'X'"):
        parse_items(tw_item(priority="X"))


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="item 1: unknown status 'paused'"):
        parse_items(tw_item(status="paused"))


def test_dependency_cycle_is_refused() -> None:
    first, second = tw_item(), tw_item()
    first["depends"] = [second["uuid"]]
    second["depends"] = [first["uuid"]]
    with pytest.raises(ImportFormatError, match="cycle"):
        parse_items(first, second)


def test_dependency_on_a_task_outside_the_export_is_dropped_and_noted() -> None:
    bundle = parse_items(tw_item(depends=[str(uuid.uuid4())]))
    assert bundle.tasks[0].depends_on_keys == ()
    assert any("not in the export" in note for note in bundle.notes)


def test_long_description_is_shortened_and_kept_in_notes() -> None:
    description = "word " * 100
    task = parse_items(tw_item(description=description)).tasks[0].task
    assert len(task.title) == 200
    assert task.title.endswith("…")
    assert task.notes.startswith(description.strip())


def test_a_focusplan_backup_is_pointed_to_the_json_format() -> None:
    with pytest.raises(ImportFormatError, match=r"focusplan backup.*--format json"):
        parse(b'{"tasks": [], "energy": []}')


def test_broken_line_of_one_object_per_line_is_named() -> None:
    with pytest.raises(ImportFormatError, match=r"^taskwarrior line 2: not valid JSON at column"):
        parse(json.dumps(tw_item()) + "\n" + '{"description": ')


def synthetic_export(count: int) -> bytes:
    ids = [str(uuid.UUID(int=n + 1)) for n in range(count)]
    items = []
    for n, key in enumerate(ids):
        item = tw_item(
            uuid=key,
            description=f"Task number {n} with a few words",
            modified="20261121T102236Z",
            priority="HML"[n % 3],
            project="work.reports",
            tags=["deep", "writing"],
            due="20261125T160000Z",
            scheduled="20261123T080000Z",
            estimate="PT1H30M",
            annotations=[{"entry": "20261121T102236Z", "description": "a note"}],
            urgency=4.2,
        )
        if n % 4 == 3:
            item.update(status="completed", end="20261121T112236Z")
        if n and n % 3 == 0:
            item["depends"] = [ids[n - 1], ids[n // 2]]
        items.append(item)
    return json.dumps(items).encode()


def test_ten_thousand_tasks_parse_with_their_dependencies_in_order() -> None:
    # Speed is measured in bench/plan.py; this pins that a large export parses whole.
    bundle = parse(synthetic_export(10_000))
    assert len(bundle.tasks) == 10_000
    seen: set[str] = set()
    for item in bundle.tasks:
        assert set(item.depends_on_keys) <= seen
        seen.add(item.key)


@pytest.mark.skipif(shutil.which("task") is None, reason="Taskwarrior is not installed")
def test_live_task_export_round_trips_through_the_parser(tmp_path: Path) -> None:
    # Taskwarrior needs HOME (it segfaults without one), so the environment is inherited.
    env = {**os.environ, "TASKDATA": str(tmp_path), "TASKRC": "/dev/null", "TZ": "UTC"}
    task = shutil.which("task")
    assert task is not None

    def tw(*args: str) -> str:
        done = subprocess.run(
            [task, "rc.confirmation=off", "rc.verbose=nothing", "rc.hooks=off", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return done.stdout

    tw("add", "Live first", "due:2030-01-02T03:04", "priority:H", "project:live", "+one")
    tw("add", "Live second", "depends:1", "scheduled:2030-01-01")
    tw("1", "annotate", "a live note")
    tw("add", "Live finished")
    tw("description:Live finished", "done")

    bundle = parse(tw("export").encode())

    first = by_title(bundle, "Live first")
    second = by_title(bundle, "Live second")
    assert first.task.due == dt.datetime(2030, 1, 2, 3, 4, tzinfo=dt.UTC)
    assert first.task.importance == 5
    assert first.task.project == "live"
    assert first.task.tags == ("one",)
    assert first.task.notes.endswith("a live note")
    assert second.depends_on_keys == (first.key,)
    assert second.task.not_before == dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert by_title(bundle, "Live finished").task.status == "done"


def test_the_unvalidated_wrapper_is_what_validation_would_make() -> None:
    # `_imported` skips a second validation per task; it must stay the same model (a new
    # field on ImportedTask must be given there too).
    from focusplan.domain import NewTask
    from focusplan.exchange.bundle import ImportedTask
    from focusplan.exchange.taskwarrior import _imported

    draft = NewTask(title="Write", created_at=dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC))
    made = _imported("uuid-1", draft, ("uuid-0",))
    validated = ImportedTask(key="uuid-1", task=draft, depends_on_keys=("uuid-0",))
    assert made == validated
    assert made.__dict__ == validated.__dict__
    assert made.model_fields_set == set(ImportedTask.model_fields)
