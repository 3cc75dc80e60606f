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
    assert b"pwned" in out  # the task is in the export
    for control in RAW_CONTROLS:
        assert control not in out, (fmt, control)


def test_the_backup_keeps_the_text_whole_but_escaped(fp: Focusplan) -> None:
    out = fp.ok("export", "json").out
    for control in RAW_CONTROLS:
        assert control not in out.encode()
    document = json.loads(out)
    # Lossless where the store keeps text raw: a restore gets it back.
    assert document["energy"][0]["note"] == HOSTILE
    assert document["plans"][0]["blocks"][0]["title"] == HOSTILE
