"""A read-only spell heals: chmod 0400, read, chmod 0600, write — the write works.

SQLite creates a WAL database's -shm and -wal files with the database file's mode,
so a read during the spell used to leave a 0400 -shm behind, and every write after
the person restored the file's mode failed with "attempt to write a readonly database".

File modes mean nothing to root, so as root (CI) the commands run without the
capabilities that let root ignore them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH).
"""

from __future__ import annotations

import ctypes
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def _root_obeys_file_modes() -> None:
    # Out of the bounding set, the capabilities are gone from the program exec'd next.
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(folder: Path) -> Run:
    db = folder / "focusplan.sqlite3"
    as_user = _root_obeys_file_modes if os.geteuid() == 0 else None

    def focusplan(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "focusplan", "--db", str(db), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            preexec_fn=as_user,
            cwd=folder,
            env={**os.environ, "HOME": str(folder)},
        )

    return focusplan


def modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}


def test_writes_work_again_after_a_read_during_a_read_only_spell(folder: Path, run: Run) -> None:
    db = folder / "focusplan.sqlite3"
    assert run("add", "before the spell").returncode == 0
    db.chmod(0o400)
    listed = run("list")
    assert listed.returncode == 0, listed.stderr
    assert "before the spell" in listed.stdout
    refused = run("add", "during the spell")
    assert refused.returncode == 1, refused.stderr
    assert refused.stderr.startswith(f"error: {db} is read-only for you")
    assert len(refused.stderr.splitlines()) == 1
    run("list")  # another read after the refused write
    db.chmod(0o600)
    added = run("add", "after the spell")
    assert added.returncode == 0, added.stderr
    titles = run("list").stdout
    assert "after the spell" in titles and "during the spell" not in titles
    assert set(modes(folder).values()) == {0o600}, modes(folder)


def test_a_read_of_a_read_only_file_leaves_no_side_file_behind(folder: Path, run: Run) -> None:
    db = folder / "focusplan.sqlite3"
    assert run("add", "a task").returncode == 0
    db.chmod(0o400)
    assert run("list").returncode == 0
    assert run("rank").returncode == 0
    assert sorted(modes(folder)) == ["focusplan.sqlite3"]


def test_side_files_left_read_only_by_an_older_version_are_healed_on_the_next_write(
    folder: Path, run: Run
) -> None:
    db = folder / "focusplan.sqlite3"
    assert run("add", "a task").returncode == 0
    db.chmod(0o400)
    # What an older focusplan left: its read created them with the file's 0400.
    for suffix, size in (("-shm", 32768), ("-wal", 0)):
        side = db.with_name(db.name + suffix)
        side.write_bytes(b"\0" * size)
        side.chmod(0o400)
    db.chmod(0o600)
    added = run("add", "after the spell")
    assert added.returncode == 0, added.stderr
    assert set(modes(folder).values()) == {0o600}, modes(folder)
