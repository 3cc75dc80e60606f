"""The app's break alerts go through the same reminders as `focusplan remind`."""

from __future__ import annotations

import datetime as dt

import pytest

from focusplan.services.focus import active_session
from focusplan.services.remind import announce_once, reminders_due
from focusplan.services.source import DataSource
from tests.tui.helpers import SIZE, make_app, settle


async def test_the_app_claims_the_moment_so_remind_does_not_announce_it_again(
    demo_source: DataSource, monkeypatch: pytest.MonkeyPatch, frozen_now: dt.datetime
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    app = make_app(demo_source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        session = active_session(demo_source)
        assert session is not None
        later = frozen_now + dt.timedelta(minutes=app.settings.focus_minutes + 1)
        monkeypatch.setenv("FOCUSPLAN_NOW", later.isoformat())
        app._tick()
        await app.workers.wait_for_complete()
        assert app.bells == 1
    due = reminders_due(
        later,
        active=session,
        sessions=[session],
        blocks=[],
        titles={},
        focus_minutes=app.settings.focus_minutes,
        break_minutes=app.settings.break_minutes,
        best=None,
    )
    assert [reminder.key for reminder in due] == [f"focus_end:{session.id}"]
    sent: list[str] = []
    assert announce_once(demo_source, due, later, send=lambda t, b: sent.append(t) or "dbus") == []
    assert sent == []
