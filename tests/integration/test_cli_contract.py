"""The command-line contract of CLI.md, end to end against a real database file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.integration.cli_runner import Focusplan

TASK_KEYS = {
    "id", "title", "status", "importance", "demand", "estimate_minutes", "due",
    "not_before", "project", "tags", "depends_on", "created_at", "completed_at",
}  # fmt: skip


# The contract holds on both homes: each test that uses `fp` runs on SQLite and on
# PostgreSQL (tests/conftest.py); the ones about files use their own paths.
pytestmark = pytest.mark.both_backends


@pytest.fixture
def fp(db_location: str, frozen_now: dt.datetime) -> Focusplan:
    return Focusplan(db_location)


def assert_invalid(outcome, fragment: str = "") -> None:  # type: ignore[no-untyped-def]
    assert outcome.code == 2, outcome
    lines = outcome.err.strip().splitlines()
    assert len(lines) == 1, outcome.err
    assert lines[0].startswith("error: ")
    assert fragment.lower() in lines[0].lower()
    assert "Traceback" not in outcome.err


def test_add_prints_the_new_id(fp: Focusplan) -> None:
    assert fp.ok("add", "Write report").out.strip() == "1"
    assert fp.ok("add", "Second", "--json").json() == {"id": 2}


def test_list_json_has_every_contract_key_with_offsets_and_nulls(fp: Focusplan) -> None:
    fp.ok("add", "Plain")
    fp.ok(
        "add", "Full", "--importance", "5", "--demand", "high", "--estimate", "1h30m",
        "--due", "2026-11-25 17:00", "--not-before", "tomorrow", "--project", "thesis",
        "--tag", "writing", "--tag", "deep", "--after", "1",
    )  # fmt: skip
    plain, full = fp.ok("list", "--json").json()
    assert set(plain) >= TASK_KEYS and set(full) >= TASK_KEYS
    assert plain["due"] is None and plain["completed_at"] is None and plain["project"] is None
    assert full["importance"] == 5 and full["demand"] == "high"
    assert full["estimate_minutes"] == 90
    assert full["due"] == "2026-11-25T17:00:00+01:00"
    assert full["not_before"] == "2026-11-24T00:00:00+01:00"
    assert full["tags"] == ["writing", "deep"] and full["depends_on"] == [1]
    assert dt.datetime.fromisoformat(full["created_at"]).utcoffset() is not None


def test_add_at_backfills_when_the_task_was_entered(fp: Focusplan) -> None:
    fp.ok("add", "Old idea", "--at", "2026-11-01 08:30")
    (task,) = fp.ok("list", "--json").json()
    assert task["created_at"] == "2026-11-01T08:30:00+01:00"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("add", "x", "--importance", "7"), "importance"),
        (("add", "x", "--demand", "extreme"), "demand"),
        (("add", "x", "--due", "someday maybe"), "due"),
        (("add", "x", "--estimate", "0"), "estimate"),
        (("add", "x", "--estimate", "25h"), "estimate"),
        (("add", "   "), "title"),
        (("add", "x", "--after", "99"), "99"),
        (("energy", "7"), "level"),
        (("done", "42"), "42"),
        (("edit", "42", "--title", "y"), "42"),
        (("drop", "42"), "42"),
        (("rank", "--at", "2026-02-30"), "at"),
        (("weights", "rollback", "9"), "9"),
        (("frobnicate",), "frobnicate"),
    ],
)
def test_invalid_input_is_one_error_line_exit_2_and_changes_nothing(
    fp: Focusplan, args: tuple[str, ...], fragment: str
) -> None:
    fp.ok("add", "Existing")
    before = fp.ok("list", "--all", "--json").out
    assert_invalid(fp(*args), fragment)
    assert fp.ok("list", "--all", "--json").out == before


def test_a_dependency_cycle_is_refused(fp: Focusplan) -> None:
    fp.ok("add", "A")
    fp.ok("add", "B", "--after", "1")
    before = fp.ok("list", "--json").out
    assert_invalid(fp("edit", "1", "--after", "2"), "cycle")
    assert fp.ok("list", "--json").out == before


def test_edit_changes_only_what_is_given_and_none_clears_a_date(fp: Focusplan) -> None:
    fp.ok("add", "Report", "--due", "fri", "--importance", "2", "--project", "work")
    task = fp.ok("edit", "1", "--importance", "4", "--json").json()
    assert task["importance"] == 4 and task["project"] == "work" and task["due"] is not None
    task = fp.ok("edit", "1", "--due", "none", "--json").json()
    assert task["due"] is None and task["importance"] == 4


def test_done_drop_reopen_and_list_all(fp: Focusplan) -> None:
    for title in ("A", "B", "C"):
        fp.ok("add", title)
    fp.ok("done", "1", "--at", "2026-11-23 09:30", "--minutes", "20")
    fp.ok("drop", "2")
    assert [t["id"] for t in fp.ok("list", "--json").json()] == [3]
    statuses = {t["id"]: t for t in fp.ok("list", "--all", "--json").json()}
    assert statuses[1]["status"] == "done"
    assert statuses[1]["completed_at"] == "2026-11-23T09:30:00+01:00"
    assert statuses[2]["status"] == "dropped"
    fp.ok("reopen", "2")
    assert [t["id"] for t in fp.ok("list", "--json").json()] == [2, 3]


def test_done_with_minutes_records_a_choice_at_completion_minus_minutes(
    fp: Focusplan, db_location: str
) -> None:
    fp.ok("add", "Chosen", "--at", "2026-11-23 08:00")
    fp.ok("add", "Other", "--at", "2026-11-23 08:00")
    fp.ok("add", "Too late to be a candidate", "--at", "2026-11-23 09:45")
    fp.ok("done", "1", "--at", "2026-11-23 10:00", "--minutes", "30")
    from focusplan.store import open_database

    with open_database(db_location).unit_of_work() as uow:
        choices = uow.choices.between(
            dt.datetime(2026, 11, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        )
    (choice,) = choices
    assert choice.task_id == 1 and choice.kind == "completion"
    assert choice.at == dt.datetime.fromisoformat("2026-11-23T09:30:00+01:00")
    assert set(choice.candidates) == {1, 2}


def test_energy_is_logged_and_used_by_rank(fp: Focusplan) -> None:
    assert fp.ok("energy", "4", "--at", "2026-11-23 09:50", "--note", "coffee").code == 0
    fp.ok("add", "Something")
    assert "energy 4.0 (logged)" in fp.ok("rank").out


def test_rank_json_is_best_first_with_1_based_ranks_and_scores_summing_to_one(
    fp: Focusplan,
) -> None:
    fp.ok("add", "Vital", "--importance", "5", "--due", "today 15:00")
    fp.ok("add", "Trivial", "--importance", "1")
    fp.ok("add", "Middling", "--importance", "3")
    rows = fp.ok("rank", "--json").json()
    assert [row["rank"] for row in rows] == [1, 2, 3]
    assert set(rows[0]) >= {"id", "title", "rank", "score"}
    assert rows[0]["title"] == "Vital"
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert sum(scores) == pytest.approx(1.0, abs=1e-12)
    assert len(fp.ok("rank", "--json", "--limit", "2").json()) == 2


def test_rank_explain_contributions_add_up_to_the_logit(fp: Focusplan) -> None:
    fp.ok("add", "Deep work", "--demand", "high", "--importance", "4")
    fp.ok("add", "Admin", "--demand", "low")
    rows = fp.ok("rank", "--json", "--explain").json()
    for row in rows:
        assert row["contributions"]
        assert sum(row["contributions"].values()) == pytest.approx(row["logit"], abs=1e-9)


def test_rank_at_a_past_moment_ignores_what_came_later(fp: Focusplan) -> None:
    fp.ok("add", "Early", "--at", "2026-11-20 09:00")
    fp.ok("add", "Later", "--at", "2026-11-22 09:00")
    fp.ok("done", "1", "--at", "2026-11-22 10:00")
    rows = fp.ok("rank", "--json", "--at", "2026-11-21 09:00").json()
    assert [row["title"] for row in rows] == ["Early"]


def test_rank_energy_override_moves_demanding_work(fp: Focusplan) -> None:
    fp.ok("add", "Deep", "--demand", "high")
    fp.ok("add", "Shallow", "--demand", "low")
    fresh = fp.ok("rank", "--json", "--energy", "5").json()
    drained = fp.ok("rank", "--json", "--energy", "1").json()
    assert fresh[0]["title"] == "Deep" and drained[0]["title"] == "Shallow"


def test_blocked_and_not_yet_eligible_tasks_do_not_rank(fp: Focusplan) -> None:
    fp.ok("add", "First")
    fp.ok("add", "After first", "--after", "1")
    fp.ok("add", "Next week", "--not-before", "+7d")
    assert [row["title"] for row in fp.ok("rank", "--json").json()] == ["First"]


def test_weights_start_at_version_1_defaults_and_roll_back(fp: Focusplan) -> None:
    shown = fp.ok("weights", "--json").json()
    assert shown["version"] == 1 and shown["params"]
    history = fp.ok("weights", "history", "--json").json()
    assert [v["version"] for v in history] == [1]
    assert "v1" in fp.ok("weights", "history").out
    assert fp.ok("weights", "rollback", "1").code == 0


def test_json_export_imports_into_a_fresh_database_as_the_same_tasks(
    fp: Focusplan, tmp_path: Path
) -> None:
    fp.ok("add", "Base", "--project", "p", "--tag", "t")
    fp.ok("add", "Depends", "--after", "1", "--due", "fri 12:00")
    fp.ok("done", "1", "--at", "2026-11-23 09:00", "--minutes", "15")
    fp.ok("energy", "3", "--at", "2026-11-23 08:00")
    backup = tmp_path / "backup.json"
    fp.ok("export", "json", "-o", str(backup))
    assert backup.stat().st_mode & 0o077 == 0

    other = Focusplan(tmp_path / "other.sqlite3")
    other.ok("import", str(backup))

    def comparable(tasks: list[dict]) -> list[dict]:  # type: ignore[type-arg]
        # `updated_at` is when this database last changed the task, not part of the task.
        return [{k: v for k, v in task.items() if k not in ("id", "updated_at")} for task in tasks]

    original = fp.ok("list", "--all", "--json").json()
    restored = other.ok("list", "--all", "--json").json()
    assert comparable(restored) == comparable(original)


def test_a_malformed_import_changes_nothing(fp: Focusplan, tmp_path: Path) -> None:
    fp.ok("add", "Keep me")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"tasks": [{"title": "ok"}, {"title": "", "importance": 9}]}))
    before = fp.ok("list", "--all", "--json").out
    assert_invalid(fp("import", str(bad), "--format", "json"))
    assert fp.ok("list", "--all", "--json").out == before


def test_a_database_in_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    fp = Focusplan(tmp_path / "nowhere" / "db.sqlite3")
    assert_invalid(fp("list"), "does not exist")
    assert not (tmp_path / "nowhere").exists()


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_bytes(b"these are my notes, not a database\n" * 100)
    assert_invalid(Focusplan(junk)("list"), "not a focusplan database")
    assert junk.read_bytes() == b"these are my notes, not a database\n" * 100


def test_focus_sessions_are_one_at_a_time(fp: Focusplan) -> None:
    fp.ok("add", "A")
    fp.ok("add", "B")
    fp.ok("focus", "start", "1", "--at", "2026-11-23 09:00")
    assert_invalid(fp("focus", "start", "2"), "already running")
    assert "finished" in fp.ok("focus", "stop", "--done").out
    (task,) = [t for t in fp.ok("list", "--all", "--json").json() if t["id"] == 1]
    assert task["status"] == "done" and task["actual_minutes"] == 60


def test_done_ends_the_running_focus_session_on_that_task(fp: Focusplan) -> None:
    fp.ok("add", "A")
    fp.ok("focus", "start", "1", "--at", "2026-11-23 09:00")
    fp.ok("done", "1", "--at", "2026-11-23 09:40")
    assert fp.ok("focus", "status", "--json").json() is None
    assert "no focus session running" in fp.ok("focus", "status").out
    (task,) = fp.ok("list", "--all", "--json").json()
    # The session's minutes are the effort, as when the session is stopped with --done.
    assert task["status"] == "done" and task["actual_minutes"] == 40


def test_done_of_another_task_leaves_the_running_session_alone(fp: Focusplan) -> None:
    fp.ok("add", "A")
    fp.ok("add", "B")
    fp.ok("focus", "start", "1", "--at", "2026-11-23 09:00")
    fp.ok("done", "2", "--at", "2026-11-23 09:10")
    assert fp.ok("focus", "status", "--json").json()["task_id"] == 1


def test_demo_builds_a_fresh_sample_database(fp: Focusplan, tmp_path: Path) -> None:
    sample = tmp_path / "demo.sqlite3"
    assert fp.ok("demo", "--path", str(sample), "--no-app").out.strip() == str(sample)
    tasks = Focusplan(sample).ok("list", "--all", "--json").json()
    assert sum(task["status"] == "open" for task in tasks) >= 20
    assert any(task["status"] == "done" for task in tasks)
    assert Focusplan(sample).ok("rank", "--json")
    assert_invalid(fp("demo", "--path", str(sample), "--no-app"), "exists")


def test_due_on_a_day_alone_is_due_by_the_end_of_that_day(fp: Focusplan) -> None:
    fp.ok("add", "Report", "--due", "2026-11-27")
    fp.ok("add", "Call", "--due", "2026-11-27 09:00")
    report, call = fp.ok("list", "--json").json()
    assert report["due"].startswith("2026-11-27T23:59")
    assert call["due"].startswith("2026-11-27T09:00")


def test_an_empty_due_clears_it(fp: Focusplan) -> None:
    fp.ok("add", "Report", "--due", "2026-11-27")
    fp.ok("edit", "1", "--due", "")
    (task,) = fp.ok("list", "--json").json()
    assert task["due"] is None


def test_a_title_needs_no_quotes(fp: Focusplan) -> None:
    fp.ok("add", "Draft", "chapter", "3", "--importance", "4")
    (task,) = fp.ok("list", "--json").json()
    assert task["title"] == "Draft chapter 3" and task["importance"] == 4


def test_empty_values_clear_project_tags_and_estimate(fp: Focusplan) -> None:
    fp.ok("add", "Report", "--project", "work", "--tag", "a,b", "--estimate", "2h")
    (task,) = fp.ok("list", "--json").json()
    assert task["tags"] == ["a", "b"]
    fp.ok("edit", "1", "--project", "", "--tag", "", "--estimate", "")
    (task,) = fp.ok("list", "--json").json()
    assert task["project"] is None and task["tags"] == []
    assert task["estimate_minutes"] == 30  # the default a new task gets
    fp.ok("add", "Other", "--project", "")
    assert fp.ok("list", "--json").json()[1]["project"] is None


def test_a_line_break_in_a_title_never_breaks_the_table(fp: Focusplan) -> None:
    fp.ok("add", "first line\nsecond\tline")
    (task,) = fp.ok("list", "--json").json()
    assert task["title"] == "first line second line"
    rows = fp.ok("list").out.splitlines()
    assert len(rows) == 2 and "first line second line" in rows[1]


def test_an_empty_db_option_is_an_error_not_the_default_database(fp: Focusplan) -> None:
    from focusplan.cli import run

    assert run(["--db", "", "list"]) == 2


def test_settings_accept_times_as_people_write_them(
    fp: Focusplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    from focusplan.settings import load_settings

    monkeypatch.setenv("FOCUSPLAN_NOW", "2026-11-23T07:00:00+01:00")
    fp.ok("add", "Write", "--estimate", "1h")
    monkeypatch.setenv("FOCUSPLAN_WORK_START", "8:30")
    load_settings.cache_clear()
    try:
        plan = fp.ok("plan", "--json").json()
    finally:
        load_settings.cache_clear()
    assert plan["blocks"][0]["start"].startswith("2026-11-23T08:30")


def test_a_broken_config_file_is_named_with_its_line(
    fp: Focusplan, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from focusplan.settings import load_settings

    config = tmp_path / "config.toml"
    config.write_text('work_start = "08:30\n')
    monkeypatch.setenv("FOCUSPLAN_CONFIG", str(config))
    load_settings.cache_clear()
    try:
        outcome = fp("plan", "--date", "2026-11-23")
    finally:
        load_settings.cache_clear()
    assert outcome.code == 2
    assert str(config) in outcome.err and "line 1" in outcome.err


def test_rank_text_gives_reasons_in_plain_words(fp: Focusplan) -> None:
    # Frozen at Monday 10:00: a reply due at 11:00 and big work due later in the week.
    fp.ok("add", "Reply to Anna", "--estimate", "10", "--due", "today 11:00", "--demand", "low")
    fp.ok("add", "Write proposal", "--importance", "5", "--demand", "high", "--estimate", "3h",
          "--due", "fri 17:00")  # fmt: skip
    fp.ok("add", "Tidy desk", "--importance", "1", "--at", "now")
    out = fp.ok("rank").out
    lines = out.splitlines()
    assert "Reply to Anna" in lines[1]
    assert "due in 60 min" in lines[1]
    for jargon in ("×", "bias", "salience", "sin", "residual", "attn."):
        assert jargon not in out
    # The task added just now is not "waiting a while".
    assert "open for" not in next(line for line in lines if "Tidy desk" in line)


def test_rank_explain_text_lists_each_tasks_top_reasons_with_amounts(fp: Focusplan) -> None:
    fp.ok("add", "Reply to Anna", "--estimate", "10", "--due", "today 11:00", "--demand", "low")
    fp.ok("add", "Write proposal", "--importance", "5", "--demand", "high", "--estimate", "3h")
    plain = fp.ok("rank").out
    explained = fp.ok("rank", "--explain").out
    assert explained != plain
    lines = explained.splitlines()
    anna = lines.index(next(line for line in lines if "Reply to Anna" in line))
    reasons = lines[anna + 1 : anna + 5]
    amount, *words = reasons[0].split()
    assert amount.startswith("+") and words == ["due", "in", "60", "min"]
    assert all(line.startswith("       ") and line.strip()[0] in "+-" for line in reasons)
    # JSON keys of --explain stay the weight names.
    rows = fp.ok("rank", "--json", "--explain").json()
    assert "residual.due_soon" in rows[0]["contributions"]


def test_rank_sees_continuity_and_meetings_recorded_before_now(fp: Focusplan) -> None:
    fp.ok("add", "Thesis: figure", "--project", "thesis", "--at", "2026-11-20 09:00")
    fp.ok("add", "House: insurers", "--project", "house", "--at", "2026-11-20 09:00")
    fp.ok("add", "Thesis: references", "--project", "thesis", "--at", "2026-11-20 09:00")
    fp.ok("done", "1", "--at", "today 9:40")
    rows = fp.ok("rank", "--json", "--explain").json()
    assert rows[0]["title"] == "Thesis: references"
    assert rows[0]["contributions"]["residual.same_project"] > 0
    # Ranked at 09:30, before the completion, nothing was done yet today.
    earlier = fp.ok("rank", "--json", "--explain", "--at", "today 9:30").json()
    assert all(row["contributions"]["residual.same_project"] == 0 for row in earlier)


def test_rank_shows_the_ids_done_takes_and_how_many_are_left_out(fp: Focusplan) -> None:
    for title in ("alpha", "beta", "gamma", "delta"):
        fp.ok("add", title)
    text = fp.ok("rank", "--limit", "2").out
    assert "2 of 4 tasks" in text.splitlines()[0]
    ranked = fp.ok("rank", "--json", "--limit", "2").json()
    for item in ranked:
        assert f"#{item['id']}" in text
