"""How each screen looks at 120×36 on the demo data with the clock frozen.

Review a changed snapshot by eye (`pytest --snapshot-report`), then accept it
with `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from focusplan.services.source import DataSource
from tests.tui.helpers import SIZE, make_app, settle

SnapCompare = Callable[..., bool]


def after(
    *keys: str, then: Callable[[Pilot[Any]], Any] | None = None
) -> Callable[[Pilot[Any]], Any]:
    """A `run_before` that waits for the first load, presses keys, and waits again."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        if then is not None:
            then(pilot)
            await pilot.pause()

    return run_before


class TestScreens:
    def test_today(self, snap_compare: SnapCompare, demo_source: DataSource) -> None:
        assert snap_compare(make_app(demo_source), terminal_size=SIZE, run_before=after())

    def test_today_with_the_third_task_explained(
        self, snap_compare: SnapCompare, demo_source: DataSource
    ) -> None:
        assert snap_compare(make_app(demo_source), terminal_size=SIZE, run_before=after("j", "j"))

    def test_tasks(self, snap_compare: SnapCompare, demo_source: DataSource) -> None:
        assert snap_compare(make_app(demo_source), terminal_size=SIZE, run_before=after("2"))

    def test_tasks_filtered(self, snap_compare: SnapCompare, demo_source: DataSource) -> None:
        keys = ("2", "slash", *"status:done", "enter")
        assert snap_compare(make_app(demo_source), terminal_size=SIZE, run_before=after(*keys))

    def test_energy(self, snap_compare: SnapCompare, demo_source: DataSource) -> None:
        assert snap_compare(make_app(demo_source), terminal_size=SIZE, run_before=after("4"))

    def test_today_on_an_empty_database(
        self, snap_compare: SnapCompare, empty_source: DataSource
    ) -> None:
        assert snap_compare(make_app(empty_source), terminal_size=SIZE, run_before=after())


class TestDialogs:
    def test_help(self, snap_compare: SnapCompare, demo_source: DataSource) -> None:
        assert snap_compare(
            make_app(demo_source), terminal_size=SIZE, run_before=after("question_mark")
        )

    def test_log_energy(self, snap_compare: SnapCompare, demo_source: DataSource) -> None:
        assert snap_compare(make_app(demo_source), terminal_size=SIZE, run_before=after("L"))

    def test_add_form_with_an_error(
        self, snap_compare: SnapCompare, demo_source: DataSource
    ) -> None:
        def bad_importance(pilot: Pilot[Any]) -> None:
            pilot.app.screen.query_one("#importance", Input).value = "9"

        async def run_before(pilot: Pilot[Any]) -> None:
            await after("a", *"Renew passport")(pilot)
            bad_importance(pilot)
            await pilot.press("enter")
            await pilot.pause()

        assert snap_compare(make_app(demo_source), terminal_size=SIZE, run_before=run_before)

    def test_stop_focus_question(self, snap_compare: SnapCompare, demo_source: DataSource) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await after("f")(pilot)  # the session must exist before the second `f` asks
            await pilot.press("f")
            await pilot.pause()

        assert snap_compare(make_app(demo_source), terminal_size=SIZE, run_before=run_before)


@pytest.fixture(autouse=True)
def _no_toasts(monkeypatch: pytest.MonkeyPatch) -> None:
    # Notifications fade on a timer; a screenshot must not depend on when it is taken.
    from focusplan.tui.app import FocusplanApp

    monkeypatch.setattr(FocusplanApp, "notify", lambda self, *args, **kwargs: None)


SMALL = (80, 24)
# Every top-level screen and the help, by the keys that open them.
EVERY_SCREEN = {
    "today": (),
    "tasks": ("2",),
    "plan": ("3",),
    "review": ("5",),
    "week": ("6",),
    "help": ("question_mark",),
}


class TestSmallTerminal:
    """Each screen at 80×24: titles keep 20 characters, panes give way, nothing spills."""

    @pytest.mark.parametrize("screen", list(EVERY_SCREEN))
    def test_at_80_by_24(
        self, snap_compare: SnapCompare, demo_source: DataSource, screen: str
    ) -> None:
        keys = EVERY_SCREEN[screen]
        assert snap_compare(make_app(demo_source), terminal_size=SMALL, run_before=after(*keys))


async def test_energy_at_80_by_24_keeps_every_pane_inside_the_screen(
    demo_source: DataSource,
) -> None:
    # Not a snapshot: the plotext chart drops colliding hour labels depending on when its
    # pane reaches its final width, so its exact picture is not stable between runs.
    app = make_app(demo_source)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        panes = list(screen.query(".pane"))
        assert panes, "the Energy screen shows its panes"
        for pane in panes:
            region = pane.region
            assert region.width > 0 and region.right <= SMALL[0], pane
            assert region.bottom <= SMALL[1], pane


class TestWeek:
    def test_week(self, snap_compare: SnapCompare, demo_source: DataSource) -> None:
        assert snap_compare(make_app(demo_source), terminal_size=SIZE, run_before=after("6"))

    def test_week_all_seven_days(self, snap_compare: SnapCompare, demo_source: DataSource) -> None:
        assert snap_compare(make_app(demo_source), terminal_size=SIZE, run_before=after("6", "w"))
