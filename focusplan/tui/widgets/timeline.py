"""A day plan as a vertical timeline, with the predicted energy drawn on the same rows.

Rows follow the blocks rather than a strict clock grid: a block gets one row per
`slot` minutes (at least one, so a 10-minute break never disappears) and free
time is cut into rows on the quarter hours. Every row knows the span it stands
for and the energy column is sampled per row, so the curve lines up with the
blocks by construction, however the rows fall.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from focusplan.domain import PlanBlock
from focusplan.tui.widgets.cells import energy_word, minutes_label, score_bar

SLOT_MINUTES = 15
GUTTER = 2  # the now marker
TIME_WIDTH = 6  # "HH:MM "
BAR_WIDTH = 2  # the block's bar and a space
ENERGY_BAR = 12
ENERGY_WIDTH = 2 + 4 + ENERGY_BAR  # "│ " + "4.0 " + bar
# A focus block's bar shows the task's demand by how full it is (its colour is the energy).
DEMAND_BARS = {"high": "█", "medium": "▓", "low": "░"}
NAVIGABLE = frozenset({"focus", "event"})
# Below this many cells for a block's words, its first line drops the energy word and length.
WIDE_LINE = 72


@dataclass(frozen=True)
class TimelineRow:
    """One line of the timeline: the span it stands for, and the block it belongs to."""

    start: dt.datetime
    end: dt.datetime
    block: int | None = None  # index into the blocks; None for free time
    line: int = 0  # 0 on a block's first row
    lines: int = 1  # how many rows the block has

    def holds(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def middle(self) -> dt.datetime:
        return self.start + (self.end - self.start) / 2


def layout_rows(
    blocks: Sequence[PlanBlock],
    window: tuple[dt.datetime, dt.datetime],
    slot_minutes: int = SLOT_MINUTES,
) -> list[TimelineRow]:
    """Rows for `blocks` (in time order) across `window`, extended to hold every block."""
    slot = dt.timedelta(minutes=slot_minutes)
    start, end = window
    if blocks:
        start = min(start, blocks[0].start)
        end = max(end, max(block.end for block in blocks))
    rows: list[TimelineRow] = []
    cursor = start
    for index, block in enumerate(blocks):
        if block.start > cursor:
            rows += _free_rows(cursor, block.start, slot)
        count = max(1, round(block.minutes / slot_minutes))
        step = (block.end - block.start) / count
        rows += [
            TimelineRow(block.start + step * k, block.start + step * (k + 1), index, k, count)
            for k in range(count)
        ]
        cursor = max(cursor, block.end)
    if end > cursor:
        rows += _free_rows(cursor, end, slot)
    return rows


def _free_rows(start: dt.datetime, end: dt.datetime, slot: dt.timedelta) -> list[TimelineRow]:
    """Free time cut on the slot grid (9:00, 9:15 …); a sliver shorter than half a slot
    joins its neighbour, and free time shorter than that gets no row at all."""
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    cuts = [start]
    grid = midnight + slot * (int((start - midnight) / slot) + 1)
    while grid < end:
        cuts.append(grid)
        grid += slot
    cuts.append(end)
    spans = list(pairwise(cuts))
    half = slot / 2
    if len(spans) > 1 and spans[0][1] - spans[0][0] < half:
        spans[:2] = [(spans[0][0], spans[1][1])]
    if len(spans) > 1 and spans[-1][1] - spans[-1][0] < half:
        spans[-2:] = [(spans[-2][0], spans[-1][1])]
    return [TimelineRow(a, b) for a, b in spans if b - a >= half]


@dataclass(frozen=True)
class TimelineData:
    """Everything the timeline draws, handed down whole by the screen."""

    blocks: tuple[PlanBlock, ...] = ()
    rows: tuple[TimelineRow, ...] = ()
    energy: tuple[float | None, ...] = ()  # predicted level per row
    now: dt.datetime | None = None  # only when the day shown is today
    demand: Mapping[int, str] = field(default_factory=dict)  # task id -> demand
    status: Mapping[int, str] = field(default_factory=dict)  # task id -> status
    focusing: int | None = None  # the task of the running session
    now_row: int | None = None  # the row that holds `now`

    @classmethod
    def build(
        cls,
        blocks: Sequence[PlanBlock],
        window: tuple[dt.datetime, dt.datetime],
        level_at: Callable[[dt.datetime], float | None],
        *,
        now: dt.datetime | None = None,
        demand: Mapping[int, str] | None = None,
        status: Mapping[int, str] | None = None,
        focusing: int | None = None,
        zone: dt.tzinfo | None = None,
    ) -> TimelineData:
        """Rows for `blocks` across `window`, each with its level from `level_at`; times
        are shown in `zone` (the blocks' own zone when None)."""
        local = [
            block.model_copy(
                update={"start": block.start.astimezone(zone), "end": block.end.astimezone(zone)}
            )
            if zone is not None
            else block
            for block in blocks
        ]
        ordered = tuple(sorted(local, key=lambda block: (block.start, block.end)))
        if zone is not None:
            window = (window[0].astimezone(zone), window[1].astimezone(zone))
        rows = tuple(layout_rows(ordered, window))
        return cls(
            blocks=ordered,
            rows=rows,
            energy=tuple(level_at(row.middle) for row in rows),
            now=now,
            demand=dict(demand or {}),
            status=dict(status or {}),
            focusing=focusing,
            now_row=None
            if now is None
            else next((i for i, row in enumerate(rows) if row.holds(now)), None),
        )

    def block_rows(self, block: int) -> tuple[int, int]:
        """First and last row of a block."""
        lines = [i for i, row in enumerate(self.rows) if row.block == block]
        return (lines[0], lines[-1]) if lines else (0, 0)


def block_key(block: PlanBlock) -> tuple[dt.datetime, str, int | None]:
    """What identifies a block across reloads of the same plan."""
    return (block.start, block.kind, block.task_id)


class Timeline(ScrollView, can_focus=True):
    """The plan's blocks, one row per quarter hour, beside the energy predicted for each row.

    Attributes down (`show`), messages up: `Highlighted` when the cursor moves to
    another block, `Selected` on Enter. The cursor visits focus blocks and events.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", "Next block", show=False),
        Binding("up,k", "move(-1)", "Previous block", show=False),
        Binding("home", "edge(0)", "First block", show=False),
        Binding("end", "edge(-1)", "Last block", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("enter", "select", "Edit task", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--header",
        "timeline--time",
        "timeline--dim",
        "timeline--past",
        "timeline--now",
        "timeline--low",
        "timeline--mid",
        "timeline--high",
        "timeline--event",
        "timeline--done",
        "timeline--cursor",
        "timeline--cursor-blurred",
    }
    DEFAULT_CSS = """
    Timeline {
        background: $surface;
        scrollbar-size-vertical: 1;
        & > .timeline--header { color: $text-muted; text-style: bold; }
        & > .timeline--time { color: $text; }
        & > .timeline--dim { color: $text-muted; }
        & > .timeline--past { color: $text-disabled; }
        & > .timeline--now { color: $accent; text-style: bold; }
        & > .timeline--low { color: $error; }
        & > .timeline--mid { color: $warning; }
        & > .timeline--high { color: $success; }
        & > .timeline--event { color: $text-primary; }
        & > .timeline--done { color: $success; }
        & > .timeline--cursor { background: $block-cursor-background; }
        & > .timeline--cursor-blurred { background: $block-cursor-blurred-background; }
    }
    """

    cursor: reactive[int | None] = reactive(None)

    @dataclass
    class Highlighted(Message):
        timeline: Timeline
        block: PlanBlock | None

        @property
        def control(self) -> Timeline:
            return self.timeline

    @dataclass
    class Selected(Message):
        timeline: Timeline
        block: PlanBlock

        @property
        def control(self) -> Timeline:
            return self.timeline

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.data = TimelineData()

    # --- attributes down ----------------------------------------------------------------

    def show(self, data: TimelineData, *, keep: bool = True) -> None:
        """Draw `data`; `keep` holds the cursor on the same block when it is still there,
        otherwise the cursor goes to the block under way (or the next one) on today,
        and to the first block on other days."""
        previous = self.highlighted_block if keep else None
        self.data = data
        self.virtual_size = Size(0, len(data.rows) + 1)
        wanted = None
        if previous is not None:
            key = block_key(previous)
            wanted = next((i for i, b in enumerate(data.blocks) if block_key(b) == key), None)
        cursor = wanted if wanted is not None else self._first_cursor()
        self.set_reactive(Timeline.cursor, cursor)
        # After the next layout: the first time, this widget may not have its size yet.
        self.call_after_refresh(self._scroll_to_cursor, start=wanted is None)
        # Always, not only when the cursor moved: the block itself may have changed (done).
        self.post_message(self.Highlighted(self, self.highlighted_block))
        self.refresh()

    @property
    def highlighted_block(self) -> PlanBlock | None:
        cursor = self.cursor
        if cursor is None or not 0 <= cursor < len(self.data.blocks):
            return None
        return self.data.blocks[cursor]

    def _stops(self) -> list[int]:
        """The blocks the cursor visits: focus blocks and events (a break has nothing to
        act on, and stepping over each one would double the keystrokes)."""
        return [i for i, block in enumerate(self.data.blocks) if block.kind in NAVIGABLE]

    def _first_cursor(self) -> int | None:
        stops = self._stops()
        if not stops:
            return None
        now = self.data.now
        if now is not None:
            ahead = [i for i in stops if self.data.blocks[i].end > now]
            return ahead[0] if ahead else stops[-1]
        focus = [i for i in stops if self.data.blocks[i].kind == "focus"]
        return (focus or stops)[0]

    # --- moving -------------------------------------------------------------------------

    def watch_cursor(self, cursor: int | None) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, self.highlighted_block))

    def action_move(self, step: int) -> None:
        stops = self._stops()
        if not stops:
            return
        if self.cursor not in stops:
            self.cursor = stops[0]
            return
        index = stops.index(self.cursor) + step
        self.cursor = stops[min(max(index, 0), len(stops) - 1)]

    def action_edge(self, end: int) -> None:
        stops = self._stops()
        if stops:
            self.cursor = stops[end]

    def action_page(self, direction: int) -> None:
        stops = self._stops()
        if not stops or self.cursor is None:
            return
        first, _ = self.data.block_rows(self.cursor)
        target = first + direction * max(1, self._rows_shown() - 1)
        rows = [self.data.block_rows(i)[0] for i in stops]
        if direction > 0:
            chosen = next((i for i, row in zip(stops, rows, strict=True) if row >= target), None)
            self.cursor = chosen if chosen is not None else stops[-1]
        else:
            before = [i for i, row in zip(stops, rows, strict=True) if row <= target]
            self.cursor = before[-1] if before else stops[0]

    def action_select(self) -> None:
        block = self.highlighted_block
        if block is not None:
            self.post_message(self.Selected(self, block))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        index = event.y - 1 + round(self.scroll_y)
        if 0 <= index < len(self.data.rows):
            block = self.data.rows[index].block
            if block is not None and block in self._stops():
                self.cursor = block

    def on_focus(self, event: events.Focus) -> None:
        self.refresh()  # the cursor's colour says whether keys go here

    def on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def _rows_shown(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # less the header

    def _scroll_to_cursor(self, *, start: bool = False) -> None:
        """Keep the cursor's block in view; `start` also shows a little before it."""
        if self.cursor is None:
            if start:
                self.scroll_to(y=0, animate=False, immediate=True)
            return
        first, last = self.data.block_rows(self.cursor)
        shown = self._rows_shown()
        top = round(self.scroll_y)
        if start:
            target = max(0, first - 2)
        elif first < top:
            target = first
        elif last > top + shown - 1:
            target = min(first, last - shown + 1)
        else:
            return
        self.scroll_to(y=target, animate=False, immediate=True)

    # --- drawing ------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        # Colour and text style only (blended against the background, so `$text-muted`
        # stays muted), leaving the background to the row: the cursor paints it.
        full = self.get_component_rich_style(f"timeline--{name}")
        return Style(color=full.color, bold=full.bold, italic=full.italic, dim=full.dim)

    def _level_style(self, level: float) -> Style:
        return self._style("low" if level < 2.5 else "mid" if level < 3.5 else "high")

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._strip(self._header(width), width, base)
        index = y - 1 + round(self.scroll_y)
        if not 0 <= index < len(self.data.rows):
            return Strip.blank(width, base)
        row = self.data.rows[index]
        text = self._row(index, row, width)
        if row.block is not None and row.block == self.cursor:
            name = "timeline--cursor" if self.has_focus else "timeline--cursor-blurred"
            cursor = self.get_component_rich_style(name)
            # The block's side only: the energy column stays one clean curve.
            text.stylize(Style(bgcolor=cursor.bgcolor), 0, max(0, width - ENERGY_WIDTH))
        return self._strip(text, width, base)

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        line = Text(style=base, end="")
        line.append_text(text)
        line.truncate(width, overflow="ellipsis", pad=True)
        return Strip(list(line.render(self.app.console)), width).crop_extend(0, width, base)

    def _header(self, width: int) -> Text:
        style = self._style("header")
        left = width - ENERGY_WIDTH
        text = Text(" " * GUTTER + "time".ljust(TIME_WIDTH + BAR_WIDTH) + "block", style=style)
        text.truncate(left, pad=True)
        text.append("│ ", style=self._style("dim"))
        text.append("predicted energy", style=style)
        return text

    def _row(self, index: int, row: TimelineRow, width: int) -> Text:
        data = self.data
        now = data.now
        past = now is not None and row.end <= now
        left = width - ENERGY_WIDTH
        text = Text()
        if index == data.now_row:
            text.append("▶ ", style=self._style("now"))
        else:
            text.append(" " * GUTTER)
        block = data.blocks[row.block] if row.block is not None else None
        time_style = self._style("past" if past else "time" if block else "dim")
        label = f"{row.start:%H:%M}" if row.line == 0 else ""
        text.append(label.ljust(TIME_WIDTH), style=time_style)
        body = self._block_cells(block, row, left - GUTTER - TIME_WIDTH, past)
        text.append_text(body)
        text.truncate(left, overflow="ellipsis", pad=True)
        text.append_text(
            self._energy_cell(data.energy[index] if index < len(data.energy) else None)
        )
        return text

    def _block_cells(
        self, block: PlanBlock | None, row: TimelineRow, width: int, past: bool
    ) -> Text:
        """The bar and the words of one row of a block (or of free time)."""
        text = Text()
        if block is None:
            return text
        dim = self._style("dim")
        faded = self._style("past") if past else Style()
        if block.kind == "focus":
            task_id = block.task_id
            demand = self.data.demand.get(task_id, "medium") if task_id is not None else "medium"
            energy = block.energy
            bar_style = self._level_style(energy) if energy is not None else dim
            text.append(DEMAND_BARS.get(demand, "▓") + " ", style=faded or bar_style)
        elif block.kind == "event":
            text.append("┃ ", style=faded or self._style("event"))
        else:
            text.append("┊ ", style=dim)
        inner = width - BAR_WIDTH
        if row.line == 0:
            text.append_text(self._first_line(block, row, inner, past))
        elif row.line == 1 and block.kind == "focus":
            text.append_text(self._second_line(block, inner, past))
        return text

    def _first_line(self, block: PlanBlock, row: TimelineRow, width: int, past: bool) -> Text:
        dim = self._style("dim")
        faded = self._style("past") if past else Style()
        # In a narrow terminal the title needs the room more than the words around it.
        wide = width >= WIDE_LINE
        right = Text()
        if block.kind == "focus" and block.energy is not None:
            right.append(f"{block.energy:.1f} ", style=faded or self._level_style(block.energy))
            if wide:
                right.append(f"{energy_word(block.energy):<7} ", style=faded or dim)
        span = f"{block.start:%H:%M}–{block.end:%H:%M}"
        if wide:
            span += f" {minutes_label(block.minutes):>5}"
        right.append(span, style=faded or dim)
        left = Text()
        if block.kind == "focus":
            mark, mark_style = self._focus_mark(block)
            left.append(f"{mark} ", style=faded or mark_style)
            left.append(block.title, style=faded + Style(bold=True))
            if row.lines == 1 and block.reason:
                left.append(f" · {block.reason}", style=faded or dim)
        elif block.kind == "event":
            left.append("▣ ", style=faded or self._style("event"))
            left.append(block.title or "event", style=faded or self._style("event"))
        else:
            left.append(block.title or "Break", style=dim)
        room = max(0, width - right.cell_len - 2)
        left.truncate(room, overflow="ellipsis", pad=True)
        left.append(" ")
        left.append_text(right)
        left.append(" ")
        return left

    def _second_line(self, block: PlanBlock, width: int, past: bool) -> Text:
        style = self._style("past") if past else self._style("dim")
        demand = self.data.demand.get(block.task_id) if block.task_id is not None else None
        words = [w for w in (block.reason, f"{demand} demand" if demand else "") if w]
        text = Text("  " + " · ".join(words), style=style)
        text.truncate(width, overflow="ellipsis")
        return text

    def _focus_mark(self, block: PlanBlock) -> tuple[str, Style]:
        task_id = block.task_id
        status = self.data.status.get(task_id) if task_id is not None else None
        if status == "done":
            return "✓", self._style("done")
        if status == "dropped":
            return "✗", self._style("dim")
        if task_id is not None and task_id == self.data.focusing:
            return "◉", self._style("now")
        return "■", Style()

    def _energy_cell(self, level: float | None) -> Text:
        text = Text("│ ", style=self._style("dim"))
        if level is None:
            return text
        style = self._level_style(level)
        text.append(f"{level:.1f} ", style=style)
        text.append_text(score_bar((level - 1) / 4, ENERGY_BAR, style))
        return text
