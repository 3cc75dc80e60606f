"""Review: one Monday–Sunday week in charts, the reweighting suggestion, stale tasks.

The figures come from `services.reviewing.review_week` (the same report as
`focusplan review`), computed in a worker whenever the week changes (`[`, `]`,
`t`) or the board reloads (any change, here or elsewhere), and come back as a
`ReviewScreen.Loaded` message. Writes go through the app's `run_change`: a
dropped stale task is undone with `u`; an accepted suggestion is stored exactly
as shown by `services.weights.accept_suggestion`, only if the weights it was
measured against are still the active ones (Reject checks the same, writes
nothing). Reject and Keep only hide things for this session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.worker import get_current_worker

from focusplan import clock
from focusplan.domain import WeightsVersion
from focusplan.review import Suggestion, WeekReview, week_bounds
from focusplan.services.source import DataSource
from focusplan.tui import actions
from focusplan.tui.actions import Outcome
from focusplan.tui.board import Board
from focusplan.tui.key_map import NamedBinding
from focusplan.tui.screens.base import MainScreen
from focusplan.tui.widgets.heatmap import AttentionHeatmap
from focusplan.tui.widgets.review_charts import DayBars, HourBars, ProjectBars, ReviewChart
from focusplan.tui.widgets.stale_list import StaleList
from focusplan.tui.widgets.suggestion_panel import SuggestionPanel
from focusplan.tui.widgets.week_stats import WeekStats

# The heatmap of a past week shows the ranking as that week ended.
WEEK_END_MARGIN = dt.timedelta(minutes=1)
# The heatmap's tasks are the ranking's first (`rank_tasks`' top_attention): only their
# titles are shown, and explaining all 10,000 ranked tasks took longer than the review.
HEATMAP_TASKS = 8
# Rows of the stale list, the stalest first: each is three widgets, and a backlog of
# 10,000 had 1,225 stale tasks, whose rows took the app 15 s to mount. The pane shows
# fewer than 20 at once; dropping or keeping one brings the next up.
STALE_ROWS = 20


@dataclass(frozen=True)
class ReviewData:
    """One week's review and what goes with it, read in one worker run."""

    monday: dt.date
    review: WeekReview
    # The weights the review measured against: Accept stores only while they are active.
    weights: WeightsVersion
    ranked_at: dt.datetime
    current: bool  # the week is still under way
    attention_ids: tuple[int, ...] = ()
    attention: tuple[tuple[float, ...], ...] = ()
    titles: dict[int, str] = field(default_factory=dict)


def load_review(source: DataSource, day: dt.date, now: dt.datetime) -> ReviewData:
    """Review the week holding `day` as of `now`, plus the attention among its top tasks."""
    from focusplan.services.ranking import rank_at
    from focusplan.services.reviewing import review_week
    from focusplan.services.weights import active_weights

    # The version shown must be the one review_week measured against: start over
    # in the rare case another process changed it in between.
    for _ in range(3):
        review = review_week(source, day, now=now)
        weights = active_weights(source)
        if weights.version == review.weights_version:
            break
    start, end = week_bounds(day, clock.local_zone())
    ranked_at = min(end - WEEK_END_MARGIN, now)
    ranking = rank_at(source, ranked_at, explain=True, limit=HEATMAP_TASKS)
    return ReviewData(
        monday=start.date(),
        review=review,
        weights=weights,
        ranked_at=ranked_at,
        current=now < end,
        attention_ids=ranking.attention_ids,
        attention=ranking.attention,
        titles={item.id: item.title for item in ranking.items},
    )


def week_label(monday: dt.date, today: dt.date) -> str:
    sunday = monday + dt.timedelta(days=6)
    week = monday.isocalendar().week
    span = (
        f"{monday:%a %d} – {sunday:%a %d %b %Y}"
        if monday.month == sunday.month
        else f"{monday:%a %d %b} – {sunday:%a %d %b %Y}"
    )
    current = " · this week" if monday <= today <= sunday else ""
    return f"Week {week} · {span}{current}"


def suggestion_key(monday: dt.date, suggestion: Suggestion) -> tuple[object, ...]:
    """What identifies a suggestion for "rejected this session": its week and its weights."""
    return (monday, tuple(sorted(suggestion.params.items())))


class ReviewScreen(MainScreen):
    MODE = "review"
    SUB_TITLE = "Review"
    # The suggestion's scroll area, not its buttons: Enter right after `5` must not accept.
    AUTO_FOCUS = "#suggestion-scroll"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Written as the characters, so the footer and the help show `[` and `]`;
        # one footer entry for the pair, as on Plan and Week.
        NamedBinding(
            "[",
            "previous_week",
            "Week",
            key_display="[ ]",
            tooltip="the week before",
            title="Review the week before",
        ),
        NamedBinding(
            "]",
            "next_week",
            "Next week",
            show=False,
            tooltip="the week after",
            title="Review the week after",
        ),
        NamedBinding(
            "t",
            "this_week",
            "This week",
            show=False,
            tooltip="back to the current week",
            title="Review this week",
        ),
        # Capitals: `a` adds a task everywhere, `r` reopens on Tasks.
        NamedBinding(
            "A",
            "accept",
            "Accept",
            tooltip="accept the reweighting suggestion",
            title="Accept the reweighting",
        ),
        NamedBinding(
            "R",
            "reject",
            "Reject",
            tooltip="reject the reweighting suggestion",
            title="Reject the reweighting",
        ),
    ]

    @dataclass
    class Loaded(Message):
        asked: dt.date | None
        data: ReviewData
        key: tuple[object, ...] = ()  # `_seen_key` when it was loaded

    @dataclass
    class Failed(Message):
        asked: dt.date | None
        message: str

    @dataclass
    class AcceptFinished(Message):
        """The accept change ran (stored or refused); the buttons can come back."""

    def __init__(self) -> None:
        super().__init__()
        # The Monday of the week shown; None follows the clock ("this week").
        self.week: dt.date | None = None
        self.data: ReviewData | None = None
        self._rejected: set[tuple[object, ...]] = set()
        self._kept: set[int] = set()
        self._applying = False
        self._reviewed_for: tuple[object, ...] | None = None
        # Weeks reviewed since the data last changed, by `_seen_key`: going back to a
        # week just seen ("[" then "]") shows it at once instead of fitting again.
        self._seen: dict[tuple[object, ...], ReviewData] = {}

    def compose_body(self) -> ComposeResult:
        yield WeekStats(id="review-week", classes="pane")
        with Horizontal(id="review-body", classes="body"):
            with Vertical(id="review-left"):
                with Horizontal(id="review-charts"):
                    yield DayBars(id="review-days", classes="pane")
                    yield ProjectBars(id="review-projects", classes="pane")
                yield SuggestionPanel(id="review-suggestion", classes="pane")
            with Vertical(id="review-right"):
                yield HourBars(id="review-energy", classes="pane")
                yield AttentionHeatmap(id="review-heatmap", classes="pane")
                yield StaleList(id="review-stale", classes="pane")

    def on_mount(self) -> None:
        self._titles(self._monday(clock.now()), loading=True)
        self.query_one(
            "#review-days"
        ).border_subtitle = "[$primary]█[/] planned [$success]█[/] done"
        self.query_one(
            "#review-energy"
        ).border_subtitle = "mean level: [$error]█[/] low [$warning]█[/] okay [$success]█[/] good"
        self.query_one("#review-stale").border_title = "Stale tasks"
        super().on_mount()

    def _monday(self, now: dt.datetime) -> dt.date:
        today = now.date()
        return self.week or today - dt.timedelta(days=today.weekday())

    def _titles(self, monday: dt.date, *, loading: bool = False) -> None:
        today = clock.now().date()
        label = week_label(monday, today)
        # Spaces around it: this pane's border has no corner to set the title off.
        title = f"{label} · loading…" if loading else label
        self.query_one("#review-week").border_title = f" {title} "
        self.sub_title = f"Review · week of {monday:%d %b}"

    # --- loading ------------------------------------------------------------------------

    def show_board(self, board: Board) -> None:
        # Any change (a drop here, an undo, another process) can move the figures; the
        # minute ticking on does not, and reviewing costs seconds: once an hour is enough.
        key = (self.focusplan.data_generation, board.at.date(), board.at.hour)
        if key == self._reviewed_for:
            return
        self._reviewed_for = key
        self.reload()

    def _seen_key(self, week: dt.date | None, now: dt.datetime) -> tuple[object, ...]:
        # What a review depends on: the data, the week, and (for the week under way) the
        # hour, as `show_board` reviews again at most once an hour.
        return (self.focusplan.data_generation, week, now.date(), now.hour)

    def reload(self) -> None:
        # The key is taken before the load starts: a change made while it runs moves the
        # generation on, so what it loaded is never looked up as the newer data.
        key = self._seen_key(self.week, clock.now())
        seen = self._seen.get(key)
        if seen is not None:
            self.data = seen
            self._draw_review()
            return
        self._load(self.week, self.focusplan.source, key)

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def _load(self, week: dt.date | None, source: DataSource, key: tuple[object, ...]) -> None:
        worker = get_current_worker()
        now = clock.now()
        try:
            data = load_review(source, week or now.date(), now)
        except Exception as exc:  # a bad week or a broken database is a message, not a crash
            if not worker.is_cancelled:
                self.post_message(self.Failed(week, actions.describe_error(exc)))
            return
        # Even when the person has moved on to another week: it is kept for coming back
        # (`_loaded` shows only the week asked for).
        self.post_message(self.Loaded(week, data, key))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if message.asked != self.week:
            return
        if self.data is not None:  # stay on the week still shown
            self.week = None if self.data.current else self.data.monday
        self._titles(self._monday(clock.now()))
        self.notify(message.message, title="Could not review this week", severity="error")

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        generation = self.focusplan.data_generation
        if message.key and message.key[0] == generation:
            # Only this generation's reviews: anything older may show what has changed.
            self._seen = {k: v for k, v in self._seen.items() if k[0] == generation}
            self._seen[message.key] = message.data
        if message.asked != self.week:
            return  # the person moved to another week meanwhile
        self.data = message.data
        self._draw_review()

    # --- drawing ------------------------------------------------------------------------

    def _draw_review(self) -> None:
        data = self.data
        if data is None:
            return
        figures = data.review.figures
        self._titles(data.monday)
        current = data.current
        for chart in self.query(ReviewChart):
            chart.current_week = current
        self.query_one(WeekStats).show(figures, choices=data.review.learning.heldout_choices)

        days = self.query_one(DayBars)
        days.show(
            [day.date for day in figures.days],
            [day.planned for day in figures.days],
            [day.completed for day in figures.days],
        )
        days.border_title = f"Planned vs done · {figures.completed} done"
        projects = self.query_one(ProjectBars)
        projects.show(figures.focus_by_project)
        projects.border_title = "Focus by project"
        energy = self.query_one(HourBars)
        energy.show(figures.energy_by_hour)
        logs = figures.energy_logs
        energy.border_title = f"Energy by hour · {logs} log{'s' if logs != 1 else ''}"

        heatmap = self.query_one(AttentionHeatmap)
        heatmap.show(data.attention_ids, data.attention, data.titles)
        moment = "now" if current else f"{data.ranked_at:%a %d %H:%M}"
        heatmap.border_title = f"Attention among the top tasks · {moment}"

        self._draw_suggestion()
        self._draw_stale()

    def _draw_suggestion(self) -> None:
        data = self.data
        if data is None:
            return
        suggestion = data.review.suggestion
        dismissed = suggestion is not None and (
            suggestion_key(data.monday, suggestion) in self._rejected
        )
        weights = data.weights
        since = (
            weights.reason
            if weights.version == 1
            else f"since {weights.created_at.astimezone(clock.local_zone()):%d %b %H:%M}"
        )
        label = f"active weights v{weights.version} · {since}"
        self.query_one(SuggestionPanel).show(
            data.review, weights_label=label, dismissed=dismissed, applying=self._applying
        )
        self.refresh_bindings()  # Accept and Reject light up or dim with the suggestion

    def _draw_stale(self) -> None:
        data = self.data
        if data is None:
            return
        stale = [note for note in data.review.figures.stale if note.id not in self._kept]
        panel = self.query_one(StaleList)
        panel.show(stale[:STALE_ROWS], kept=len(self._kept))
        if len(stale) > STALE_ROWS:
            panel.border_title = f"Stale tasks · the {STALE_ROWS} stalest of {len(stale)}"
        else:
            panel.border_title = f"Stale tasks · {len(stale)}" if stale else "Stale tasks"
        panel.border_subtitle = "importance ≤ 2, untouched 3+ weeks" if stale else ""

    # --- weeks --------------------------------------------------------------------------

    def _go_to(self, week: dt.date | None) -> None:
        self.week = week
        self._titles(self._monday(clock.now()), loading=True)
        self.reload()

    def action_previous_week(self) -> None:
        self._go_to(self._monday(clock.now()) - dt.timedelta(weeks=1))

    def action_next_week(self) -> None:
        now = clock.now()
        this_monday = now.date() - dt.timedelta(days=now.weekday())
        if self.week is None:
            self.notify("This is the current week; the review has nothing after it.", timeout=3)
            return
        following = self.week + dt.timedelta(weeks=1)
        self._go_to(None if following >= this_monday else following)

    def action_this_week(self) -> None:
        if self.week is not None:
            self._go_to(None)

    # --- suggestion ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("accept", "reject"):
            panels = self.query(SuggestionPanel)
            # None: shown dimmed in the footer while there is nothing to accept.
            return True if panels and panels.first().offered else None
        return True

    def action_accept(self) -> None:
        panel = self.query_one(SuggestionPanel)
        if panel.offered:
            panel.accept()
        else:
            self.notify("No reweighting suggestion to accept this week.", timeout=3)

    def action_reject(self) -> None:
        panel = self.query_one(SuggestionPanel)
        if panel.offered:
            panel.reject()
        else:
            self.notify("No reweighting suggestion to reject this week.", timeout=3)

    @on(SuggestionPanel.Accepted)
    def _accept(self, event: SuggestionPanel.Accepted) -> None:
        data = self.data
        if data is None or self._applying:
            return
        self._applying = True
        self._draw_suggestion()
        source, suggestion, at = self.focusplan.source, event.suggestion, clock.now()
        based_on = data.weights.version

        def change() -> Outcome:
            try:
                return actions.accept_suggestion(source, suggestion, based_on=based_on, at=at)
            finally:
                self.post_message(self.AcceptFinished())

        self.focusplan.run_change(change)

    @on(AcceptFinished)
    def _accept_finished(self) -> None:
        self._applying = False
        self._draw_suggestion()

    @on(SuggestionPanel.Rejected)
    def _reject(self, event: SuggestionPanel.Rejected) -> None:
        data = self.data
        if data is None:
            return
        self._rejected.add(suggestion_key(data.monday, event.suggestion))
        self._draw_suggestion()
        source, suggestion, based_on = self.focusplan.source, event.suggestion, data.weights.version
        self.focusplan.run_change(
            lambda: actions.reject_suggestion(source, suggestion, based_on=based_on)
        )

    # --- stale tasks --------------------------------------------------------------------

    @on(StaleList.DropRequested)
    def _drop(self, event: StaleList.DropRequested) -> None:
        source, task_id, at = self.focusplan.source, event.task_id, clock.now()
        self.focusplan.run_change(lambda: actions.drop(source, task_id, at))

    @on(StaleList.KeepRequested)
    def _keep(self, event: StaleList.KeepRequested) -> None:
        self._kept.add(event.task_id)
        self._draw_stale()

    def selected_task_id(self) -> int | None:
        lists = self.query(StaleList)
        return lists.first().selected_task_id if lists else None
