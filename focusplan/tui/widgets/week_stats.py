"""The week's headline numbers in large digits: done, focus, plan, estimates, overdue, choices.

Attributes down: the screen calls `show(figures, choices=...)`; each tile is a `Digits` with a
two-line caption beside it, so the numbers read from across the room.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Digits, Static

from focusplan.review import WeekFigures


def focus_clock(minutes: float) -> str:
    """Focus time as h:mm, the form `Digits` draws best."""
    hours, rest = divmod(round(minutes), 60)
    return f"{hours}:{rest:02d}"


def stat_values(figures: WeekFigures) -> dict[str, tuple[str, str]]:
    """Tile id -> (digits, caption) for one week."""
    accuracy = figures.estimate_accuracy.overall
    estimates = (
        (f"{accuracy.median:.2f}", f"× estimate\nmedian of {accuracy.count}")
        if accuracy is not None
        else ("-", "× estimate\nno actuals")
    )
    done_caption = "task done" if figures.completed == 1 else "tasks done"
    return {
        "stat-done": (str(figures.completed), done_caption),
        "stat-focus": (focus_clock(figures.focus_minutes), "focus\nh:mm"),
        "stat-plan": (
            f"{figures.planned_done}/{figures.planned}",
            "planned\ndone on day" if figures.planned else "no plans\nstored",
        ),
        "stat-estimates": estimates,
        "stat-overdue": (str(len(figures.overdue)), "overdue\nnow"),
    }


# The one-line form's captions (80 columns): the numbers in as few words as read well.
LINE_CAPTIONS = {
    "stat-done": "done",
    "stat-focus": "focus",
    "stat-plan": "plan done",
    "stat-estimates": "× est.",
    "stat-overdue": "overdue",
    "stat-choices": "choices",
}


def choice_values(heldout_choices: int) -> tuple[str, str]:
    return str(heldout_choices), "choices\ntested"


class WeekStats(Horizontal):
    TILES: ClassVar[tuple[str, ...]] = (
        "stat-done",
        "stat-focus",
        "stat-plan",
        "stat-estimates",
        "stat-overdue",
        "stat-choices",
    )
    DEFAULT_CSS = """
    WeekStats {
        height: 3;
        & > .stat { width: auto; height: 3; margin-right: 3; }
        & Digits { width: auto; color: $text-accent; }
        & #stat-done Digits { color: $text-success; }
        & #stat-overdue.-some Digits { color: $text-error; }
        & #stat-line { display: none; width: 1fr; height: auto; padding: 0 1; }
        & .stat-caption {
            width: auto;
            height: 3;
            padding: 0 0 0 1;
            color: $text-muted;
            content-align: left middle;
        }
    }
    """

    def compose(self) -> ComposeResult:
        for tile in self.TILES:
            with Horizontal(id=tile, classes="stat"):
                yield Digits("")
                yield Static("", classes="stat-caption")
        # The same numbers on one line, for a small terminal (the app's CSS picks one).
        yield Static("", id="stat-line")

    def show(self, figures: WeekFigures, *, choices: int) -> None:
        values = {**stat_values(figures), "stat-choices": choice_values(choices)}
        for tile, (value, caption) in values.items():
            box = self.query_one(f"#{tile}")
            box.query_one(Digits).update(value)
            box.query_one(".stat-caption", Static).update(caption)
        self.query_one("#stat-overdue").set_class(bool(figures.overdue), "-some")
        line = Text()
        for index, (tile, (value, _caption)) in enumerate(values.items()):
            if index:
                line.append(" · ", style="dim")
            line.append(value, style="bold")
            line.append(" " + LINE_CAPTIONS[tile])
        self.query_one("#stat-line", Static).update(line)
