"""The personal energy curve and the energy estimate at a moment."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from focusplan.domain import EnergyLog
from focusplan.energy import (
    SLEEP_DEBT_MAX,
    EnergyModel,
    circadian_prior,
    energy_at,
    sleep_adjustment,
)

ZONE = ZoneInfo("Europe/Paris")
AT = dt.datetime(2026, 3, 4, 12, 0, tzinfo=ZONE)
HOURS = np.linspace(0.0, 24.0, 97)


def log(at: dt.datetime, level: int, log_id: int = 0) -> EnergyLog:
    return EnergyLog(id=log_id, at=at, level=level)


def daily_logs(hour: int, level: int, days: int) -> list[EnergyLog]:
    """One log a day at `hour` for the `days` days before AT."""
    return [
        log((AT - dt.timedelta(days=d)).replace(hour=hour, minute=0), level, d)
        for d in range(1, days + 1)
    ]


# --- prior ----------------------------------------------------------------------------------


def test_prior_morning_peak_is_above_the_post_lunch_dip() -> None:
    morning, dip = circadian_prior([10.5, 14.0])
    assert morning > dip + 0.5


def test_prior_rises_again_in_the_late_afternoon_and_is_low_at_night() -> None:
    dip, rise, night, peak = circadian_prior([14.0, 17.0, 3.0, 10.5])
    assert rise > dip
    assert rise < peak
    assert night < dip
    assert night < 2.0


def test_without_logs_the_model_is_the_prior() -> None:
    model = EnergyModel.fit([], AT)
    np.testing.assert_allclose(model.curve(HOURS), np.clip(circadian_prior(HOURS), 1, 5))


# --- bounds and continuity ------------------------------------------------------------------------


@settings(deadline=None, max_examples=60)
@given(
    st.lists(st.tuples(st.integers(0, 24 * 60 * 90), st.integers(1, 5)), min_size=0, max_size=40),
    st.one_of(st.none(), st.floats(0.0, 24.0)),
)
def test_curve_stays_within_one_and_five(
    entries: list[tuple[int, int]], sleep: float | None
) -> None:
    logs = [log(AT - dt.timedelta(minutes=m), level, i) for i, (m, level) in enumerate(entries)]
    curve = EnergyModel.fit(logs, AT).curve(HOURS, sleep_hours=sleep)
    assert np.all(np.isfinite(curve))
    assert np.all((curve >= 1.0) & (curve <= 5.0))


def test_curve_is_continuous_across_midnight() -> None:
    late = [
        log((AT - dt.timedelta(days=d)).replace(hour=23, minute=50), 5, d) for d in range(1, 30)
    ]
    model = EnergyModel.fit(late, AT)
    assert model.level_at(24.0) == model.level_at(0.0)
    assert model.level_at(23.999) == pytest.approx(model.level_at(0.0), abs=1e-3)
    # Logs just before midnight lift just after midnight too (the circle wraps).
    prior_after = EnergyModel.fit([], AT).level_at(0.2)
    assert model.level_at(0.2) > prior_after + 1.0


# --- shrinkage ------------------------------------------------------------------------------------


def test_many_logs_pull_the_curve_to_the_data() -> None:
    model = EnergyModel.fit(daily_logs(15, 5, days=60), AT)
    assert model.level_at(15.0) == pytest.approx(5.0, abs=0.2)


def test_more_logs_move_the_curve_closer_to_them() -> None:
    prior = EnergyModel.fit([], AT).level_at(10.0)
    gaps = [
        abs(EnergyModel.fit(daily_logs(10, 1, days=n), AT).level_at(10.0) - 1.0)
        for n in (1, 3, 10, 40)
    ]
    assert abs(prior - 1.0) > gaps[0]
    assert all(a > b for a, b in itertools.pairwise(gaps))
    assert gaps[-1] < 0.3


def test_few_logs_stay_near_the_prior() -> None:
    one = EnergyModel.fit(daily_logs(10, 1, days=1), AT).level_at(10.0)
    prior = EnergyModel.fit([], AT).level_at(10.0)
    assert 1.0 < one < prior
    assert prior - one < 0.8 * (prior - 1.0)


def test_hours_without_logs_keep_the_shape_of_the_prior() -> None:
    model = EnergyModel.fit(daily_logs(10, 3, days=40), AT)
    assert model.level_at(3.0) < model.level_at(10.0)
    assert model.level_at(14.0) < model.level_at(11.0)


def test_old_logs_weigh_less_than_recent_ones() -> None:
    old = [log(AT - dt.timedelta(days=300 + d, hours=2), 1, d) for d in range(20)]
    recent = [log(AT - dt.timedelta(days=1 + d, hours=2), 5, 100 + d) for d in range(20)]
    assert EnergyModel.fit([*old, *recent], AT).level_at(10.0) > 4.0


# --- only the past ---------------------------------------------------------------------------------


@settings(deadline=None, max_examples=40)
@given(
    st.lists(st.tuples(st.integers(1, 24 * 60 * 30), st.integers(1, 5)), max_size=20),
    st.lists(st.tuples(st.integers(0, 24 * 60 * 30), st.integers(1, 5)), min_size=1, max_size=20),
)
def test_logs_after_t_change_nothing(
    past: list[tuple[int, int]], future: list[tuple[int, int]]
) -> None:
    before = [log(AT - dt.timedelta(minutes=m), level, i) for i, (m, level) in enumerate(past)]
    after = [
        log(AT + dt.timedelta(minutes=m + 1), level, 1000 + i)
        for i, (m, level) in enumerate(future)
    ]
    alone = EnergyModel.fit(before, AT).curve(HOURS)
    np.testing.assert_array_equal(EnergyModel.fit([*before, *after], AT).curve(HOURS), alone)
    assert energy_at([*after, *before], AT) == energy_at(before, AT)


# --- the estimate at a moment --------------------------------------------------------------------------


def test_a_recent_log_is_the_energy_now() -> None:
    logs = [log(AT - dt.timedelta(hours=5), 2, 1), log(AT - dt.timedelta(minutes=30), 4, 2)]
    estimate = energy_at(logs, AT)
    assert (estimate.level, estimate.source) == (4.0, "logged")
    assert estimate.logged_at == AT - dt.timedelta(minutes=30)


def test_a_log_exactly_recent_minutes_old_still_counts() -> None:
    estimate = energy_at([log(AT - dt.timedelta(minutes=120), 1)], AT, recent_minutes=120)
    assert estimate.source == "logged"


def test_an_old_log_gives_way_to_the_curve() -> None:
    estimate = energy_at([log(AT - dt.timedelta(minutes=121), 1)], AT, recent_minutes=120)
    assert estimate.source == "predicted"
    assert estimate.logged_at is None
    assert 1.0 <= estimate.level <= 5.0


def test_hours_are_read_in_the_zone_of_at() -> None:
    # Logs stored in UTC at 14:00 are 15:00 in Paris (winter): the dent is at 15:00.
    utc_logs = [
        log((AT - dt.timedelta(days=d)).replace(hour=15).astimezone(dt.UTC), 2, d)
        for d in range(1, 60)
    ]
    model, prior = EnergyModel.fit(utc_logs, AT), EnergyModel.fit([], AT)
    grid = np.linspace(12.0, 18.0, 61)
    dent = prior.curve(grid) - model.curve(grid)
    assert grid[np.argmax(dent)] == pytest.approx(15.0)


# --- sleep -------------------------------------------------------------------------------------------


def test_short_sleep_lowers_the_predicted_energy_and_long_sleep_gives_no_bonus() -> None:
    rested = energy_at([], AT, sleep_hours=8)
    short = energy_at([], AT, sleep_hours=5)
    long = energy_at([], AT, sleep_hours=11)
    assert short.level == pytest.approx(rested.level - 0.625)
    assert long.level == rested.level


def test_sleep_debt_is_capped() -> None:
    assert sleep_adjustment(0.0) == SLEEP_DEBT_MAX
    assert sleep_adjustment(None) == 0.0


def test_sleep_never_changes_a_logged_level() -> None:
    logs = [log(AT - dt.timedelta(minutes=10), 4)]
    assert energy_at(logs, AT, sleep_hours=3).level == 4.0


# --- validation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "at", "message"),
    [
        ({}, AT.replace(tzinfo=None), "timezone-aware"),
        ({"recent_minutes": -1}, AT, "recent_minutes"),
        ({"recent_minutes": math.nan}, AT, "recent_minutes"),
        ({"sleep_hours": 30.0}, AT, "sleep_hours"),
        ({"sleep_hours": math.nan}, AT, "sleep_hours"),
    ],
)
def test_energy_at_rejects_invalid_input(
    kwargs: dict[str, float], at: dt.datetime, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        energy_at([], at, **kwargs)


def test_fit_rejects_invalid_settings() -> None:
    with pytest.raises(ValueError, match="bandwidth_hours"):
        EnergyModel.fit([], AT, bandwidth_hours=0.0)
    with pytest.raises(ValueError, match="timezone-aware"):
        EnergyModel.fit([], AT.replace(tzinfo=None))


def test_curve_rejects_non_finite_hours() -> None:
    with pytest.raises(ValueError, match="finite"):
        EnergyModel.fit([], AT).curve([math.nan])


# --- weekdays --------------------------------------------------------------------------------


def monday_blues(weeks: int = 8) -> list[EnergyLog]:
    """10:00 logs on weekdays: drained (1) on Mondays, good (4) on the other days."""
    monday = AT - dt.timedelta(days=AT.weekday())
    logs = []
    for week in range(1, weeks + 1):
        for offset in range(5):
            day = (monday - dt.timedelta(weeks=week) + dt.timedelta(days=offset)).replace(hour=10)
            logs.append(log(day, 1 if offset == 0 else 4, len(logs)))
    return logs


def test_a_weekday_with_its_own_rhythm_gets_its_own_curve() -> None:
    model = EnergyModel.fit(monday_blues(), AT)
    monday, tuesday, all_days = (
        model.level_at(10.0, weekday=0),
        model.level_at(10.0, weekday=1),
        model.level_at(10.0),
    )
    assert monday < 2.5 < all_days < tuesday


def test_a_weekday_without_logs_keeps_the_all_days_curve() -> None:
    model = EnergyModel.fit(monday_blues(), AT)
    np.testing.assert_allclose(model.curve(HOURS, weekday=6), model.curve(HOURS), atol=1e-12)


def test_without_logs_every_weekday_is_the_prior() -> None:
    model = EnergyModel.fit([], AT)
    for weekday in range(7):
        np.testing.assert_allclose(model.curve(HOURS, weekday=weekday), circadian_prior(HOURS))


def test_the_estimate_at_a_moment_uses_that_weekdays_curve() -> None:
    logs = monday_blues()
    next_monday = (AT + dt.timedelta(days=7 - AT.weekday())).replace(hour=10, minute=30)
    next_tuesday = next_monday + dt.timedelta(days=1)
    assert energy_at(logs, next_monday).level < 2.5 < energy_at(logs, next_tuesday).level


def test_a_weekday_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="weekday"):
        EnergyModel.fit([], AT).curve(HOURS, weekday=7)
