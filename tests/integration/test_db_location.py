"""Where the database is: `--db` naming a fifo or a device is refused at once (exit 2,
one line, never chmodded, never waited on), and the default folders are private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.cli_runner import Focusplan

# A command that waited on a fifo would hang; a refusal takes well under this.
HANG_SECONDS = 30


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def focusplan_process(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "focusplan", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
        check=False,
    )


def assert_refused(done: subprocess.CompletedProcess[str], what: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines() == [done.stderr.rstrip("\n")]
    assert done.stderr.startswith("error: ") and what in done.stderr, done.stderr


@pytest.mark.parametrize("command", [("list",), ("add", "x"), ("rank",), ("energy", "3")])
def test_a_fifo_as_db_is_refused_at_once_and_keeps_its_mode(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o644)
    os.chmod(fifo, 0o644)
    assert_refused(focusplan_process(fifo, *command), f"{fifo} is a fifo, not a focusplan database")
    assert mode(fifo) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_symlink_to_a_fifo_is_refused_too(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o644)
    os.chmod(fifo, 0o644)
    link = tmp_path / "focusplan.sqlite3"
    link.symlink_to(fifo)
    assert_refused(focusplan_process(link, "add", "x"), "is a fifo")
    assert mode(fifo) == 0o644


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
@pytest.mark.parametrize("command", [("list",), ("add", "x")])
def test_a_device_as_db_is_refused_and_never_chmodded(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    # Our own node for /dev/null (1, 3), so a regression cannot chmod the real one.
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    os.chmod(device, 0o666)
    done = Focusplan(device)(*command)
    assert (done.code, done.out) == (2, "")
    assert done.err == f"error: {device} is a device, not a focusplan database\n"
    assert mode(device) == 0o666


def test_a_folder_as_db_is_refused_as_invalid_input(tmp_path: Path) -> None:
    done = Focusplan(tmp_path)("add", "x")
    assert (done.code, done.err) == (
        2,
        f"error: {tmp_path} is a folder, not a focusplan database\n",
    )


def test_a_missing_folder_is_invalid_input(tmp_path: Path) -> None:
    done = Focusplan(tmp_path / "nowhere" / "focusplan.sqlite3")("list")
    assert done.code == 2
    assert done.err.startswith("error: database folder does not exist")


def test_the_default_database_folders_are_private_under_umask_0(tmp_path: Path) -> None:
    data_home = tmp_path / "deep" / "data"
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "HOME": str(tmp_path)}
    env.pop("FOCUSPLAN_DB", None)
    done = subprocess.run(
        [sys.executable, "-m", "focusplan", "add", "secret"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        preexec_fn=lambda: os.umask(0),
    )
    assert done.returncode == 0, done.stderr
    created = [tmp_path / "deep", data_home, data_home / "focusplan"]
    assert {str(p): mode(p) for p in created} == {str(p): 0o700 for p in created}
    assert mode(data_home / "focusplan" / "focusplan.sqlite3") == 0o600


def test_an_existing_data_folder_keeps_the_mode_the_person_gave_it(tmp_path: Path) -> None:
    from focusplan.config import make_private_folders

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    make_private_folders(shared / "focusplan")
    assert (mode(shared), mode(shared / "focusplan")) == (0o755, 0o700)
