"""The D-Bus message a notification becomes, and the bell where no bus answers."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import jeepney.io.blocking
import pytest

from focusplan.services import notifications


class FakeConnection:
    def __init__(self, sent: list[Any]) -> None:
        self.sent = sent

    def __enter__(self) -> FakeConnection:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def send_and_get_reply(self, message: Any, timeout: float) -> Any:
        self.sent.append(message)
        header = SimpleNamespace(message_type=jeepney.MessageType.method_return)
        return SimpleNamespace(header=header, body=(7,))


def test_a_notification_is_a_freedesktop_notify_call_with_the_body_escaped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[Any] = []
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nowhere")
    monkeypatch.setattr(
        jeepney.io.blocking, "open_dbus_connection", lambda bus, **_: FakeConnection(sent)
    )
    assert notifications.announce("Planned now: <b>A & B", "Focus 10:00-10:50 on <A & B>") == "dbus"
    (message,) = sent
    assert message.header.fields[jeepney.HeaderFields.member] == "Notify"
    app, _, _, title, body, _, _, _ = message.body
    assert (app, title) == ("focusplan", "Planned now: <b>A & B")
    assert body == "Focus 10:00-10:50 on &lt;A &amp; B&gt;"


def test_without_a_session_bus_the_bell_rings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    stream = io.StringIO()
    assert notifications.announce("Break's over", bell_stream=stream) == "bell"
    assert stream.getvalue() == "\a"


def test_a_bus_that_does_not_answer_rings_the_bell_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    stream = io.StringIO()
    assert notifications.announce("Break's over", bell_stream=stream) == "bell"
    assert stream.getvalue() == "\a"
