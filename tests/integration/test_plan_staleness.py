"""Plans are never stale: `plan`, the app's Plan screen and exports re-plan from now when
what the plan was made from changed, and serve the stored plan untouched otherwise."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from focusplan.domain import DayPlan, NewTask
from focusplan.planner import WorkingDay
from focusplan.services.planning import default_plan_day, plan_day_for, plan_view
from focusplan.services.source import DataSource
from focusplan.services.tasks import add_task
from focusplan.settings import load_settings
from tests.integration.cli_runner import Focusplan

MONDAY = dt.date(2026, 11, 23)


# Stored plans (JSON notes, blocks, fingerprints) on both homes (tests/conftest.py).
pytestmark = pytest.mark.both_backends


@pytest.fixture
def fp(db_location: str, frozen_now: dt.datetime) -> Focusplan:
    return Focusplan(db_location)


def at_time(monkeypatch: pytest.MonkeyPatch, hhmm: str, day: dt.date = MONDAY) -> dt.datetime:
    """Move focusplan's clock to `hhmm` on `day` (Paris)."""
    moment = dt.datetime.fromisoformat(f"{day.isoformat()}T{hhmm}:00+01:00")
    monkeypatch.setenv("FOCUSPLAN_NOW", moment.isoformat())
    return moment


def plan_json(fp: Focusplan, *args: str) -> dict[str, Any]:
    document: dict[str, Any] = fp.ok("plan", "--json", *args).json()
    return document


def focus_ids(document: dict[str, Any]) -> list[int]:
    return [b["task_id"] for b in document["blocks"] if b["kind"] == "focus"]


def stored(db_location: str, day: dt.date = MONDAY) -> DayPlan | None:
    source = DataSource(db_location)
    try:
        with source.unit_of_work() as uow:
            return uow.plans.get(day)
    finally:
        source.database.close()


def test_a_task_added_after_planning_is_in_the_next_plan(fp: Focusplan) -> None:
    fp.ok("add", "Write the report", "--estimate", "2h", "--importance", "3")
    first = plan_json(fp)
    new_id = fp.ok("add", "Call the auditor", "--importance", "5", "--estimate", "20m",
                   "--due", "today 15:00", "--json").json()["id"]  # fmt: skip
    assert new_id not in focus_ids(first)
    again = plan_json(fp)
    assert new_id in focus_ids(again)


def test_an_event_added_after_planning_moves_the_plan(fp: Focusplan, tmp_path: Path) -> None:
    fp.ok("add", "Long read", "--estimate", "6h", "--demand", "low")
    plan_json(fp)
    calendar = tmp_path / "events.json"
    calendar.write_text(
        json.dumps(
            {
                "tasks": [],
                "energy": [],
                "events": [
                    {
                        "start": "2026-11-23T14:00:00+01:00",
                        "end": "2026-11-23T15:00:00+01:00",
                        "title": "Board meeting",
                    }
                ],
            }
        )
    )
    fp.ok("import", str(calendar), "--format", "json")
    blocks = plan_json(fp)["blocks"]
    assert [b["title"] for b in blocks if b["kind"] == "event"] == ["Board meeting"]
    meeting = dt.datetime.fromisoformat("2026-11-23T14:00:00+01:00")
    over = dt.datetime.fromisoformat("2026-11-23T15:00:00+01:00")
    for block in blocks:
        if block["kind"] != "event":
            start = dt.datetime.fromisoformat(block["start"])
            end = dt.datetime.fromisoformat(block["end"])
            assert end <= meeting or start >= over


def test_nothing_changed_serves_the_stored_plan_byte_identical(
    fp: Focusplan, db_location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fp.ok("add", "Write the report", "--estimate", "3h", "--demand", "high")
    fp.ok("add", "Inbox", "--estimate", "30m", "--demand", "low")
    first_json = fp.ok("plan", "--json").out
    first_text = fp.ok("plan").out
    made = stored(db_location)
    at_time(monkeypatch, "14:20")  # later the same day, nothing changed
    assert fp.ok("plan", "--json").out == first_json
    assert fp.ok("plan").out == first_text
    assert stored(db_location) == made


def test_a_re_plan_keeps_what_is_already_past(
    fp: Focusplan, db_location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_time(monkeypatch, "09:00")
    fp.ok("add", "Write the report", "--estimate", "4h", "--demand", "high")
    fp.ok("add", "Inbox", "--estimate", "30m", "--demand", "low")
    morning = plan_json(fp)["blocks"]
    now = at_time(monkeypatch, "11:00")
    fp.ok("add", "Urgent fix", "--importance", "5", "--estimate", "30m", "--due", "today 13:00")
    later = plan_json(fp)["blocks"]

    def starts_before_now(block: dict[str, Any]) -> bool:
        return dt.datetime.fromisoformat(block["start"]) < now

    past = [b for b in morning if starts_before_now(b)]
    kept = [b for b in later if starts_before_now(b)]
    assert len(kept) == len(past)
    for was, still in zip(past, kept, strict=True):
        assert (was["start"], was["kind"], was["task_id"]) == (
            still["start"],
            still["kind"],
            still["task_id"],
        )
        assert dt.datetime.fromisoformat(still["end"]) <= max(
            now, dt.datetime.fromisoformat(was["end"])
        )
    assert any(b["title"] == "Urgent fix" for b in later if not starts_before_now(b))


def test_a_week_export_made_with_nothing_open_freezes_no_empty_plan(fp: Focusplan) -> None:
    fp.ok("export", "json", "--week-of", "2026-11-23")  # stores the week, all empty
    task_id = fp.ok("add", "Prepare the talk", "--estimate", "1h", "--json").json()["id"]
    assert task_id in focus_ids(plan_json(fp))
    exported = json.loads(fp.ok("export", "json", "--week-of", "2026-11-23").out)
    monday = next(day for day in exported if day["date"] == "2026-11-23")
    assert task_id in focus_ids(monday)


def test_a_changed_working_day_re_plans(fp: Focusplan, monkeypatch: pytest.MonkeyPatch) -> None:
    fp.ok("add", "Write the report", "--estimate", "6h")
    first = plan_json(fp)
    assert first["blocks"][-1]["end"].startswith("2026-11-23T17:")
    monkeypatch.setenv("FOCUSPLAN_WORK_END", "15:00")
    load_settings.cache_clear()  # a new process reads the settings afresh
    shorter = plan_json(fp)
    assert all(b["end"] <= "2026-11-23T15:00:00+01:00" for b in shorter["blocks"])


def test_finishing_a_task_gives_its_later_blocks_to_other_work(
    fp: Focusplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_time(monkeypatch, "09:00")
    report = fp.ok("add", "Report", "--estimate", "3h", "--importance", "5", "--json")
    other = fp.ok("add", "Slides", "--estimate", "2h", "--importance", "2", "--json")
    report_id, other_id = report.json()["id"], other.json()["id"]
    plan_json(fp)
    now = at_time(monkeypatch, "10:00")
    fp.ok("done", str(report_id))
    blocks = plan_json(fp)["blocks"]
    ahead = [b for b in blocks if dt.datetime.fromisoformat(b["start"]) >= now]
    assert report_id not in focus_ids({"blocks": ahead})
    assert other_id in focus_ids({"blocks": ahead})


def test_the_app_and_the_cli_serve_the_same_stored_plan(
    fp: Focusplan, db_location: str, frozen_now: dt.datetime
) -> None:
    fp.ok("add", "Write the report", "--estimate", "2h")
    plan_json(fp)
    cli_plan = stored(db_location)
    assert cli_plan is not None and cli_plan.inputs is not None
    source = DataSource(db_location)
    try:
        working = WorkingDay.from_settings(load_settings())
        view = plan_view(source, MONDAY, frozen_now, working)
        assert view.plan == cli_plan  # not planned again: the same fingerprint
        add_task(source, NewTask(title="Added in the app", created_at=frozen_now))
        replanned = plan_view(source, MONDAY, frozen_now, working).plan
        assert replanned is not None and replanned.inputs != cli_plan.inputs
        assert plan_day_for(source, MONDAY, now=frozen_now) == replanned
    finally:
        source.database.close()


def test_a_write_between_the_quick_read_and_the_write_lock_is_planned_with(
    db_location: str, frozen_now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first plan reads without the lock, then takes it and keeps that read only when
    # nobody wrote in between: a task added in that gap must be in the stored plan.
    from focusplan.services import planning

    source = DataSource(db_location)
    try:
        add_task(
            source, NewTask(title="Write the report", estimate_minutes=60, created_at=frozen_now)
        )
        real_walk = planning._walk
        added: list[int] = []

        def walk_then_write(*args: Any, **kwargs: Any) -> Any:
            result = real_walk(*args, **kwargs)
            if not kwargs["store"] and not added:
                task, _ = add_task(
                    source,
                    NewTask(title="Call the auditor", importance=5, estimate_minutes=20,
                            due=frozen_now + dt.timedelta(hours=2), created_at=frozen_now),
                )  # fmt: skip
                added.append(task.id)
            return result

        monkeypatch.setattr(planning, "_walk", walk_then_write)
        plan = plan_day_for(source, MONDAY, now=frozen_now)
        assert added and added[0] in [block.task_id for block in plan.blocks]
        monkeypatch.setattr(planning, "_walk", real_walk)
        assert plan_day_for(source, MONDAY, now=frozen_now) == plan  # stored, current
    finally:
        source.database.close()


def test_a_plan_stored_without_a_fingerprint_is_planned_again(
    fp: Focusplan, db_location: str, frozen_now: dt.datetime
) -> None:
    fp.ok("add", "Write the report", "--estimate", "2h")
    source = DataSource(db_location)
    try:
        with source.unit_of_work() as uow:  # as a plan from before migration 0003
            uow.plans.save(DayPlan(date=MONDAY, created_at=frozen_now))
        plan = plan_day_for(source, MONDAY, now=frozen_now)
    finally:
        source.database.close()
    assert plan.inputs is not None
    assert any(block.kind == "focus" for block in plan.blocks)


def test_a_past_day_is_never_planned_after_the_fact(fp: Focusplan, db_location: str) -> None:
    fp.ok("add", "Write the report", "--estimate", "2h")
    friday = plan_json(fp, "--date", "2026-11-20")
    assert focus_ids(friday) == []
    assert stored(db_location, dt.date(2026, 11, 20)) is None


def test_in_the_evening_tomorrow_holds_what_today_planned_but_did_not_finish(
    fp: Focusplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_time(monkeypatch, "09:00")
    done_id = fp.ok("add", "Done today", "--estimate", "1h", "--importance", "5", "--json")
    left_id = fp.ok("add", "Left undone", "--estimate", "1h", "--importance", "5", "--json")
    ids = {done_id.json()["id"], left_id.json()["id"]}
    assert ids <= set(focus_ids(plan_json(fp)))  # both fit today
    at_time(monkeypatch, "12:00")
    fp.ok("done", str(done_id.json()["id"]))
    at_time(monkeypatch, "19:00")
    tomorrow = focus_ids(plan_json(fp, "--date", "2026-11-24"))
    assert left_id.json()["id"] in tomorrow
    assert done_id.json()["id"] not in tomorrow


@pytest.mark.parametrize(
    ("hhmm", "shown"),
    [
        ("10:00", MONDAY),
        ("17:29", MONDAY),
        ("17:30", MONDAY + dt.timedelta(days=1)),
        ("19:00", MONDAY + dt.timedelta(days=1)),
    ],
)
def test_after_the_working_day_the_plan_to_show_is_the_next_working_days(
    hhmm: str, shown: dt.date
) -> None:
    now = dt.datetime.fromisoformat(f"2026-11-23T{hhmm}:00+01:00")
    assert default_plan_day(now, WorkingDay(zone="Europe/Paris")) == shown


def test_on_friday_evening_the_plan_to_show_is_mondays() -> None:
    now = dt.datetime.fromisoformat("2026-11-27T19:00:00+01:00")
    assert default_plan_day(now, WorkingDay(zone="Europe/Paris")) == dt.date(2026, 11, 30)
