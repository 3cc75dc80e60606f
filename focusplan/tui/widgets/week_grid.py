"""A week as day columns on one clock grid: blocks, events, breaks, dues and energy.

Rows are slots of `slot` minutes (15, 30 or 60: the smallest that fits the height),
columns are the days shown. A cell shows the block that starts in its slot (with
`+N` when more do) or the block still running through it, so a 10-minute break
never falls between two rows. The first cell of each column is the predicted
energy of that hour, as a coloured bar glyph. The cursor walks the focus blocks
and events: ←/→ between days, ↑/↓ within one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from focusplan.domain import PlanBlock
from focusplan.services.week import WeekDay, WeekView
from focusplan.tui.widgets.cells import SPARK, minutes_label, truncate

GUTTER = 6  # "09:00 " (or "10:00▶" on the row holding now)
MIN_COLUMN = 11
HEADER_ROWS = 2
SLOTS = (15, 30, 60)
NAVIGABLE = frozenset({"focus", "event"})


def fit(text: str, width: int) -> str:
    """`text` cut or padded to exactly `width` characters."""
    return truncate(text, width).ljust(width) if width > 0 else ""


def slot_minutes(hours: int, rows: int) -> int:
    """The finest slot that shows `hours` hours in `rows` rows (60 when none does)."""
    for slot in SLOTS:
        if hours * 60 // slot <= rows:
            return slot
    return SLOTS[-1]


def shown_days(days: Sequence[WeekDay], all_days: bool) -> list[WeekDay]:
    """Working days unless all seven are asked for (or the week has no working day)."""
    working = [day for day in days if day.works]
    return list(days) if all_days or not working else working


def window(count: int, room: int, around: int) -> range:
    """Which of `count` columns fit in `room`, keeping column `around` in view."""
    if room >= count:
        return range(count)
    start = min(max(0, around - room // 2), count - room)
    return range(start, start + room)


@dataclass(frozen=True)
class Cursor:
    day: dt.date
    index: int  # among the day's navigable blocks


class WeekGrid(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "move_day(-1)", "Day before", show=False, tooltip="the day before"),
        Binding("right,l", "move_day(1)", "Day after", show=False, tooltip="the day after"),
        Binding("down,j", "move(1)", "Next", show=False, tooltip="next block or event that day"),
        Binding(
            "up,k", "move(-1)", "Previous", show=False, tooltip="previous block or event that day"
        ),
        Binding("enter", "select", "Open", show=False, tooltip="open the highlighted block's task"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "week-grid--focus",
        "week-grid--break",
        "week-grid--event",
        "week-grid--cursor",
        "week-grid--today",
        "week-grid--off",
        "week-grid--due",
        "week-grid--now",
        "week-grid--dim",
        "week-grid--low",
        "week-grid--okay",
        "week-grid--good",
    }
    DEFAULT_CSS = """
    WeekGrid {
        height: 1fr;
        & > .week-grid--focus { background: $primary 35%; }
        & > .week-grid--break { color: $text-muted; }
        & > .week-grid--event { background: $warning 30%; }
        & > .week-grid--cursor { background: $accent; color: $text; text-style: bold; }
        & > .week-grid--today { color: $text-accent; text-style: bold reverse; }
        & > .week-grid--off { color: $text-disabled; }
        & > .week-grid--due { color: $text-error; text-style: bold; }
        & > .week-grid--now { color: $text-accent; text-style: bold; }
        & > .week-grid--dim { color: $text-muted; }
        & > .week-grid--low { color: $error; }
        & > .week-grid--okay { color: $warning; }
        & > .week-grid--good { color: $success; }
    }
    """

    view: reactive[WeekView | None] = reactive(None, always_update=True)
    all_days: reactive[bool] = reactive(False)
    cursor: reactive[Cursor | None] = reactive(None)

    @dataclass
    class Highlighted(Message):
        grid: WeekGrid
        day: WeekDay | None
        block: PlanBlock | None

        @property
        def control(self) -> WeekGrid:
            return self.grid

    @dataclass
    class Selected(Message):
        grid: WeekGrid
        block: PlanBlock

        @property
        def control(self) -> WeekGrid:
            return self.grid

    # --- what is shown ------------------------------------------------------------------

    def days(self) -> list[WeekDay]:
        return shown_days(self.view.days, self.all_days) if self.view is not None else []

    def _navigable(self, day: WeekDay) -> list[PlanBlock]:
        return [block for block in day.blocks if block.kind in NAVIGABLE]

    @property
    def highlighted_day(self) -> WeekDay | None:
        if self.view is None or self.cursor is None:
            return None
        return self.view.day(self.cursor.day)

    @property
    def highlighted_block(self) -> PlanBlock | None:
        day = self.highlighted_day
        if day is None or self.cursor is None:
            return None
        blocks = self._navigable(day)
        return blocks[self.cursor.index] if 0 <= self.cursor.index < len(blocks) else None

    def watch_view(self) -> None:
        self._place_cursor()

    def watch_all_days(self) -> None:
        self._place_cursor()

    def watch_cursor(self) -> None:
        self.post_message(self.Highlighted(self, self.highlighted_day, self.highlighted_block))

    def _place_cursor(self) -> None:
        """Keep the cursor's day and block where they still exist; otherwise today, or the first day."""
        days = self.days()
        if not days or self.view is None:
            self.cursor = None
            return
        old = self.cursor
        by_day = {day.day: day for day in days}
        if old is not None and old.day in by_day:
            count = len(self._navigable(by_day[old.day]))
            self.cursor = Cursor(old.day, min(old.index, max(0, count - 1)))
            return
        today = self.view.today
        target = by_day.get(today) or days[0]
        self.cursor = Cursor(target.day, self._first_ahead(target, self.view.at))

    def _first_ahead(self, day: WeekDay, now: dt.datetime) -> int:
        blocks = self._navigable(day)
        for index, block in enumerate(blocks):
            if block.end > now:
                return index
        return max(0, len(blocks) - 1)

    # --- keys ---------------------------------------------------------------------------

    def action_move_day(self, step: int) -> None:
        days = self.days()
        if not days or self.cursor is None:
            return
        order = [day.day for day in days]
        position = order.index(self.cursor.day) if self.cursor.day in order else 0
        target = days[max(0, min(len(days) - 1, position + step))]
        # Land on the block nearest in time to the one left, so → keeps the hour.
        current = self.highlighted_block
        blocks = self._navigable(target)
        index = 0
        if current is not None and blocks and self.view is not None:
            zone = self.view.at.tzinfo
            minute = _clock_minutes(current.start, zone)
            index = min(
                range(len(blocks)),
                key=lambda i: abs(_clock_minutes(blocks[i].start, zone) - minute),
            )
        self.cursor = Cursor(target.day, index)

    def action_move(self, step: int) -> None:
        day = self.highlighted_day
        if day is None or self.cursor is None:
            return
        count = len(self._navigable(day))
        if count:
            self.cursor = Cursor(day.day, max(0, min(count - 1, self.cursor.index + step)))

    def action_select(self) -> None:
        block = self.highlighted_block
        if block is not None:
            self.post_message(self.Selected(self, block))

    # --- drawing ------------------------------------------------------------------------

    def render(self) -> RenderableType:
        view = self.view
        if view is None:
            return Text("")
        width, height = self.size.width, self.size.height
        days = self.days()
        room = max(1, (width - GUTTER) // MIN_COLUMN)
        order = [day.day for day in days]
        around = order.index(self.cursor.day) if self.cursor and self.cursor.day in order else 0
        columns = [days[i] for i in window(len(days), room, around)]
        column_width = max(MIN_COLUMN, (width - GUTTER) // max(1, len(columns)))
        hours = view.hours
        slot = slot_minutes(len(hours), max(1, height - HEADER_ROWS))
        style = self.get_component_rich_style
        lines = self._header(view, columns, column_width, len(days) > len(columns))
        zone = view.at.tzinfo
        first = hours[0] if hours else 9
        slots = len(hours) * 60 // slot
        cursor_block = self.highlighted_block
        for row in range(slots):
            minute = first * 60 + row * slot
            line = Text()
            start_of = dt.time(minute // 60 % 24, minute % 60)
            now_here = any(
                day.day == view.today and _in_slot(view.at, day.day, start_of, slot, zone)
                for day in columns
            )
            if now_here:
                line.append(f"{start_of:%H:%M}▶", style=style("week-grid--now"))
            elif minute % 60 == 0 or slot >= 60:
                line.append(f"{start_of:%H:%M} ", style=style("week-grid--dim"))
            else:
                line.append(" " * GUTTER)
            for day in columns:
                start = dt.datetime.combine(day.day, start_of, tzinfo=zone)
                level = _hour_level(day, hours, start.hour)
                line.append_text(self._energy_glyph(level))
                line.append_text(
                    self._cell(day, start, slot, column_width - 2, cursor_block, view.at)
                )
                line.append(" ")
            lines.append(line)
        text = Text("\n").join(lines)
        text.no_wrap = True
        text.overflow = "crop"
        return text

    def _header(self, view: WeekView, columns: list[WeekDay], width: int, more: bool) -> list[Text]:
        style = self.get_component_rich_style
        names = Text(" " * GUTTER)
        sums = Text(" " * GUTTER if not more else "◂ ▸  ", style=style("week-grid--dim"))
        if more:
            sums.append(" ")
        for day in columns:
            label = f"{day.day:%a %d}" + (" today" if day.day == view.today else "")
            if day.day == view.today:
                names.append(fit(" " + label, width - 1), style=style("week-grid--today"))
                names.append(" ")
            else:
                names.append(
                    fit(" " + label + ("" if day.works else " off"), width),
                    style=style("week-grid--dim" if day.works else "week-grid--off"),
                )
            focus = sum(block.minutes for block in day.blocks if block.kind == "focus")
            summary = Text(" ")
            # A narrow column keeps the numbers and drops the words.
            wide = width >= 20
            focus_words = f"{minutes_label(focus)}{' focus' if wide else ''}" if focus else ""
            summary.append(focus_words or ("" if day.works else "—"), style=style("week-grid--dim"))
            if day.dues:
                due = f" ◆{len(day.dues)}" + (" due" if wide or not focus else "")
                summary.append(due, style=style("week-grid--due"))
            summary.truncate(width, pad=True)
            sums.append_text(summary)
        return [names, sums]

    def _energy_glyph(self, level: float | None) -> Text:
        if level is None:
            return Text(" ")
        share = (min(5.0, max(1.0, level)) - 1) / 4
        glyph = SPARK[min(len(SPARK) - 1, round(share * (len(SPARK) - 1)))]
        name = (
            "week-grid--low"
            if level < 2.5
            else "week-grid--okay"
            if level < 3.5
            else "week-grid--good"
        )
        return Text(glyph, style=self.get_component_rich_style(name))

    def _cell(
        self,
        day: WeekDay,
        start: dt.datetime,
        slot: int,
        width: int,
        cursor_block: PlanBlock | None,
        now: dt.datetime,
    ) -> Text:
        style = self.get_component_rich_style
        end = start + dt.timedelta(minutes=slot)
        starting = [block for block in day.blocks if start <= block.start < end]
        # The row's block: one starting here (focus and events first), else one running through.
        starting.sort(key=lambda block: (block.kind == "break", block.start))
        running = [block for block in day.blocks if block.start < start < block.end]
        due_here = any(start <= task.due < end for task in day.dues if task.due is not None)
        room = width - (1 if due_here else 0)
        text: Text
        if starting:
            block = starting[0]
            extra = f" +{len(starting) - 1}" if len(starting) > 1 else ""
            label = _label(block, room - len(extra), start.tzinfo)
            text = Text(fit(label + extra, room))
            text.stylize(self._block_style(block, cursor_block))
        elif running:
            block = running[-1]
            bar = "┃" if block.kind == "event" else "│" if block.kind == "focus" else "┊"
            text = Text(fit(bar, room))
            text.stylize(self._block_style(block, cursor_block))
        else:
            dot = "·" if day.works and start.minute == 0 else ""
            text = Text(
                fit(dot, room), style=style("week-grid--off" if not day.works else "week-grid--dim")
            )
        if due_here:
            text.append("◆", style=style("week-grid--due"))
        return text

    def _block_style(self, block: PlanBlock, cursor_block: PlanBlock | None) -> Style:
        if cursor_block is not None and block is cursor_block:
            return self.get_component_rich_style("week-grid--cursor")
        return self.get_component_rich_style(f"week-grid--{block.kind}")


def _label(block: PlanBlock, width: int, zone: dt.tzinfo | None) -> str:
    if block.kind == "break":
        return "┄ break"
    title = " ".join(block.title.split())  # a newline in a title must not break the grid
    if block.kind == "event":
        return "┃" + (title or "event")
    return f"{block.start.astimezone(zone):%H:%M} {title}" if width >= 24 else title


def _clock_minutes(moment: dt.datetime, zone: dt.tzinfo | None) -> int:
    local = moment.astimezone(zone)
    return local.hour * 60 + local.minute


def _hour_level(day: WeekDay, hours: Sequence[int], hour: int) -> float | None:
    if hour not in hours:
        return None
    index = list(hours).index(hour)
    return day.energy[index] if index < len(day.energy) else None


def _in_slot(
    moment: dt.datetime, day: dt.date, start: dt.time, slot: int, zone: dt.tzinfo | None
) -> bool:
    begin = dt.datetime.combine(day, start, tzinfo=zone)
    return begin <= moment < begin + dt.timedelta(minutes=slot)
