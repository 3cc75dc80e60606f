"""Terminal control sequences: stripped from every text field on the way in, from
every face, and from every line printed (older versions stored them raw)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from focusplan.cli import run
from tests.integration.cli_runner import Focusplan, Outcome

HOSTILE = "\x1b]2;pwned\x07\x1b[2J"
# What must never reach a terminal: ESC, BEL, C1 CSI/OSC/ST, and the OSC's payload.
CONTROLS = ("\x1b", "\x07", "\x9b", "\x9d", "\x9c", "pwned")


def in_terminal(db: Path, *args: str) -> Outcome:
    """As a terminal would receive it: click strips no ANSI on its own (color=True)."""
    runner = CliRunner()
    with runner.isolation(color=True) as (stdout, stderr, _):
        code = run(["--db", str(db), *args])
    return Outcome(code, stdout.getvalue().decode(), stderr.getvalue().decode())


def stored_text(db: Path) -> list[str]:
    connection = sqlite3.connect(db)
    try:
        rows = [
            *connection.execute("SELECT title, notes, coalesce(project, '') FROM tasks"),
            *connection.execute("SELECT tag, '', '' FROM task_tags"),
            *connection.execute("SELECT note, '', '' FROM energy_logs"),
        ]
    finally:
        connection.close()
    return [text for row in rows for text in row]


def assert_clean(text: str) -> None:
    found = [control for control in CONTROLS if control in text]
    assert found == [], f"{found!r} in {text!r}"


def test_add_and_edit_store_every_text_field_without_control_sequences(
    db_path: Path, frozen_now: object
) -> None:
    fp = Focusplan(db_path)
    fp.ok(
        "add", f"{HOSTILE}Report", "--project", f"{HOSTILE}work", "--tag", f"{HOSTILE}deep",
        "--notes", f"first line\n{HOSTILE}second \x9b31mline",
    )  # fmt: skip
    fp.ok("edit", "1", "--title", f"Report{HOSTILE} v2", "--project", "\x9d0;x\x9cwork")
    fp.ok("energy", "3", "--note", f"{HOSTILE}after lunch")
    stored = stored_text(db_path)
    for text in stored:
        assert_clean(text)
    assert {"Report v2", "work", "deep", "after lunch", "first line\nsecond line"} <= set(stored)


def test_a_title_of_only_escape_sequences_keeps_its_printable_residue_only(
    db_path: Path, frozen_now: object
) -> None:
    # Never an empty title (a stored one must still read back as a title), never a control.
    Focusplan(db_path).ok("add", "\x1b]2;pwned\x07\x1b[2J")
    assert stored_text(db_path)[0] == "]2;pwned[2J"


@pytest.fixture
def poisoned(db_path: Path, frozen_now: object) -> Path:
    """Rows as an older version stored them: raw escapes in every text column."""
    fp = Focusplan(db_path)
    fp.ok("add", "Report", "--project", "work", "--tag", "deep", "--estimate", "1h")
    fp.ok("add", "Second", "--after", "1")
    fp.ok("energy", "4", "--note", "fresh")
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "UPDATE tasks SET title = ? || title, project = ? || project", (HOSTILE, HOSTILE)
        )
        connection.execute("UPDATE task_tags SET tag = ? || tag", (HOSTILE,))
        connection.execute("UPDATE energy_logs SET note = ? || note", (HOSTILE,))
    connection.close()
    return db_path


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("list", "--all", "--json"),
        ("rank",),
        ("rank", "--explain"),
        ("rank", "--json"),
        ("plan",),
        ("plan", "--json"),
        ("review",),
        ("edit", "1", "--importance", "4"),
        ("done", "2"),
    ],
    ids=" ".join,
)
def test_text_stored_raw_by_an_older_version_never_reaches_the_terminal(
    poisoned: Path, command: tuple[str, ...]
) -> None:
    outcome = in_terminal(poisoned, *command)
    assert outcome.code == 0, outcome.err
    assert_clean(outcome.out)
    assert_clean(outcome.err)


def test_json_output_escapes_c1_controls(poisoned: Path) -> None:
    with sqlite3.connect(poisoned) as connection:
        connection.execute("UPDATE tasks SET external_id = ? WHERE id = 1", ("x\x9b2Jy",))
    connection.close()
    out = in_terminal(poisoned, "list", "--json").out
    assert "\x9b" not in out and "x\\u009b2Jy" in out


def test_an_error_quoting_file_content_prints_no_escapes(db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / f"{HOSTILE}.json"
    bad.write_text('{"tasks": [{"title": "x", "due": "\x1b]2;pwned\x07"}]}')
    outcome = in_terminal(db_path, "import", str(bad))
    assert outcome.code == 2
    assert_clean(outcome.err)
