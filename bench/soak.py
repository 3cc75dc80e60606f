"""The long versions of the crash, concurrency and bad-input tests.

    /work/venv/bin/python bench/soak.py [--rounds 3] [--scale 10]

CI runs tests/integration/test_crash_safety.py, test_concurrency.py and test_bad_input.py
with small counts so the suite stays at a few minutes. Here the same tests run with the
counts multiplied by --scale (more processes killed, more tasks per writer, more
hypothesis examples, with fresh random seeds for the fuzzing), --rounds times over.
Stops at the first failing round and prints its pytest output.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = [
    "tests/integration/test_crash_safety.py",
    "tests/integration/test_concurrency.py",
    "tests/integration/test_bad_input.py",
]
# The CI defaults each test file uses when these are unset.
DEFAULTS = {
    "FOCUSPLAN_CRASH_PROCESSES": 32,
    "FOCUSPLAN_CRASH_MIGRATION_KILLS": 6,
    "FOCUSPLAN_CONCURRENCY_TASKS": 3,
    "FOCUSPLAN_FUZZ_EXAMPLES": 50,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=int, default=10, help="Multiply every count by this.")
    parser.add_argument("tests", nargs="*", default=TESTS, help="Test files (default: all three).")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    for name, default in DEFAULTS.items():
        env.setdefault(name, str(default * args.scale))
    env["FOCUSPLAN_FUZZ_RANDOM"] = "1"  # new hypothesis seeds each round
    counts = ", ".join(f"{name}={env[name]}" for name in DEFAULTS)
    print(f"soak: {args.rounds} rounds of {len(args.tests)} files; {counts}", flush=True)
    for round_number in range(1, args.rounds + 1):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args.tests],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        took = time.perf_counter() - started
        summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "(no output)"
        print(f"round {round_number}: {summary} in {took:.0f} s", flush=True)
        if done.returncode != 0:
            print(done.stdout[-20_000:])
            print(done.stderr[-5_000:], file=sys.stderr)
            return done.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
