"""Reasons in plain words: no model jargon, and true of the task and the moment."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from focusplan.attention.explanation import MAX_REASON_LENGTH, WEIGHT_LABELS, topic_of
from focusplan.attention.weights import DEFAULT_WEIGHTS, WEIGHT_NAMES
from focusplan.domain import ContextEvent, FocusSession, Ranking, Task, WeightsVersion
from focusplan.services.ranking import rank_snapshot
from focusplan.store.snapshot import Snapshot

ZONE = ZoneInfo("Europe/Paris")
AT = dt.datetime(2026, 12, 2, 9, 0, tzinfo=ZONE)
MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
# What the person must never read: weight names, their parts, model words.
JARGON = re.compile(r"×|bias|salience|\bsin\b|\bcos\b|residual|attn|value\.|_|logit|MRR", re.I)


def task(task_id: int, **fields: Any) -> Task:
    fields.setdefault("title", f"task {task_id}")
    fields.setdefault("created_at", AT - dt.timedelta(days=3))
    return Task(id=task_id, **fields)


def ranking(tasks: list[Task], at: dt.datetime = AT, **snap: Any) -> Ranking:
    weights = WeightsVersion(version=1, params=DEFAULT_WEIGHTS, created_at=AT, active=True)
    snapshot = Snapshot(
        tasks=tasks,
        energy=[],
        weights=weights,
        active_session=snap.pop("active_session", None),
        **snap,
    )
    return rank_snapshot(snapshot, at, explain=True)


def texts(result: Ranking, task_id: int) -> list[str]:
    item = next(item for item in result.items if item.id == task_id)
    return [reason.text for reason in item.why]


def test_every_weight_has_a_plain_label() -> None:
    assert set(WEIGHT_LABELS) == set(WEIGHT_NAMES)
    for name, label in WEIGHT_LABELS.items():
        assert label and not JARGON.search(label), (name, label)


def test_a_feature_and_its_attention_draw_are_one_topic() -> None:
    assert topic_of("residual.importance") == topic_of("attn.bias×importance") == "importance"
    # Days-scale and hours-scale urgency read as one "due ..." reason.
    assert topic_of("residual.deadline") == topic_of("residual.due_soon") == "due"
    # A task's kind of work and its size, with their fits to the moment, are one each.
    assert topic_of("attn.energy×demand") == topic_of("residual.demand") == "demand"
    assert topic_of("attn.day_left×estimate") == topic_of("residual.estimate") == "estimate"
    assert topic_of("attn.project×project") == "attn.project×project"
    assert topic_of("attn.energy×importance") == "attn.energy×importance"


KINDS = re.compile(r"deep work|light work|medium work|too deep|too light")
SIZES = re.compile(r"^(quick|long|short|too long|too short)\b")


@pytest.mark.parametrize("hour", [9, 11, 14, 16])
def test_a_task_has_one_sentence_for_its_kind_of_work_and_one_for_its_size(hour: int) -> None:
    # The demo once read "too light for your energy 3.8" beside "light work fits the
    # afternoon" on one task: two fits of one fact, pulling opposite ways.
    meeting = ContextEvent(
        id=1, start=AT.replace(hour=hour) - HOUR, end=AT.replace(hour=hour) - 30 * MIN, title="sync"
    )
    tasks = [
        task(1, demand="low", estimate_minutes=15, due=AT + 30 * HOUR),
        task(2, demand="high", estimate_minutes=150, importance=5),
        task(3, demand="medium", estimate_minutes=45, due=AT + 6 * HOUR),
        task(4, demand="low", estimate_minutes=240),
    ]
    result = ranking(tasks, AT.replace(hour=hour), events=[meeting])
    for item in result.items:
        said = [reason.text for reason in item.why]
        assert sum(bool(KINDS.search(text)) for text in said) <= 1, said
        assert sum(bool(SIZES.search(text)) for text in said) <= 1, said


def test_a_grouped_reason_is_said_by_its_part_that_points_its_way() -> None:
    from focusplan.attention.explanation import lead_weight

    parts = [("residual.demand", -0.1), ("attn.energy×demand", 0.4), ("attn.h09×demand", -0.2)]
    assert lead_weight(parts, 0.1) == "attn.energy×demand"
    assert lead_weight(parts, -0.3) == "attn.h09×demand"
    assert lead_weight([("residual.demand", 0.0)], 0.0) is None


def mixed_tasks() -> list[Task]:
    return [
        task(1, title="Reply to Anna", demand="low", estimate_minutes=10, due=AT + HOUR),
        task(2, title="Grant", importance=5, demand="high", estimate_minutes=180,
             due=AT + 56 * HOUR, project="grant", tags=("write",)),
        task(3, title="Brand new", importance=2, created_at=AT - MIN),
        task(4, title="Ancient", importance=4, created_at=AT - dt.timedelta(days=40)),
        task(5, title="Overdue", estimate_minutes=20, due=AT - 3 * HOUR, project="ops"),
        task(6, title="Tomorrow", due=AT + 25 * HOUR, window="evening"),
        task(7, title="Blocker", project="grant", tags=("write",)),
        task(8, title="Waits", depends_on=(7,), project="grant"),
    ]  # fmt: skip


def test_no_reason_the_person_reads_uses_model_words() -> None:
    meeting = ContextEvent(id=1, start=AT + 40 * MIN, end=AT + 2 * HOUR, title="standup")
    earlier = ContextEvent(id=2, start=AT - HOUR, end=AT - 20 * MIN, title="sync")
    focus = FocusSession(id=1, task_id=2, start=AT - 50 * MIN, end=AT - 5 * MIN)
    for moment in (AT, AT.replace(hour=14), AT.replace(hour=17)):
        result = ranking(mixed_tasks(), moment, events=[meeting, earlier], sessions=[focus])
        for item in result.items:
            assert item.why
            for reason in item.why:
                assert not JARGON.search(reason.text), reason
                assert len(reason.text) <= MAX_REASON_LENGTH, reason


def test_a_task_added_a_minute_ago_is_never_said_to_be_waiting() -> None:
    for new in (texts(ranking(mixed_tasks()), 3), texts(ranking(aged_pair()), 1)):
        assert not any("open for" in text or "waiting" in text for text in new)
    pair = ranking(aged_pair())
    assert texts(pair, 1)[0] == "added 1 min ago"
    assert texts(pair, 2)[0] == "open for 40 days"


def aged_pair() -> list[Task]:
    return [task(1, created_at=AT - MIN), task(2, created_at=AT - dt.timedelta(days=40))]


def test_due_reasons_state_the_due_time() -> None:
    result = ranking(mixed_tasks())
    assert texts(result, 1)[0] == "due in 60 min"
    assert "overdue by 3 h" in texts(result, 5)
    later = ranking([task(1, due=AT + 25 * HOUR), task(2), task(3, due=AT + 100 * HOUR)])
    assert texts(later, 1)[0] == "due tomorrow 10:00"
    assert texts(later, 2)[0] == "no due date"
    assert "due in 4 days" in texts(later, 3)


def test_a_due_date_at_the_end_of_the_calendar_is_said_in_years() -> None:
    # Moving 9999-12-31 20:00 UTC into a zone ahead of UTC overflows the calendar.
    ahead = dt.datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Pacific/Kiritimati"))
    last = dt.datetime(9999, 12, 31, 20, 0, tzinfo=dt.UTC)
    result = ranking([task(1, due=last), task(2, due=ahead + 3 * HOUR), task(3)], at=ahead)
    assert texts(result, 1)[0] == "due in 7973 years"


def test_the_quick_task_due_within_the_hour_leads_and_says_why() -> None:
    result = ranking(mixed_tasks())
    top = result.items[0]
    assert top.title in ("Reply to Anna", "Overdue")
    assert any(text.startswith("10 min and due in") for text in texts(result, 1))


def test_energy_reasons_name_the_energy_and_the_kind_of_work() -> None:
    tasks = [task(1, demand="high"), task(2, demand="low")]
    fresh = ranking(tasks, AT.replace(hour=11))
    assert any(t.startswith("deep work fits your energy ") for t in texts(fresh, 1))
    assert any(t.startswith("too light for your energy ") for t in texts(fresh, 2))
    drained = ranking(tasks, AT.replace(hour=14, minute=30))
    # In the dip the afternoon says it louder than the energy: one sentence, its words.
    assert texts(drained, 1) == ["too deep for the afternoon"]
    assert texts(drained, 2) == ["light work fits the afternoon"]


def test_continuity_and_meeting_reasons_are_about_this_moment() -> None:
    focus = FocusSession(id=1, task_id=2, start=AT - 50 * MIN, end=AT - 5 * MIN)
    meeting = ContextEvent(id=1, start=AT + 30 * MIN, end=AT + 2 * HOUR, title="standup")
    result = ranking(mixed_tasks(), events=[meeting], sessions=[focus])
    assert "same project as what you just did" in texts(result, 7)
    grant = texts(result, 2)
    assert "won't fit the 30 min before 09:30" in grant
    assert "fits before your 09:30 meeting" in texts(result, 1)


@pytest.mark.parametrize(
    ("gap_fit", "amount", "text"),
    [
        (0.4, 0.2, "fits before your 09:30 meeting"),
        (0.4, -0.2, "less room than most before 09:30"),
        (-0.6, 0.2, "shorter than most before 09:30"),
        (-0.6, -0.2, "won't fit the 30 min before 09:30"),
    ],
)
def test_the_meeting_gap_reason_says_whether_it_fits_and_which_way_it_counts(
    gap_fit: float, amount: float, text: str
) -> None:
    # The amount is against the average task: "won't fit" never counts for a task, and
    # "fits" never against it, without saying that others do better or worse.
    from focusplan.attention.explanation import Facts, reason_text

    facts = Facts(at=AT, energy=3.0, day_hours_left=8.0, next_meeting_start=AT + 30 * MIN)
    assert reason_text("fits_gap", amount, task(1), {"fits_gap": gap_fit}, facts) == text


def test_reason_amounts_are_the_summed_contributions_against_the_average() -> None:
    result = ranking(mixed_tasks())
    assert result.baseline is not None
    for item in result.items:
        assert item.contributions is not None
        for reason in item.why:
            expected = sum(item.contributions[w] - result.baseline[w] for w in reason.weights)
            assert reason.amount == pytest.approx(expected, abs=1e-9)
        amounts = [abs(reason.amount) for reason in item.why]
        assert amounts == sorted(amounts, reverse=True)


def test_every_sentence_fits_the_why_panel_and_uses_no_model_words() -> None:
    import itertools

    from focusplan.attention.explanation import Facts, reason_text
    from focusplan.attention.weights import SCALAR_NAMES, TASK_FEATURES

    # Every topic an explanation can have (the scalars scale terms, they are none).
    topics = sorted({topic_of(name) for name in WEIGHT_NAMES} - set(SCALAR_NAMES))
    dues = [None, AT - 3 * 24 * HOUR, AT + 30 * MIN, AT + 20 * HOUR, AT + 10 * 24 * HOUR]
    tasks = [
        task(1, demand=demand, estimate_minutes=minutes, due=due, window=window, **group)
        for demand, minutes, due, window, group in itertools.product(
            ("low", "medium", "high"),
            (10, 150, 600),
            dues,
            (None, "afternoon"),
            ({}, {"project": "thesis"}, {"tags": ("code",)}),
        )
    ]
    moments = [
        Facts(at=AT, energy=4.2, day_hours_left=9.0),
        Facts(
            at=AT.replace(hour=15, minute=20),
            energy=1.5,
            day_hours_left=2.7,
            last_title="x",
            last_tags=frozenset({"code"}),
            next_meeting_start=AT.replace(hour=15, minute=50),
            meeting_load=0.75,
            typical={"demand": 0.1, "estimate": -0.3},
        ),
    ]
    for topic, item, facts, sign in itertools.product(topics, tasks, moments, (1.0, -1.0)):
        for value in (0.0, 1.0):
            features = dict.fromkeys(TASK_FEATURES, value)
            text = reason_text(topic, sign * 0.5, item, features, facts)
            assert text and len(text) <= MAX_REASON_LENGTH, (topic, text)
            assert not JARGON.search(text), (topic, text)
