"""Exports never carry terminal control sequences (CLI.md), even from a database written
before input was cleaned: a title like ESC ] 2 ; pwned BEL retitles the terminal of whoever
runs `cat` on the export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from focusplan.services.source import DataSource
from tests.integration.cli_runner import Focusplan

HOSTILE = "Report \x1b]2;pwned\x07\x1b[2J\x9b31m\x7fdone"
RAW_CONTROLS = [b"\x1b", b"\x07", "\x9b".encode(), b"\x7f"]


@pytest.fixture
def fp(db_path: Path, frozen_now: object) -> Focusplan:
    focusplan = Focusplan(db_path)
    task_id = focusplan.ok("add", "placeholder", "--estimate", "50", "--json").json()["id"]
    focusplan.ok("energy", "4", "--note", "placeholder")
    focusplan.ok("plan", "--date", "2026-11-23")
    # Written past every input check, as an older focusplan or a hand edit may have left it
    # (the stored plan keeps its fingerprint, so it is exported as stored).
    source = DataSource(str(db_path))
    with source.unit_of_work() as uow:
        session = uow._session
        session.execute(text("UPDATE energy_logs SET note = :t"), {"t": HOSTILE})
        session.execute(text("UPDATE plan_blocks SET title = :t, reason = :t"), {"t": HOSTILE})
        session.execute(text("UPDATE plans SET notes = :n"), {"n": json.dumps([HOSTILE])})
    source.database.close()
    assert task_id
    return focusplan


@pytest.mark.parametrize("fmt", ["md", "csv", "ics", "json"])
def test_plan_exports_carry_no_control_characters(fp: Focusplan, fmt: str) -> None:
    out = fp.ok("export", fmt, "--date", "2026-11-23").out.encode()
    # The block is in the export; its whole escape sequence (OSC payload included) is not.
    assert b"Report" in out and b"done" in out
    for control in RAW_CONTROLS:
        assert control not in out, (fmt, control)


def test_the_backup_carries_the_text_without_its_control_sequences(fp: Focusplan) -> None:
    out = fp.ok("export", "json").out
    for control in RAW_CONTROLS:
        assert control not in out.encode()
    document = json.loads(out)
    # The store reads text cleaned (an escape sequence goes whole, payload included), so the
    # backup holds what every other face shows, and a restore cannot bring a sequence back.
    assert document["energy"][0]["note"] == "Report done"
    for control in ("\x1b", "\x07", "\x9b", "\x7f"):
        assert control not in document["plans"][0]["blocks"][0]["title"]
