"""The reweighting suggestion of a week review, with Accept and Reject.

Attributes down: the screen calls `show(...)` with the review, whether the
suggestion was dismissed this session and whether an accept is under way.
Messages up: `Accepted` / `Rejected` carry the exact suggestion shown, so what
gets stored is what the person read. Without a suggestion the panel says why
(the learning summary's verdict) and how the current ranking did on recent choices.
Everything is in words ("of your last 30 choices, 12 were its top pick";
weights named by what they favour), never metric or weight names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from focusplan.review import LearningSummary, Metrics, Suggestion, WeekReview
from focusplan.review.words import (
    change_in_words,
    main_changes,
    smaller_changes,
    weight_in_words,
)
from focusplan.tui.widgets.cells import score_bar, signed_bar, truncate

NAME_WIDTH = 26
CHANGE_WIDTH = 12
TITLE_WIDTH = 30
HALF_BAR = 4
METRIC_BAR = 10


def metric_rows(before: Metrics, after: Metrics | None) -> list[tuple[str, float, float | None]]:
    """(label, before, after) shares of the choices that were the ranking's top pick and in
    its top three; `after` None when nothing was fitted."""
    return [
        ("top pick", before.hit_at_1, after.hit_at_1 if after else None),
        ("in top 3", before.hit_at_3, after.hit_at_3 if after else None),
    ]


def _count(share: float, choices: int) -> str:
    return f"{round(share * choices)}"


class SuggestionPanel(Vertical):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "suggestion-panel--heading",
        "suggestion-panel--dim",
        "suggestion-panel--better",
        "suggestion-panel--worse",
        "suggestion-panel--before",
        "suggestion-panel--after",
        "suggestion-panel--axis",
    }
    DEFAULT_CSS = """
    SuggestionPanel {
        & > .suggestion-panel--heading { color: $text-accent; text-style: bold; }
        & > .suggestion-panel--dim { color: $text-muted; }
        & > .suggestion-panel--better { color: $text-success; }
        & > .suggestion-panel--worse { color: $text-error; }
        & > .suggestion-panel--before { color: $foreground-muted; }
        & > .suggestion-panel--after { color: $accent; }
        & > .suggestion-panel--axis { color: $foreground-muted; }
        & > #suggestion-scroll { height: 1fr; scrollbar-size-vertical: 1; }
        & > #suggestion-buttons { height: 1; dock: bottom; }
        & > #suggestion-buttons Button { width: auto; min-width: 10; margin-right: 2; }
        & > #suggestion-buttons.-hidden { display: none; }
    }
    """

    @dataclass
    class Accepted(Message):
        suggestion: Suggestion

    @dataclass
    class Rejected(Message):
        suggestion: Suggestion

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.suggestion: Suggestion | None = None
        self._shown: tuple[object, ...] | None = None
        self._last: tuple[WeekReview, str, bool, bool] | None = None

    def on_resize(self) -> None:
        # The suggestion's lines are laid out for the width (words only when narrow).
        if self._last is not None:
            review, label, dismissed, applying = self._last
            self.show(review, weights_label=label, dismissed=dismissed, applying=applying)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="suggestion-scroll"):
            yield Static("Reviewing…", id="suggestion-body")
        with Horizontal(id="suggestion-buttons", classes="-hidden"):
            yield Button("Accept", variant="success", id="accept", compact=True)
            yield Button("Reject", variant="default", id="reject", compact=True)

    def on_mount(self) -> None:
        self.border_title = "Reweighting"

    def show(
        self,
        review: WeekReview,
        *,
        weights_label: str,
        dismissed: bool,
        applying: bool,
    ) -> None:
        self._last = (review, weights_label, dismissed, applying)
        key = (
            review.suggestion,
            review.learning,
            weights_label,
            dismissed,
            applying,
            self.size.width,
        )
        if key == self._shown:
            return  # a refresh with the same content keeps the scroll position and focus
        self._shown = key
        self.suggestion = review.suggestion
        offer = review.suggestion is not None and not dismissed
        body = self.query_one("#suggestion-body", Static)
        if review.suggestion is not None and not dismissed:
            body.update(self._suggestion_text(review.suggestion, applying))
        else:
            body.update(self._verdict_text(review.learning, dismissed))
        buttons = self.query_one("#suggestion-buttons")
        buttons.set_class(not offer, "-hidden")
        for button in buttons.query(Button):
            button.disabled = applying
        learning = review.learning
        self.border_title = (
            f"Reweighting · learnt from your last {learning.fit_choices} choices,"
            f" tested on {learning.heldout_choices}"
        )
        self.border_subtitle = weights_label

    # --- text ---------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"suggestion-panel--{name}")

    def _suggestion_text(self, suggestion: Suggestion, applying: bool) -> Text:
        heading, dim = self._style("heading"), self._style("dim")
        text = Text()
        text.append("Suggested: give more or less weight to", style=heading)
        text.append("   now → new\n", style=dim)
        shown, hidden = main_changes(suggestion.changes)
        scale = max((abs(new - old) for _, old, new in shown), default=1.0)
        # Inside the border, padding and scrollbar; narrow (80 columns): words and numbers only.
        room = self.size.width - 5 if self.size.width else 0
        wide = not room or room >= NAME_WIDTH + 1 + CHANGE_WIDTH + 14 + 2 * HALF_BAR + 1
        for name, old, new in shown:
            if not wide:
                width = max(12, room - 14)
                text.append(truncate(weight_in_words(name), width).ljust(width + 1))
                text.append(f"{old:>5.2f} → {new:<5.2f}\n")
                continue
            label = truncate(weight_in_words(name), NAME_WIDTH).ljust(NAME_WIDTH + 1)
            text.append(label)
            # "counts more" → "more": the heading already says what is counted.
            change = change_in_words(old, new).replace("counts ", "")
            text.append(change.ljust(CHANGE_WIDTH), style=dim)
            text.append(f"{old:>5.2f} → {new:<5.2f} ")
            text.append_text(
                # A weight going up is not "better": both directions in one colour.
                signed_bar(
                    new - old,
                    scale,
                    HALF_BAR,
                    self._style("after"),
                    self._style("after"),
                    self._style("axis"),
                )
            )
            text.append("\n")
        if hidden:
            text.append(f"{smaller_changes(hidden)}\n", style=dim)
        text.append_text(self._metrics_text(suggestion.before, suggestion.after))
        if suggestion.movers:
            text.append("Tasks that move most", style=heading)
            text.append("   average place now → new\n", style=dim)
            for mover in suggestion.movers:
                up = mover.rank_after < mover.rank_before
                text.append(f"#{mover.task_id:<4}")
                text.append(truncate(mover.title, TITLE_WIDTH).ljust(TITLE_WIDTH + 1))
                text.append(f"{mover.rank_before:>4.1f} → {mover.rank_after:<4.1f} ")
                text.append(
                    "▲ up" if up else "▼ down", style=self._style("better" if up else "worse")
                )
                text.append("\n")
        if applying:
            text.append("\nApplying…", style=heading)
        return text

    def _metrics_text(self, before: Metrics, after: Metrics | None) -> Text:
        heading, dim = self._style("heading"), self._style("dim")
        choices = before.choices
        text = Text()
        text.append(f"Of your last {choices} choices", style=heading)
        text.append("   ranking now → learnt\n" if after else "   ranking now\n", style=dim)
        for label, old, new in metric_rows(before, after):
            text.append(f"{label:<9}")
            text.append_text(score_bar(old, METRIC_BAR, self._style("before")))
            text.append(f" {_count(old, choices):>3}")
            if new is None:
                text.append("\n")
                continue
            text.append(" → ")
            text.append_text(score_bar(new, METRIC_BAR, self._style("after")))
            text.append(f" {_count(new, choices):>3}")
            delta = round(new * choices) - round(old * choices)
            if delta:
                style = self._style("better" if delta > 0 else "worse")
                text.append(f"  {delta:+d}", style=style)
            text.append("\n")
        return text

    def _verdict_text(self, learning: LearningSummary, dismissed: bool) -> Text:
        heading, dim = self._style("heading"), self._style("dim")
        text = Text()
        if dismissed:
            text.append("Suggestion dismissed", style=heading)
            text.append(" for this session; the weights are unchanged.\n", style=dim)
            text.append(f"The review said: {learning.verdict}.\n")
        else:
            text.append("No reweighting suggested\n", style=heading)
            text.append(f"{learning.verdict[:1].upper()}{learning.verdict[1:]}.\n")
        if learning.before is not None:
            text.append("\n")
            text.append_text(self._metrics_text(learning.before, learning.after))
        return text

    # --- buttons ------------------------------------------------------------------------

    @property
    def offered(self) -> bool:
        """A suggestion is on show with its buttons (not dismissed, not being applied)."""
        buttons = self.query("#suggestion-buttons")
        return (
            self.suggestion is not None
            and bool(buttons)
            and not buttons.first().has_class("-hidden")
            and not any(button.disabled for button in buttons.first().query(Button))
        )

    def accept(self) -> None:
        if self.offered and self.suggestion is not None:
            self.post_message(self.Accepted(self.suggestion))

    def reject(self) -> None:
        if self.offered and self.suggestion is not None:
            self.post_message(self.Rejected(self.suggestion))

    @on(Button.Pressed, "#accept")
    def _accept(self, event: Button.Pressed) -> None:
        event.stop()
        if self.suggestion is not None:
            self.post_message(self.Accepted(self.suggestion))

    @on(Button.Pressed, "#reject")
    def _reject(self, event: Button.Pressed) -> None:
        event.stop()
        if self.suggestion is not None:
            self.post_message(self.Rejected(self.suggestion))
