"""Where exports are written (`-o`) and how much an import reads, through the real CLI.

-o writes a regular file atomically (a symlink is followed, never replaced), or streams
into a fifo or a character device; it never writes over the database in use or its
-wal/-shm/-journal. An import is refused before the work when it is too big, or when it is a
device, whatever the file pretends to be.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from tests.integration.cli_runner import Focusplan


@pytest.fixture
def fp(db_path: Path, frozen_now: object) -> Focusplan:
    focusplan = Focusplan(db_path)
    focusplan.ok("add", "Write the report")
    return focusplan


def test_a_backup_written_to_a_symlink_to_a_fifo_streams_and_keeps_the_link(
    fp: Focusplan, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link.json"
    link.symlink_to(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    outcome = fp("export", "json", "-o", str(link))
    reader.join(timeout=30)
    assert outcome.code == 0, outcome.err
    assert b'"Write the report"' in received[0]
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize("through_link", [False, True])
def test_a_character_device_is_written_through_never_replaced(
    fp: Focusplan, tmp_path: Path, through_link: bool
) -> None:
    target = Path(os.devnull)
    if through_link:
        target = tmp_path / "null-link"
        target.symlink_to(os.devnull)
    assert fp("export", "json", "-o", str(target)).code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert not through_link or target.is_symlink()


def test_a_symlink_to_a_file_is_followed_and_stays_a_link(fp: Focusplan, tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "backup.json"
    link.symlink_to(real)
    fp.ok("export", "json", "-o", str(link))
    assert link.is_symlink()
    assert '"Write the report"' in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_the_database_and_its_side_files_are_never_overwritten(
    fp: Focusplan, db_path: Path, suffix: str
) -> None:
    target = db_path.with_name(db_path.name + suffix)
    outcome = fp("export", "json", "-o", str(target))
    assert outcome.code == 2
    assert outcome.err.startswith("error: refusing to write the export over the database")
    # SQLite itself may checkpoint the WAL meanwhile; what must never be there is the export.
    after = target.read_bytes() if target.exists() else b""
    assert not after.startswith(b"{")
    assert db_path.read_bytes().startswith(b"SQLite format 3\x00")
    assert fp.ok("list", "--json").json()[0]["title"] == "Write the report"


def test_a_link_or_hard_link_to_the_database_is_refused(
    fp: Focusplan, db_path: Path, tmp_path: Path
) -> None:
    soft = tmp_path / "soft.json"
    soft.symlink_to(db_path)
    hard = tmp_path / "hard.json"
    os.link(db_path, hard)
    for target in (soft, hard):
        outcome = fp("export", "md", "-o", str(target))
        assert outcome.code == 2 and "over the database" in outcome.err, target


def test_a_folder_is_not_an_output(fp: Focusplan, tmp_path: Path) -> None:
    outcome = fp("export", "json", "-o", str(tmp_path))
    assert outcome.code == 2 and outcome.err.startswith("error:")


def test_a_device_is_refused_at_once_as_an_import(fp: Focusplan) -> None:
    outcome = fp("import", "/dev/zero", "--format", "json")
    assert outcome.code == 2
    assert (
        outcome.err
        == "error: /dev/zero is not a regular file (a device or socket); nothing to import\n"
    )


def test_a_huge_sparse_file_is_refused_by_its_size_without_reading_it(
    fp: Focusplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(1 << 30)  # 1 GB of holes: nothing on disk, 1 GB if read

    def no_reading(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("read a file its size already refused")

    monkeypatch.setattr("focusplan.services.exchange._read_capped", no_reading)
    outcome = fp("import", str(huge))
    assert outcome.code == 2
    assert "is 1,074 MB; imports are limited to 256 MB" in outcome.err


def test_a_stream_is_read_only_up_to_the_limit(
    fp: Focusplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("focusplan.exchange.MAX_IMPORT_BYTES", 2 * 1024 * 1024)
    outcome = fp("import", "-", "--format", "todotxt", stdin=b"a task\n" * 600_000)
    assert outcome.code == 2
    assert outcome.err == "error: the input is larger than that; imports are limited to 2 MB\n"
    assert [t["title"] for t in fp.ok("list", "--json").json()] == ["Write the report"]
