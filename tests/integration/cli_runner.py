"""Run the real `focusplan` command line in-process against a real database file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from focusplan.cli import run


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Focusplan:
    """`focusplan --db <file or URL> ...` as a test would type it."""

    def __init__(self, db: Path | str) -> None:
        self.db = db

    def __call__(self, *args: str, stdin: bytes | None = None) -> Outcome:
        runner = CliRunner()
        with runner.isolation(input=stdin) as (stdout, stderr, _):
            code = run(["--db", str(self.db), *args])
        return Outcome(code, stdout.getvalue().decode(), stderr.getvalue().decode())

    def ok(self, *args: str) -> Outcome:
        outcome = self(*args)
        assert outcome.code == 0, f"{args} failed: {outcome.err}"
        return outcome
