"""`focusplan review` end to end on a real database file: figures, suggestion, apply, rollback."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.domain import NewTask
from focusplan.services.source import DataSource
from focusplan.services.tasks import add_task, complete_task
from tests.integration.cli_runner import Focusplan

PARIS = ZoneInfo("Europe/Paris")
REVIEWED = "2026-11-16"  # the week before the frozen Monday 2026-11-23
FIRST_DAY = dt.date(2026, 10, 19)  # four weeks before it
LAST_DAY = dt.date(2026, 11, 20)


def _build_contrarian(path: Path) -> None:
    """Five weeks of a person who always does the least important open task first.

    The default weights rank important tasks first, so the review should find
    that the earlier weeks, and this week, are better explained otherwise.
    """
    source = DataSource(str(path))
    rng = random.Random(5)
    day = FIRST_DAY
    open_tasks: dict[int, int] = {}
    while day <= LAST_DAY:
        if day.weekday() < 5:
            morning = dt.datetime.combine(day, dt.time(8, 0), tzinfo=PARIS)
            for k in range(4):
                task, _ = add_task(
                    source,
                    NewTask(
                        title=f"{day:%d %b} #{k}",
                        importance=rng.randint(1, 5),
                        estimate_minutes=30,
                        project=rng.choice(("a", "b")),
                        created_at=morning,
                    ),
                )
                open_tasks[task.id] = task.importance
            for slot in range(3):
                begin = morning + dt.timedelta(hours=1 + slot)
                pick = min(open_tasks, key=lambda i: (open_tasks[i], i))
                complete_task(source, pick, begin + dt.timedelta(minutes=40), 40)
                del open_tasks[pick]
        day += dt.timedelta(days=1)
    source.database.close()  # checkpoints the WAL, so copying the file copies everything


@pytest.fixture(scope="module")
def contrarian_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review") / "contrarian.sqlite3"
    _build_contrarian(path)
    return path


# Review and learning on both homes (tests/conftest.py): the PostgreSQL run gets the
# same five weeks through `db copy`.
pytestmark = pytest.mark.both_backends


@pytest.fixture
def fp(
    contrarian_db: Path, db_path: Path, db_location: str, backend: str, frozen_now: dt.datetime
) -> Focusplan:
    if backend == "postgresql":
        Focusplan(contrarian_db).ok("db", "copy", "--to", db_location)
        return Focusplan(db_location)
    shutil.copy(contrarian_db, db_path)
    return Focusplan(db_path)


def test_review_json_has_the_contract_shape(fp: Focusplan) -> None:
    report = fp.ok("review", "--week-of", REVIEWED, "--json").json()
    assert report["week_start"] == REVIEWED
    assert report["completed"] == 15
    assert report["planned"] == 0
    for key in ("focus_by_project", "energy_by_hour", "stale", "overdue", "estimate_accuracy"):
        assert key in report
    suggestion = report["suggestion"]
    assert set(suggestion) >= {"changes", "before", "after"}
    for metrics in (suggestion["before"], suggestion["after"]):
        assert set(metrics) >= {"mrr", "hit_at_1", "hit_at_3"}
    name, (old, new) = next(iter(suggestion["changes"].items()))
    assert name in DEFAULT_WEIGHTS
    assert old == DEFAULT_WEIGHTS[name] != new
    assert suggestion["after"]["mrr"] >= suggestion["before"]["mrr"] + 0.02


def test_review_without_apply_changes_no_weights(fp: Focusplan) -> None:
    fp.ok("review", "--week-of", REVIEWED)
    assert len(fp.ok("weights", "history", "--json").json()) == 1


def test_apply_stores_the_suggestion_and_rollback_restores_the_defaults(fp: Focusplan) -> None:
    suggestion = fp.ok("review", "--week-of", REVIEWED, "--json").json()["suggestion"]
    applied = fp.ok("review", "--week-of", REVIEWED, "--apply", "--json").json()
    assert applied["applied_version"] == 2

    history = fp.ok("weights", "history", "--json").json()
    assert [(v["version"], v["active"]) for v in history] == [(1, False), (2, True)]
    assert history[1]["reason"] == suggestion["reason"]
    assert history[1]["reason"].startswith(f"review of week {REVIEWED}: top pick for ")
    assert history[1]["created_at"] == "2026-11-23T10:00:00+01:00"
    active = fp.ok("weights", "--json").json()["params"]
    for name, (_, new) in suggestion["changes"].items():
        assert active[name] == new
    unchanged = set(DEFAULT_WEIGHTS) - set(suggestion["changes"])
    assert all(active[name] == DEFAULT_WEIGHTS[name] for name in unchanged)

    fp.ok("weights", "rollback", "1")
    restored = fp.ok("weights", "--json").json()
    assert restored["version"] == 1
    assert restored["params"] == DEFAULT_WEIGHTS
    fp.ok("weights", "rollback", "2")
    assert fp.ok("weights", "--json").json()["params"] == active


def test_the_text_report_names_the_suggestion_and_how_to_accept_it(fp: Focusplan) -> None:
    text = fp.ok("review", "--week-of", REVIEWED).out
    assert "Week of Mon 16 Nov 2026" in text
    assert "suggestion, what to give more or less weight to:" in text
    assert "importance" in text and "now counts against" in text
    assert "were its top pick" in text
    assert "focusplan review --apply" in text
    for jargon in ("MRR", "hit@", "×", "residual."):
        assert jargon not in text


def test_apply_without_a_suggestion_says_so_and_changes_nothing(
    db_path: Path, frozen_now: dt.datetime
) -> None:
    fp = Focusplan(db_path)
    fp.ok("add", "Lonely task")
    outcome = fp.ok("review", "--apply")
    assert "no suggestion" in outcome.out
    assert "nothing to apply" in outcome.out
    assert len(fp.ok("weights", "history", "--json").json()) == 1
    assert fp.ok("review", "--json").json()["suggestion"] is None


def test_an_empty_week_reviews_to_zeros(db_path: Path, frozen_now: dt.datetime) -> None:
    report = Focusplan(db_path).ok("review", "--week-of", "2026-06-01", "--json").json()
    assert report["completed"] == 0
    assert report["suggestion"] is None
    assert report["energy_by_hour"] == [None] * 24


@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31"])
def test_a_week_out_of_range_is_invalid_input(
    db_path: Path, frozen_now: dt.datetime, week: str
) -> None:
    outcome = Focusplan(db_path)("review", "--week-of", week)
    assert outcome.code == 2
    assert outcome.err.startswith("error: ")
    assert "week" in outcome.err.lower()


@pytest.mark.parametrize("day", [dt.date(1, 1, 3), dt.date(9999, 12, 31)])
def test_the_service_refuses_a_week_it_cannot_bound(
    db_path: Path, frozen_now: dt.datetime, day: dt.date
) -> None:
    from focusplan.services.errors import InvalidInput
    from focusplan.services.reviewing import review_week

    with pytest.raises(InvalidInput, match="out of range"):
        review_week(DataSource(str(db_path)), day, now=frozen_now)


def test_the_text_lists_twenty_overdue_tasks_and_the_json_every_one(
    db_path: Path, db_location: str, frozen_now: dt.datetime
) -> None:
    fp = Focusplan(db_location)
    for k in range(23):
        fp.ok("add", f"late {k}", "--due", "2026-11-17", "--at", "2026-11-10")
    text = fp.ok("review", "--week-of", REVIEWED).out
    overdue = text.split("Overdue:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(overdue) == 21
    assert overdue[-1] == "  … and 3 more (review --json lists every one)"
    report = fp.ok("review", "--week-of", REVIEWED, "--json").json()
    assert len(report["overdue"]) == 23
    assert {note["title"] for note in report["overdue"]} == {f"late {k}" for k in range(23)}
