"""Cold write commands (`add`, `done`, `energy`, `edit`): this checkout against a baseline one.

    .venv/bin/python bench/writes.py --source /path/to/baseline/checkout [--tasks 300] [--runs 11]

Each side is a source tree (a checkout or `git archive` of a commit) run by this
interpreter with PYTHONPATH pointing at it, through `focusplan.launcher` as the installed
`focusplan` script runs; each gets its own database of --tasks pending tasks (the
Taskwarrior bench's mix) imported by its own code, so both are at their head schema.

Prints, for each command, the median wall and CPU time of --runs fresh processes per
side, run in turn (this, baseline, this, ...), and the median of the paired ratios
(pairing keeps the ratio meaningful when the machine's speed drifts); then the import
time of one cold run per side and command, by top-level package (`-X importtime`, self
times summed). `done` and `edit` take a different open task at every run. The load
average is printed before and after: quote it with the figures.

Bytecode is written to a temporary PYTHONPYCACHEPREFIX (as an installed wheel has it),
even where PYTHONDONTWRITEBYTECODE is set for the shell.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
THIS = HERE.parent
LAUNCH = "import sys; sys.argv[0] = 'focusplan'; from focusplan.launcher import main; main()"
COMMANDS = ("add", "done", "energy", "edit")
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


class Side:
    """One source tree, its environment and its database."""

    def __init__(self, name: str, root: Path, folder: Path) -> None:
        self.name = name
        self.root = root
        self.db = folder / f"{name}.sqlite3"
        self.folder = folder
        self.env = dict(os.environ)
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.env["PYTHONPYCACHEPREFIX"] = str(folder / f"pycache-{name}")
        self.env["PYTHONPATH"] = str(root)
        self.env.pop("FOCUSPLAN_DB", None)
        self._ids = iter(range(1, 10**9))

    def argv(self, *args: str, python: Sequence[str] = ()) -> list[str]:
        return [sys.executable, *python, "-c", LAUNCH, "--db", str(self.db), *args]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            self.argv(*args),
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.folder,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"{self.name}: {' '.join(args)} failed: {done.stderr.strip()}")
        return done

    def command(self, name: str) -> list[str]:
        if name == "add":
            return ["add", "bench", "task"]
        if name == "energy":
            return ["energy", "3", "--note", "bench"]
        task_id = str(next(self._ids))
        if name == "done":
            return ["done", task_id]
        return ["edit", task_id, "--project", "bench"]

    def check_source(self) -> None:
        found = subprocess.run(
            [sys.executable, "-c", "import focusplan; print(focusplan.__file__)"],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.folder,
            check=True,
        ).stdout.strip()
        if not Path(found).resolve().is_relative_to(self.root.resolve()):
            raise SystemExit(f"{self.name}: focusplan is imported from {found}, not {self.root}")


def build_database(side: Side, count: int) -> None:
    sys.path.insert(0, str(HERE))
    from compare_taskwarrior import make_tasks

    export = side.folder / f"{side.name}.tw.json"
    export.write_text(json.dumps(make_tasks(count, dt.datetime.now(dt.UTC))))
    side.run("import", str(export), "--format", "taskwarrior")


def timed(side: Side, args: Sequence[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    side.run(*args)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def import_breakdown(side: Side, args: Sequence[str]) -> dict[str, int]:
    """Self import time (µs) by top-level package (focusplan by subpackage)."""
    done = subprocess.run(
        side.argv(*args, python=("-X", "importtime")),
        capture_output=True,
        text=True,
        env=side.env,
        cwd=side.folder,
        check=True,
    )
    by_package: defaultdict[str, int] = defaultdict(int)
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            parts = match[4].split(".")
            package = ".".join(parts[:2]) if parts[0] == "focusplan" else parts[0]
            by_package[package] += int(match[1])
    return dict(by_package)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.0f} ms"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def in_turn(runs: int, sides: Sequence[Side]) -> Iterator[tuple[int, Side]]:
    for index in range(runs):
        for side in sides:
            yield index, side


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="The baseline source tree.")
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--commands", nargs="+", choices=COMMANDS, default=list(COMMANDS))
    args = parser.parse_args(argv)
    if args.tasks < 2 * (args.runs + 2):
        parser.error("--tasks must cover every done and edit run (2 × (runs + 2))")
    with tempfile.TemporaryDirectory(prefix="fp-writes-") as name:
        folder = Path(name)
        this = Side("this", THIS, folder)
        baseline = Side("baseline", args.source.resolve(), folder)
        sides = (this, baseline)
        for side in sides:
            side.check_source()
            build_database(side, args.tasks)
        print(f"{args.tasks} tasks, {args.runs} runs per side and command; {load()}")
        print(f"this: {THIS}\nbaseline: {baseline.root}\n")
        print(f"{'':8} {'this':>9} {'baseline':>9} {'ratio':>7}   {'cpu this':>9} {'baseline':>9}")
        breakdowns: dict[str, dict[str, dict[str, int]]] = {}
        for command in args.commands:
            for side in sides:
                side.run(*side.command(command))  # warm: bytecode written, untimed
            walls: dict[str, list[float]] = {side.name: [] for side in sides}
            cpus: dict[str, list[float]] = {side.name: [] for side in sides}
            for _, side in in_turn(args.runs, sides):
                wall, cpu = timed(side, side.command(command))
                walls[side.name].append(wall)
                cpus[side.name].append(cpu)
            ratios = [a / b for a, b in zip(walls["this"], walls["baseline"], strict=True)]
            print(
                f"{command:8} {ms(statistics.median(walls['this']))} "
                f"{ms(statistics.median(walls['baseline']))} {statistics.median(ratios):7.2f}   "
                f"{ms(statistics.median(cpus['this']))} {ms(statistics.median(cpus['baseline']))}"
            )
            breakdowns[command] = {
                side.name: import_breakdown(side, side.command(command)) for side in sides
            }
        print(f"\n{load()}\n\nimport time of one cold run, by package (self ms):")
        for command, by_side in breakdowns.items():
            for side_name, packages in by_side.items():
                total = sum(packages.values()) / 1000
                top = sorted(packages.items(), key=lambda item: -item[1])[:9]
                listed = ", ".join(f"{package} {micros / 1000:.0f}" for package, micros in top)
                print(f"  {command:7} {side_name:9} {total:5.0f} ms: {listed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
