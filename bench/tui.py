"""How quickly the app paints and answers keys on a 1,000-task database.

    /work/venv/bin/python bench/tui.py [--tasks 1000] [--presses 40] [--runs 3]

Builds the demo (five weeks) plus generated tasks up to `--tasks`, then drives
the real app with Pilot at 120×36:

- first paint: from entering `run_test` (app constructed, nothing loaded) to
  the Today table holding the ranking and the screen refreshed once more;
- key → repaint: from sending `j` or `down` on Today to the last frame the
  screen painted for it (cursor moved, why-panel and heatmap redrawn); the
  Pilot round trip (until the app is idle again) is printed too, as is the
  CPU the press cost.

- screen switch: from sending `1` … `6` to the first frame of that screen (its
  loading state, if its content is slow), and to its content being drawn (Review's
  figures, Week's plans …), first visit and second visit of each.

Targets: first paint ≤ 700 ms, key → repaint ≤ 50 ms (median), screen switch
≤ 100 ms to the first frame (the content may follow from a worker). Wall time is
what a person feels but a busy machine inflates it, so the process CPU time
(every thread) is printed too, with the load average.
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


async def key_to_repaint(path: Path, presses: int) -> dict[str, list[tuple[float, float, float]]]:
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
    results: dict[str, list[tuple[float, float, float]]] = {"j": [], "down": []}
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            while app.board is None:
                await pilot.pause(0.01)
            await app.workers.wait_for_complete()
            await pilot.pause(1.5)  # let the background warm-up of the store finish
            await app.workers.wait_for_complete()
            for key in ("j", "down"):
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
            while app.board is None:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("FOCUSPLAN_NOW", FROZEN_NOW)
    os.environ.setdefault("FOCUSPLAN_TZ", "Europe/Paris")

    with tempfile.TemporaryDirectory(prefix="focusplan-bench-") as folder:
        path = Path(folder) / "bench.sqlite3"
        started = time.perf_counter()
        build_database(path, args.tasks)
        print(f"database: {args.tasks} tasks built in {time.perf_counter() - started:.1f} s")
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"cold import of focusplan.tui.app: {ms(import_time())}")

        paints = [asyncio.run(first_paint(path)) for _ in range(args.runs)]
        walls, cpus = [w for w, _ in paints], [c for _, c in paints]
        print(
            f"first paint (Today filled): wall best {ms(min(walls))}, median "
            f"{ms(statistics.median(walls))}; CPU median {ms(statistics.median(cpus))}"
            "   target ≤ 700 ms"
        )
        keys = asyncio.run(key_to_repaint(path, args.presses))
        for key, samples in keys.items():
            frames = sorted(frame for frame, _, _ in samples)
            p95 = frames[min(len(frames) - 1, int(0.95 * len(frames)))]
            trip = statistics.median(t for _, t, _ in samples)
            cpu = statistics.median(c for _, _, c in samples)
            print(
                f"key {key!r:7} → repaint: median {ms(statistics.median(frames))}, "
                f"p95 {ms(p95)}, best {ms(frames[0])}; CPU median {ms(cpu)}; "
                f"Pilot round trip {ms(trip)}   target ≤ 50 ms"
            )
        print("screen switch (key → first frame of the screen · → its content drawn):")
        for title, visit, shown, ready in asyncio.run(screen_switches(path)):
            print(f"  {title:7} visit {visit}: {ms(shown)} · {ms(ready)}")


if __name__ == "__main__":
    main()
