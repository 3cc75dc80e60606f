"""The demo shows the whole loop: opened at any hour, its Review has a suggestion to accept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.demo import build_demo
from focusplan.services.reviewing import review_week
from focusplan.services.source import DataSource

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2026, 11, 25, 19, 0, tzinfo=PARIS),  # a Wednesday evening
        dt.datetime(2026, 11, 26, 9, 0, tzinfo=PARIS),  # a Thursday morning
        dt.datetime(2026, 11, 23, 9, 0, tzinfo=PARIS),  # a Monday, nothing done this week yet
    ],
    ids=["wednesday-19h", "thursday-09h", "monday-09h"],
)
def test_the_demo_review_offers_a_suggestion_that_can_be_accepted(
    tmp_path: Path, now: dt.datetime
) -> None:
    source = DataSource(str(tmp_path / "demo.sqlite3"))
    build_demo(source, now=now)

    shown = review_week(source, now.date(), now=now)
    assert shown.suggestion is not None, shown.learning.verdict
    suggestion = shown.suggestion
    assert suggestion.after.hit_at_1 > suggestion.before.hit_at_1
    # The sample person keeps deep work for the afternoon, against the defaults' lean.
    old, new = suggestion.changes["attn.hour_sin×demand"]
    assert old == DEFAULT_WEIGHTS["attn.hour_sin×demand"]
    assert new < 0
    with source.unit_of_work() as uow:
        assert uow.weights.active().version == 1  # nothing changes until accepted

    accepted = review_week(source, now.date(), now=now, apply=True)
    assert accepted.suggestion == suggestion
    assert accepted.applied_version == 2
    with source.unit_of_work() as uow:
        active = uow.weights.active()
    assert active.version == 2
    assert active.params == suggestion.params
    source.database.close()
