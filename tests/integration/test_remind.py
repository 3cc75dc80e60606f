"""`focusplan remind`: what is due, announced once, over D-Bus (dunst) or the bell."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from focusplan.services.remind import remind
from focusplan.services.source import DataSource
from tests.integration.cli_runner import Focusplan

PARIS = dt.timezone(dt.timedelta(hours=1))
WITH_SERVER = os.environ.get("FOCUSPLAN_TEST_NOTIFICATIONS") == "1"


@pytest.fixture
def fp(db_path: Path, frozen_now: dt.datetime) -> Focusplan:
    focusplan = Focusplan(db_path)
    focusplan.ok("add", "Draft chapter", "--importance", "5")
    focusplan.ok("add", "Reply to Anna", "--estimate", "10m")
    return focusplan


class Outbox:
    """Stands in for the desktop: what would have been shown."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def __call__(self, title: str, body: str) -> str:
        self.sent.append((title, body))
        return "dbus"


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 11, 23, hour, minute, tzinfo=PARIS)


def run(fp: Focusplan, moment: dt.datetime, outbox: Outbox) -> list[str]:
    return [item.kind for item in remind(DataSource(str(fp.db)), moment, send=outbox)]


def test_the_end_of_a_focus_block_is_announced_once(fp: Focusplan) -> None:
    fp.ok("focus", "start", "1", "--at", "2026-11-23T09:00")
    outbox = Outbox()
    assert run(fp, at(9, 49), outbox) == []
    assert "focus_end" in run(fp, at(9, 50), outbox)
    assert "focus_end" not in run(fp, at(9, 51), outbox)
    assert "focus_end" not in run(fp, at(9, 55), outbox)
    titles = [title for title, _ in outbox.sent]
    assert titles.count("50 minutes of focus") == 1


def test_the_end_of_a_break_names_the_next_best_task(fp: Focusplan) -> None:
    # The tasks were entered at 10:00 (the frozen clock): rank after that.
    fp.ok("focus", "start", "1", "--at", "2026-11-23T10:05")
    fp.ok("focus", "stop", "--at", "2026-11-23T11:00")
    outbox = Outbox()
    assert "break_end" not in run(fp, at(11, 9), outbox)
    assert "break_end" in run(fp, at(11, 10), outbox)
    (body,) = [body for title, body in outbox.sent if title == "Break's over"]
    assert body.startswith("Next best: #")
    assert "break_end" not in run(fp, at(11, 11), outbox)


def test_a_short_session_earns_no_break_reminder(fp: Focusplan) -> None:
    fp.ok("focus", "start", "1", "--at", "2026-11-23T08:40")
    fp.ok("focus", "stop", "--at", "2026-11-23T08:55")
    assert "break_end" not in run(fp, at(9, 5), Outbox())


def test_a_planned_block_is_announced_when_it_starts(fp: Focusplan) -> None:
    blocks = fp.ok("plan", "--json").json()["blocks"]
    focus = [b for b in blocks if b["kind"] == "focus" and b["start"] > "2026-11-23T10:00"]
    start = dt.datetime.fromisoformat(focus[0]["start"])
    outbox = Outbox()
    assert "block_start" not in run(fp, start - dt.timedelta(minutes=1), outbox)
    assert "block_start" in run(fp, start, outbox)
    assert "block_start" not in run(fp, start + dt.timedelta(minutes=1), outbox)
    assert any(focus[0]["title"] in title for title, _ in outbox.sent)


def test_a_moment_long_past_is_let_go_rather_than_announced_late(fp: Focusplan) -> None:
    fp.ok("focus", "start", "1", "--at", "2026-11-23T07:00")
    assert "focus_end" not in run(fp, at(9, 0), Outbox())


def test_remind_json_prints_what_it_sent_and_rings_the_bell_without_a_bus(
    fp: Focusplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    fp.ok("focus", "start", "1", "--at", "2026-11-23T09:10")
    outcome = fp.ok("remind", "--json")
    (sent,) = [item for item in outcome.json() if item["kind"] == "focus_end"]
    assert sent["channel"] == "bell"
    assert set(sent) >= {"key", "kind", "due_at", "title", "body", "sent_at", "channel"}
    assert "\a" in outcome.err
    assert [i for i in fp.ok("remind", "--json").json() if i["kind"] == "focus_end"] == []


def test_install_timer_writes_a_user_service_and_timer(
    fp: Focusplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    outcome = fp.ok("remind", "--install-timer")
    folder = tmp_path / "config" / "systemd" / "user"
    service = (folder / "focusplan-remind.service").read_text()
    timer = (folder / "focusplan-remind.timer").read_text()
    assert (
        "-m focusplan --db" in service
        and str(fp.db) in service
        and service.rstrip().endswith("remind")
    )
    assert "OnCalendar=*-*-* *:*:00" in timer
    assert "systemctl --user enable --now focusplan-remind.timer" in outcome.out


def dunst_count() -> int:
    result = subprocess.run(
        ["dunstctl", "count", "displayed"], capture_output=True, text=True, check=True
    )
    return int(result.stdout.strip())


@pytest.mark.skipif(
    not WITH_SERVER or shutil.which("dunstctl") is None,
    reason="needs a notification server: run under .ci/with-notifications (CI does)",
)
def test_a_real_notification_server_shows_each_moment_once(fp: Focusplan) -> None:
    fp.ok("focus", "start", "1", "--at", "2026-11-23T09:10")
    before = dunst_count()
    sent = fp.ok("remind", "--json").json()
    assert sent and {item["channel"] for item in sent} == {"dbus"}
    assert dunst_count() == before + len(sent)
    assert fp.ok("remind", "--json").json() == []
    assert dunst_count() == before + len(sent)
