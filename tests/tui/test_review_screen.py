"""The Review screen (5), driven with Pilot on the seeded demo database, clock frozen.

Every write is checked through the services afterwards, not only on screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Digits, Static

from focusplan.domain import NewTask
from focusplan.review import Metrics, Mover, Suggestion, WeekReview
from focusplan.services.errors import InvalidInput
from focusplan.services.reviewing import review_week
from focusplan.services.source import DataSource
from focusplan.services.tasks import add_task, get_task
from focusplan.tui.actions import accept_suggestion
from focusplan.tui.screens.review import STALE_ROWS, ReviewData, ReviewScreen, week_label
from focusplan.tui.widgets.review_charts import bar_width, fold_projects
from focusplan.tui.widgets.stale_list import StaleList, StaleRow
from focusplan.tui.widgets.suggestion_panel import SuggestionPanel
from tests.tui.helpers import SIZE, RecordingApp, make_app, settle

SnapCompare = Callable[..., bool]


def weight_versions(source: DataSource) -> list[int]:
    with source.unit_of_work() as uow:
        return [version.version for version in uow.weights.history()]


def seed_stale_task(source: DataSource, now: dt.datetime, title: str = "Learn the ukulele") -> int:
    """An open, unimportant task nobody touched for five weeks: the review calls it stale."""
    task, _ = add_task(
        source, NewTask(title=title, importance=1, created_at=now - dt.timedelta(weeks=5))
    )
    return task.id


def review_screen(app: RecordingApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


def shown_digits(screen: ReviewScreen, tile: str) -> str:
    return screen.query_one(f"#{tile} Digits", Digits).value


def stale_row(screen: ReviewScreen, task_id: int) -> StaleRow | None:
    rows = [row for row in screen.query(StaleRow) if row.note.id == task_id]
    return rows[0] if rows else None


def panel_text(screen: ReviewScreen) -> str:
    return str(screen.query_one("#suggestion-body", Static).render())


def with_suggestion(source: DataSource, review: WeekReview) -> tuple[WeekReview, Suggestion]:
    """The review as it was, but carrying a suggestion to raise the importance weight."""
    with source.unit_of_work() as uow:
        params = dict(uow.weights.active().params)
    old = params["residual.importance"]
    suggestion = Suggestion(
        changes={"residual.importance": (old, old + 0.5)},
        before=Metrics(mrr=0.31, hit_at_1=0.1, hit_at_3=0.4, choices=10),
        after=Metrics(mrr=0.52, hit_at_1=0.3, hit_at_3=0.7, choices=10),
        movers=(
            Mover(task_id=24, title="Renew TLS", rank_before=4.0, rank_after=1.5, appearances=6),
        ),
        params={**params, "residual.importance": old + 0.5},
        reason="review of week 2026-11-16: top pick for 1 → 3 of your last 10 choices",
    )
    return review.model_copy(update={"suggestion": suggestion}), suggestion


async def open_with_suggestion(pilot: Pilot[Any], source: DataSource) -> Suggestion:
    """Open Review, then hand the screen a loaded week whose review carries a suggestion."""
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    screen = review_screen(pilot.app)  # type: ignore[arg-type]
    assert screen.data is not None
    review, suggestion = with_suggestion(source, screen.data.review)
    data = ReviewData(
        monday=screen.data.monday,
        review=review,
        weights=screen.data.weights,
        ranked_at=screen.data.ranked_at,
        current=screen.data.current,
    )
    screen.post_message(ReviewScreen.Loaded(screen.week, data))
    await pilot.pause()
    return suggestion


# --- figures and weeks ---------------------------------------------------------------------


async def test_5_opens_the_review_of_this_week(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    expected = review_week(demo_source, frozen_now.date(), now=frozen_now)
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = review_screen(app)
        assert screen.data is not None
        assert screen.data.review.figures == expected.figures
        assert shown_digits(screen, "stat-done") == str(expected.figures.completed)
        assert str(screen.query_one("#review-week").border_title).strip().startswith("Week 48 ")


async def test_without_a_suggestion_the_panel_says_why(
    empty_source: DataSource, frozen_now: dt.datetime
) -> None:
    expected = review_week(empty_source, frozen_now.date(), now=frozen_now)
    assert expected.suggestion is None
    app = make_app(empty_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = review_screen(app)
        assert expected.learning.verdict[1:] in panel_text(screen)
        assert screen.query_one("#suggestion-buttons").has_class("-hidden")


async def test_left_bracket_shows_the_previous_week(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    last_week = frozen_now.date() - dt.timedelta(weeks=1)
    expected = review_week(demo_source, last_week, now=frozen_now)
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("[")
        await settle(pilot)
        screen = review_screen(app)
        assert screen.data is not None
        assert screen.data.monday == dt.date(2026, 11, 16)
        assert screen.data.review.figures == expected.figures
        assert shown_digits(screen, "stat-done") == str(expected.figures.completed) == "28"


async def test_t_and_right_bracket_come_back_to_this_week_and_stop_there(
    demo_source: DataSource,
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5", "[", "[")
        await settle(pilot)
        screen = review_screen(app)
        assert screen.data is not None and screen.data.monday == dt.date(2026, 11, 9)
        await pilot.press("]")
        await settle(pilot)
        assert screen.data.monday == dt.date(2026, 11, 16)
        await pilot.press("t")
        await settle(pilot)
        assert screen.week is None and screen.data.monday == dt.date(2026, 11, 23)
        await pilot.press("]")
        await settle(pilot)
        assert screen.data.monday == dt.date(2026, 11, 23)
        assert any("current week" in said for said in app.said)


async def test_a_week_just_seen_comes_back_at_once_until_the_data_changes(
    demo_source: DataSource, frozen_now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from focusplan.tui.screens import review

    loads: list[dt.date] = []
    real_load = review.load_review

    def counted(source: DataSource, day: dt.date, now: dt.datetime) -> ReviewData:
        loads.append(day)
        return real_load(source, day, now)

    monkeypatch.setattr(review, "load_review", counted)
    stale_id = seed_stale_task(demo_source, frozen_now)
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("[")
        await settle(pilot)
        screen = review_screen(app)
        assert len(loads) == 2
        await pilot.press("]")
        await settle(pilot)
        # This week again, as it was drawn a moment ago, without reviewing it again.
        assert len(loads) == 2
        assert screen.data is not None and screen.data.monday == dt.date(2026, 11, 23)
        assert stale_row(screen, stale_id) is not None
        # A change is made: every week is reviewed anew, this one at once.
        row = stale_row(screen, stale_id)
        assert row is not None
        row.query_one(".stale-keep", Button).focus()
        await pilot.press("x")
        await settle(pilot)
        assert len(loads) == 3
        assert stale_row(screen, stale_id) is None
        await pilot.press("[")
        await settle(pilot)
        assert len(loads) == 4
        # Another process writes: the week shown is reviewed anew, and so is this one.
        add_task(demo_source, NewTask(title="Written by the CLI", created_at=frozen_now))
        app.poll_changes()
        await settle(pilot)
        assert len(loads) == 5
        await pilot.press("]")
        await settle(pilot)
        assert loads[-1] == frozen_now.date() and len(loads) == 6


async def test_a_week_that_cannot_be_reviewed_leaves_the_week_shown(
    demo_source: DataSource,
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5", "[")
        await settle(pilot)
        screen = review_screen(app)
        far = dt.date(1, 1, 1)
        screen.week = far
        screen.post_message(ReviewScreen.Failed(far, "cannot review the week of 0001-01-01"))
        await pilot.pause()
        assert screen.week == dt.date(2026, 11, 16)
        assert "Week 47 " in str(screen.query_one("#review-week").border_title)
        assert "cannot review the week of 0001-01-01" in app.said


# --- stale tasks ---------------------------------------------------------------------------


async def test_drop_on_a_stale_task_drops_it_and_u_undoes_it(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    task_id = seed_stale_task(demo_source, frozen_now)
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = review_screen(app)
        row = stale_row(screen, task_id)
        assert row is not None
        await pilot.click(row.query_one(".stale-drop", Button))
        await settle(pilot)
        assert get_task(demo_source, task_id).status == "dropped"
        assert stale_row(screen, task_id) is None
        await pilot.press("u")
        await settle(pilot)
        assert get_task(demo_source, task_id).status == "open"
        assert stale_row(screen, task_id) is not None


async def test_keep_hides_a_stale_task_for_the_session_only(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    task_id = seed_stale_task(demo_source, frozen_now)
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = review_screen(app)
        row = stale_row(screen, task_id)
        assert row is not None
        await pilot.click(row.query_one(".stale-keep", Button))
        await settle(pilot)
        assert stale_row(screen, task_id) is None
        assert "1 kept for this session" in str(
            screen.query_one(StaleList).query_one(Static).render()
        )
    assert get_task(demo_source, task_id).status == "open"


async def test_after_keep_the_next_stale_task_has_focus(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    first = seed_stale_task(demo_source, frozen_now - dt.timedelta(days=1), "Oldest idea")
    second = seed_stale_task(demo_source, frozen_now, "Old idea")
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = review_screen(app)
        row = stale_row(screen, first)
        assert row is not None
        row.query_one(".stale-keep", Button).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.selected_task_id() == second


async def test_a_long_stale_list_shows_its_stalest_and_counts_them_all(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    stale_before = len(review_week(demo_source, frozen_now.date(), now=frozen_now).figures.stale)
    # The first seeded is the stalest: it is shown, the newest is not.
    extra = STALE_ROWS + 5
    ids = [
        seed_stale_task(demo_source, frozen_now - dt.timedelta(days=extra - k), f"Idea {k}")
        for k in range(extra)
    ]
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = review_screen(app)
        assert len(screen.query(StaleRow)) == STALE_ROWS
        assert stale_row(screen, ids[0]) is not None
        assert stale_row(screen, ids[-1]) is None
        total = stale_before + extra
        assert screen.query_one(StaleList).border_title == (
            f"Stale tasks · the {STALE_ROWS} stalest of {total}"
        )


async def test_x_drops_the_stale_task_whose_row_has_focus(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    task_id = seed_stale_task(demo_source, frozen_now)
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        row = stale_row(review_screen(app), task_id)
        assert row is not None
        row.query_one(".stale-keep", Button).focus()
        await pilot.press("x")
        await settle(pilot)
    assert get_task(demo_source, task_id).status == "dropped"


# --- the suggestion ------------------------------------------------------------------------


async def test_the_demo_offers_its_own_suggestion_and_accept_stores_it(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    expected = review_week(demo_source, frozen_now.date(), now=frozen_now)
    assert expected.suggestion is not None
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = review_screen(app)
        text = panel_text(screen)
        assert "Suggested: give more or less weight to" in text
        assert "deep work in the morning" in text
        for jargon in ("MRR", "hit@", "×", "salience"):
            assert jargon not in text
        await pilot.click("#accept")
        await settle(pilot)
    with demo_source.unit_of_work() as uow:
        active = uow.weights.active()
    assert active.version == 2
    assert dict(active.params) == expected.suggestion.params


async def test_accept_stores_exactly_the_suggestion_shown(demo_source: DataSource) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        suggestion = await open_with_suggestion(pilot, demo_source)
        screen = review_screen(app)
        assert "Suggested: give more or less weight to" in panel_text(screen)
        await pilot.click("#accept")
        await settle(pilot)
    assert weight_versions(demo_source) == [1, 2]
    with demo_source.unit_of_work() as uow:
        active = uow.weights.active()
    assert active.version == 2
    assert dict(active.params) == suggestion.params
    assert active.reason == suggestion.reason


async def test_undo_after_accept_makes_the_earlier_weights_active_again(
    demo_source: DataSource,
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_with_suggestion(pilot, demo_source)
        await pilot.click("#accept")
        await settle(pilot)
        with demo_source.unit_of_work() as uow:
            assert uow.weights.active().version == 2
        app.set_focus(None)
        await pilot.press("u")
        await settle(pilot)
    with demo_source.unit_of_work() as uow:
        assert uow.weights.active().version == 1
    # The accepted version stays in the history, so it can be made active again.
    assert weight_versions(demo_source) == [1, 2]


async def test_reject_dismisses_the_suggestion_and_leaves_the_weights(
    demo_source: DataSource,
) -> None:
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await open_with_suggestion(pilot, demo_source)
        screen = review_screen(app)
        await pilot.click("#reject")
        await settle(pilot)
        assert "Suggestion dismissed" in panel_text(screen)
        assert (
            screen.query_one(SuggestionPanel).query_one("#suggestion-buttons").has_class("-hidden")
        )
    assert weight_versions(demo_source) == [1]


def test_accept_refuses_when_the_weights_changed_since_the_review(
    demo_source: DataSource, frozen_now: dt.datetime
) -> None:
    review = review_week(demo_source, frozen_now.date(), now=frozen_now)
    _, suggestion = with_suggestion(demo_source, review)
    with demo_source.unit_of_work() as uow:
        uow.weights.add(dict(uow.weights.active().params), "edited elsewhere", frozen_now)
    with pytest.raises(InvalidInput, match="weights changed"):
        accept_suggestion(demo_source, suggestion, based_on=1, at=frozen_now)
    assert weight_versions(demo_source) == [1, 2]


# --- how it looks --------------------------------------------------------------------------


@pytest.fixture
def _no_toasts(monkeypatch: pytest.MonkeyPatch) -> None:
    # Notifications fade on a timer; a screenshot must not depend on when it is taken.
    from focusplan.tui.app import FocusplanApp

    monkeypatch.setattr(FocusplanApp, "notify", lambda self, *args, **kwargs: None)


@pytest.mark.usefixtures("_no_toasts")
class TestReviewSnapshot:
    def test_last_week_with_a_stale_task(
        self, snap_compare: SnapCompare, demo_source: DataSource, frozen_now: dt.datetime
    ) -> None:
        seed_stale_task(demo_source, frozen_now)

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await pilot.press("5", "[")
            await settle(pilot)

        assert snap_compare(make_app(demo_source), terminal_size=SIZE, run_before=run_before)


# --- pure helpers --------------------------------------------------------------------------


def test_week_label_names_both_months_when_the_week_straddles_two() -> None:
    assert week_label(dt.date(2026, 11, 30), dt.date(2026, 11, 23)) == (
        "Week 49 · Mon 30 Nov – Sun 06 Dec 2026"
    )
    assert week_label(dt.date(2026, 11, 23), dt.date(2026, 11, 25)).endswith("· this week")


def test_projects_past_the_limit_are_summed_as_other() -> None:
    minutes = {"a": 50.0, "b": 40.0, "c": 30.0, "d": 20.0, "e": 10.0, "f": 5.0, "g": 1.0}
    assert fold_projects(minutes, limit=4) == [
        ("a", 50.0),
        ("b", 40.0),
        ("c", 30.0),
        ("other", 36.0),
    ]


def test_bar_width_gives_every_series_bars_of_the_same_size() -> None:
    # plotext multiplies `width` by the series' mean spacing.
    for xs in ([8.0], [8.0, 10.0], [13.0, 14.0, 16.0]):
        width = bar_width(xs, 0.6)
        spacing = (max(xs) - min(xs)) / (len(xs) - 1) if len(xs) > 1 else 1.0
        assert width * spacing == pytest.approx(0.6)
