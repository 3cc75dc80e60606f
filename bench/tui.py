"""How quickly the app paints and answers keys on a large database (10,000 tasks).

    .venv/bin/python bench/tui.py [--tasks 10000] [--presses 40] [--runs 3] [--db PATH]
    .venv/bin/python bench/tui.py --db PATH --switches    # the screen switches alone

Builds the demo (five weeks) plus generated tasks up to `--tasks` (`--db PATH` keeps
the database there and uses it again on the next run: building 10,000 tasks takes
~40 s), then measures at 120×36:

- first paint in a real terminal: `focusplan --db X` launched in a detached tmux
  session, from the launch to the top task's title on screen (`tmux capture-pane`
  polled every 10 ms), with the CPU the process had used by then; median of `--runs`.
- first paint with Pilot: from entering `run_test` (app constructed, nothing loaded)
  to the Today table holding the ranking and the screen refreshed once more;
- key → repaint in a real terminal: `j` on Today sent with `tmux send-keys`, to the pane
  first showing the change and to the pane settling (`capture-pane` polled back to back;
  one poll's cost, printed, is the resolution);
- key → repaint with Pilot: from sending `j` or `down` on Today (and `j` on Tasks) to the last
  frame the screen painted for it (cursor moved, why-panel and heatmap redrawn); p95
  and median, the Pilot round trip (until the app is idle again), and the CPU per press.
- screen switch: from sending `1` … `6` to the first frame of that screen (its
  loading state, if its content is slow), and to its content being drawn (Review's
  figures, Week's plans …), first visit and second visit of each.

Targets (issue 13): first paint ≤ 1.5 s in tmux, key → repaint p95 ≤ 33 ms, screen
switch ≤ 100 ms to the first frame (the content may follow from a worker). Wall time
is what a person feels but a busy machine inflates it, so the process CPU time (every
thread) is printed too, with the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FROZEN_NOW = "2026-11-23T10:00:00+01:00"
PROJECTS = ("thesis", "website", "ops", "hiring", "home", "garden", "car", "taxes")
VERBS = ("Write", "Review", "Fix", "Plan", "Call", "Sort", "Draft", "Check", "Order", "Clean")
THINGS = ("report", "invoice", "slides", "backup", "budget", "garage", "paper", "notes", "car")


def build_database(path: Path, tasks: int) -> None:
    from focusplan import clock
    from focusplan.demo import build_demo
    from focusplan.domain import NewTask
    from focusplan.services.source import DataSource

    source = DataSource(str(path))
    now = clock.now()
    build_demo(source, now=now)
    rng = random.Random(1)
    with source.unit_of_work() as uow:
        existing = len(uow.tasks.list())
        ids: list[int] = []
        for index in range(max(0, tasks - existing)):
            due = None
            if rng.random() < 0.3:
                due = now + dt.timedelta(days=rng.uniform(-2, 20))
            depends = (rng.choice(ids),) if ids and rng.random() < 0.1 else ()
            task = uow.tasks.add(
                NewTask(
                    title=f"{rng.choice(VERBS)} the {rng.choice(THINGS)} #{index}",
                    project=rng.choice(PROJECTS),
                    importance=rng.randint(1, 5),
                    demand=rng.choice(("low", "medium", "high")),
                    estimate_minutes=rng.choice((10, 20, 30, 45, 60, 90, 120)),
                    tags=(rng.choice(("admin", "deep", "quick", "people")),),
                    due=due,
                    depends_on=depends,
                    created_at=now - dt.timedelta(days=rng.uniform(0, 30)),
                )
            )
            ids.append(task.id)
    source.database.close()


async def first_paint(path: Path) -> tuple[float, float]:
    from focusplan.services.source import DataSource
    from focusplan.tui.app import FocusplanApp
    from focusplan.tui.widgets.ranked_table import RankedTable

    start, cpu = time.perf_counter(), time.process_time()
    app = FocusplanApp(DataSource(str(path)), watch_changes=False)
    async with app.run_test(size=(120, 36)) as pilot:
        while True:
            tables = app.screen.query(RankedTable)
            if tables and tables.first().row_count:
                break
            await pilot.pause(0.002)
        await pilot.pause()  # the frame with the rows in it
        return time.perf_counter() - start, time.process_time() - cpu


def _tmux_parts(path: Path, label: str) -> tuple[Path, list[str], list[str], list[str]]:
    """The app's program, a tmux server of its own, the environment to pass and 120×36."""
    program = Path(sys.executable).with_name("focusplan")
    server = ["tmux", "-L", f"focusplan-{label}-{os.getpid()}"]
    # PYTHONPATH too, so `PYTHONPATH=../other-checkout` measures that checkout's app.
    names = ("FOCUSPLAN_NOW", "FOCUSPLAN_TZ", "PYTHONPATH")
    env = [f"-e{name}={os.environ[name]}" for name in names if name in os.environ]
    env.append(f"-eFOCUSPLAN_CONFIG={path.with_name('no-config.toml')}")
    return program, server, env, ["-x", "120", "-y", "36"]


def tmux_first_paint(path: Path, runs: int) -> list[tuple[float, float]]:
    """Per run: (launch → the top task's title on screen, CPU seconds the app used by then).

    `focusplan --db X` in a detached tmux session of 120×36 on a server of its own
    (started before the clock runs, so only the app's start is timed)."""
    from focusplan import clock
    from focusplan.services.ranking import rank_at
    from focusplan.services.source import DataSource

    top = rank_at(DataSource(str(path)), clock.now(), limit=1).items[0].title
    # The table truncates long titles; a prefix is enough to see the row drawn.
    wanted = top[:18]
    program, server, env, size = _tmux_parts(path, "bench")
    tick = os.sysconf("SC_CLK_TCK")
    results: list[tuple[float, float]] = []
    subprocess.run([*server, "new-session", "-d", "-s", "idle", *size], check=True)
    try:
        for run in range(runs):
            name = f"paint{run}"
            start = time.perf_counter()
            command = f"exec {program} --db {path}"
            subprocess.run(
                [*server, "new-session", "-d", "-s", name, *size, *env, command], check=True
            )
            pid = int(
                subprocess.run(
                    [*server, "list-panes", "-t", name, "-F", "#{pane_pid}"],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.split()[0]
            )
            while True:
                screen = subprocess.run(
                    [*server, "capture-pane", "-p", "-t", name], capture_output=True, text=True
                ).stdout
                if wanted in screen:
                    break
                if time.perf_counter() - start > 60:
                    raise RuntimeError(f"{top!r} not on screen after 60 s:\n{screen}")
                time.sleep(0.01)
            wall = time.perf_counter() - start
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            results.append((wall, (int(fields[11]) + int(fields[12])) / tick))
            subprocess.run([*server, "kill-session", "-t", name], check=True)
            time.sleep(0.5)  # the killed app's exit is not the next one's start
    finally:
        subprocess.run([*server, "kill-server"], check=False)
    return results


def tmux_keys(path: Path, presses: int) -> tuple[list[float], list[float], float]:
    """In a real terminal: per `j` on Today, key sent → the pane first shows the change, and
    → its last change before the pane settled (unchanged for 100 ms); and the
    median cost of one poll (`capture-pane`), the resolution of both."""
    program, server, env, size = _tmux_parts(path, "keys")

    def capture() -> str:
        return subprocess.run(
            [*server, "capture-pane", "-p", "-e", "-t", "keys"], capture_output=True, text=True
        ).stdout

    def now_since(moment: float) -> float:
        return time.perf_counter() - moment

    first: list[float] = []
    settled: list[float] = []
    polls: list[float] = []
    command = f"exec {program} --db {path}"
    subprocess.run([*server, "new-session", "-d", "-s", "keys", *size, *env, command], check=True)
    try:
        began = time.perf_counter()
        while "Why #" not in capture():  # the why panel names the highlighted task
            if time.perf_counter() - began > 60:
                raise RuntimeError("the app did not paint Today within 60 s")
            time.sleep(0.05)
        time.sleep(3.0)  # the board's completion and the store's warm-up
        for _ in range(presses):
            before = capture()
            start = time.perf_counter()
            subprocess.run([*server, "send-keys", "-t", "keys", "j"], check=True)
            changed_at = None
            last, last_at = before, start
            # Settled: unchanged for 100 ms, longer than several of Textual's frames.
            while now_since(last_at) < 0.1:
                poll_start = time.perf_counter()
                screen = capture()
                now = time.perf_counter()
                polls.append(now - poll_start)
                if changed_at is None and screen != before:
                    changed_at = now
                if screen != last:
                    last, last_at = screen, now
                if now - start > 5:
                    break
            first.append((changed_at or time.perf_counter()) - start)
            settled.append(last_at - start)
            time.sleep(0.1)
    finally:
        subprocess.run([*server, "kill-server"], check=False)
    return first, settled, statistics.median(polls)


async def key_to_repaint(
    path: Path, presses: int, mode: str = "today", keys: tuple[str, ...] = ("j", "down")
) -> dict[str, list[tuple[float, float, float]]]:
    """Per press: (key sent → last frame painted, Pilot round trip, CPU time)."""
    from textual.screen import Screen

    from focusplan.services.source import DataSource
    from focusplan.tui.app import FocusplanApp

    painted: list[float] = []
    refresh = Screen._compositor_refresh

    def timed_refresh(screen: Screen[object]) -> None:
        refresh(screen)
        painted.append(time.perf_counter())

    Screen._compositor_refresh = timed_refresh  # type: ignore[method-assign,assignment]
    app = FocusplanApp(DataSource(str(path)), watch_changes=False)
    results: dict[str, list[tuple[float, float, float]]] = {key: [] for key in keys}
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            # getattr: the bench also measures checkouts from before the quick first board.
            while app.board is None or not getattr(app.board, "complete", True):
                await pilot.pause(0.01)
            await app.workers.wait_for_complete()
            await pilot.pause(1.5)  # let the background warm-up of the store finish
            await app.workers.wait_for_complete()
            if mode != "today":
                await app.switch_mode(mode)
                while not _content_ready(app, mode):
                    await pilot.pause(0.01)
                await pilot.pause(0.5)
            for key in keys:
                for _ in range(presses):
                    painted.clear()
                    start, cpu = time.perf_counter(), time.process_time()
                    await pilot.press(key)
                    await pilot.pause()
                    end = time.perf_counter()
                    frame = (painted[-1] if painted else end) - start
                    results[key].append((frame, end - start, time.process_time() - cpu))
    finally:
        Screen._compositor_refresh = refresh  # type: ignore[method-assign]
    return results


def _content_ready(app: object, mode: str) -> bool:
    """Whether the screen of `mode` shows its content (not its loading state)."""
    screen = app.screen  # type: ignore[attr-defined]
    if mode in ("today", "tasks", "energy"):
        tables = screen.query("DataTable")
        return bool(tables) and tables.first().row_count > 0
    if mode == "plan":
        return getattr(screen, "_view", None) is not None
    if mode == "review":
        return getattr(screen, "data", None) is not None
    if mode == "week":
        return getattr(screen, "_view", None) is not None
    return True


async def screen_switches(path: Path) -> list[tuple[str, int, float, float]]:
    """Per switch: (screen, visit, key → first frame of it, key → its content drawn)."""
    from textual.screen import Screen

    from focusplan.services.source import DataSource
    from focusplan.tui.app import FocusplanApp
    from focusplan.tui.screens.registry import SCREENS

    painted: list[float] = []
    refresh = Screen._compositor_refresh

    def timed_refresh(screen: Screen[object]) -> None:
        refresh(screen)
        painted.append(time.perf_counter())

    Screen._compositor_refresh = timed_refresh  # type: ignore[method-assign,assignment]
    app = FocusplanApp(DataSource(str(path)), watch_changes=False)
    results: list[tuple[str, int, float, float]] = []
    order = [entry for entry in SCREENS if entry.mode != "today"] + [SCREENS[0]]
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            # getattr: the bench also measures checkouts from before the quick first board.
            while app.board is None or not getattr(app.board, "complete", True):
                await pilot.pause(0.01)
            await app.workers.wait_for_complete()
            await pilot.pause(1.5)  # the background warm-up of the store
            await app.workers.wait_for_complete()
            for visit in (1, 2):
                for entry in order:
                    painted.clear()
                    start = time.perf_counter()
                    await pilot.press(entry.key)
                    shown = None
                    while True:
                        if shown is None and getattr(app.screen, "MODE", "") == entry.mode:
                            await pilot.pause()
                            shown = (painted[0] if painted else time.perf_counter()) - start
                        if shown is not None and _content_ready(app, entry.mode):
                            break
                        await pilot.pause(0.005)
                    await pilot.pause()
                    ready = (painted[-1] if painted else time.perf_counter()) - start
                    results.append((entry.title, visit, shown, ready))
                    await app.workers.wait_for_complete()
    finally:
        Screen._compositor_refresh = refresh  # type: ignore[method-assign]
    return results


def import_time() -> float:
    """A cold `import focusplan.tui.app` in a fresh interpreter (part of a real start)."""
    code = (
        "import time; t=time.perf_counter(); import focusplan.tui.app; print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.1f} ms"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def print_keys(where: str, keys: dict[str, list[tuple[float, float, float]]]) -> None:
    for key, samples in keys.items():
        frames = sorted(frame for frame, _, _ in samples)
        trip = statistics.median(t for _, t, _ in samples)
        cpu = statistics.median(c for _, _, c in samples)
        print(
            f"{where} key {key!r:7} → repaint: p95 {ms(p95(frames))}, median "
            f"{ms(statistics.median(frames))}, best {ms(frames[0])}; CPU median {ms(cpu)}; "
            f"Pilot round trip {ms(trip)}   target p95 ≤ 33 ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, help="keep the database here (built if missing)")
    parser.add_argument("--no-tmux", action="store_true", help="skip the real-terminal paint")
    parser.add_argument("--switches", action="store_true", help="measure the screen switches alone")
    args = parser.parse_args()
    os.environ.setdefault("FOCUSPLAN_NOW", FROZEN_NOW)
    os.environ.setdefault("FOCUSPLAN_TZ", "Europe/Paris")
    # An installed program runs from its bytecode; a shell with PYTHONDONTWRITEBYTECODE=1
    # (this machine's) would have every launch compile Textual and focusplan from source,
    # which doubled the first paint (3.4 s against 1.4 s at 10,000 tasks).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

    with tempfile.TemporaryDirectory(prefix="focusplan-bench-") as folder:
        path = args.db if args.db is not None else Path(folder) / "bench.sqlite3"
        if path.exists():
            print(f"database: {path} (kept from an earlier run)")
        else:
            started = time.perf_counter()
            build_database(path, args.tasks)
            print(f"database: {args.tasks} tasks built in {time.perf_counter() - started:.1f} s")
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        if args.switches:
            print_switches(path)
            return
        print(f"cold import of focusplan.tui.app: {ms(import_time())}")

        if not args.no_tmux:
            paints = tmux_first_paint(path, args.runs)
            walls, cpus = [w for w, _ in paints], [c for _, c in paints]
            print(
                f"first paint in tmux (launch → top task on screen): median "
                f"{ms(statistics.median(walls))}, best {ms(min(walls))}; CPU median "
                f"{ms(statistics.median(cpus))}   target ≤ 1500 ms"
            )
            print(f"load average: {os.getloadavg()[0]:.1f}")
            first, settled, poll = tmux_keys(path, args.presses)
            print(
                f"Today key 'j' in tmux → pane changed: p95 {ms(p95(first))}, median "
                f"{ms(statistics.median(first))}; → settled: p95 {ms(p95(settled))}, median "
                f"{ms(statistics.median(settled))} (one poll {ms(poll)})   target p95 ≤ 33 ms"
            )
        paints = [asyncio.run(first_paint(path)) for _ in range(args.runs)]
        walls, cpus = [w for w, _ in paints], [c for _, c in paints]
        print(
            f"first paint with Pilot (Today filled): median {ms(statistics.median(walls))}, "
            f"best {ms(min(walls))}; CPU median {ms(statistics.median(cpus))}"
        )
        print_keys("Today", asyncio.run(key_to_repaint(path, args.presses)))
        print_keys("Tasks", asyncio.run(key_to_repaint(path, args.presses, "tasks", ("j",))))
        print(f"load average: {os.getloadavg()[0]:.1f}")
        print_switches(path)


def print_switches(path: Path) -> None:
    print("screen switch (key → first frame of the screen · → its content drawn):")
    for title, visit, shown, ready in asyncio.run(screen_switches(path)):
        print(f"  {title:7} visit {visit}: {ms(shown)} · {ms(ready)}")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
