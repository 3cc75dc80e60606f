"""Desktop notifications through the freedesktop D-Bus interface, else the terminal bell.

jeepney speaks D-Bus in pure Python and synchronously (about 9 ms to import, against
about 50 ms for desktop-notifier, which brings asyncio and a second D-Bus library along):
`remind` runs once a minute from a timer and the app calls this from a worker thread, so
neither needs an event loop. It is imported only when something is sent.
"""

from __future__ import annotations

import os
import sys
from typing import Literal, TextIO

Channel = Literal["dbus", "bell"]

APP_NAME = "focusplan"
BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
# How long a notification server may take to answer before the bell stands in.
REPLY_TIMEOUT_SECONDS = 3.0


class NoNotificationServer(Exception):
    """No session bus, or nothing on it answers org.freedesktop.Notifications."""


def send_desktop(title: str, body: str = "", *, urgency: int = 1) -> int:
    """Show a notification through the session bus; returns the server's id for it.

    Raises NoNotificationServer when there is no session bus or no server on it.
    """
    import html

    from focusplan.text import clean_line

    # The body may be read as markup (servers with "body-markup", dunst among them): a
    # title with "<" or "&" in it must reach the person as written.
    title, body = clean_line(title), html.escape(clean_line(body), quote=False)
    bus = session_bus_address()
    if bus is None:
        raise NoNotificationServer("no session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
    try:
        from jeepney import DBusAddress, MessageType, new_method_call
        from jeepney.io.blocking import open_dbus_connection
    except ImportError as exc:  # pragma: no cover - jeepney is a dependency
        raise NoNotificationServer(f"jeepney is not installed: {exc}") from None

    address = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=BUS_NAME)
    message = new_method_call(
        address,
        "Notify",
        "susssasa{sv}i",
        (APP_NAME, 0, "", title, body, [], {"urgency": ("y", urgency)}, -1),
    )
    try:
        with open_dbus_connection(bus=bus) as connection:
            reply = connection.send_and_get_reply(message, timeout=REPLY_TIMEOUT_SECONDS)
    except (OSError, TimeoutError, ValueError, KeyError) as exc:
        raise NoNotificationServer(f"the session bus did not answer: {exc}") from None
    if reply.header.message_type == MessageType.error:
        raise NoNotificationServer(f"no notification server: {reply.body!r:.120}")
    return int(reply.body[0])


def ring_bell(stream: TextIO | None = None) -> None:
    """The terminal bell: the one signal a terminal without a desktop still has."""
    out = stream or sys.stdout
    out.write("\a")
    out.flush()


def announce(title: str, body: str = "", *, bell_stream: TextIO | None = None) -> Channel:
    """A desktop notification where a server runs, else the bell; says which it was."""
    try:
        send_desktop(title, body)
    except NoNotificationServer:
        ring_bell(bell_stream)
        return "bell"
    return "dbus"


def session_bus_address() -> str | None:
    """The session bus to talk to, or None where there is none."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    # A systemd user timer's service sees $XDG_RUNTIME_DIR/bus without the variable.
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.exists(os.path.join(runtime, "bus")):
        return f"unix:path={os.path.join(runtime, 'bus')}"
    return None
