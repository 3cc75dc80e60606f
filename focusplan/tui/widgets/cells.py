"""How task values look in a table cell or a panel line (Rich `Text`, styles passed in).

Widgets pass their component styles in, so colours stay in CSS and follow the theme.
"""

from __future__ import annotations

import datetime as dt

from rich.style import Style
from rich.text import Text

from focusplan.timeparse import format_duration

EIGHTHS = " ▏▎▍▌▋▊▉█"
SPARK = "▁▂▃▄▅▆▇█"


def score_bar(fraction: float, width: int, style: Style | str = "") -> Text:
    """A left-aligned bar of `width` cells filled to `fraction` (0..1), in eighths."""
    fraction = min(1.0, max(0.0, fraction))
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (EIGHTHS[part] if part else "")
    text = Text()
    text.append(bar.ljust(width), style=style)  # a span, so text appended later keeps its own style
    return text


def signed_bar(
    value: float,
    scale: float,
    half_width: int,
    positive: Style | str = "",
    negative: Style | str = "",
    axis: Style | str = "",
) -> Text:
    """A bar that grows right for positive values and left for negative ones, around an axis."""
    size = 0.0 if scale <= 0 else min(1.0, abs(value) / scale)
    cells = size * half_width
    full = int(cells)
    rest = cells - full
    text = Text()
    if value < 0:
        # Eighth blocks are left-aligned glyphs, so a leftward bar only gets a half-cell tip.
        tip = "▐" if rest >= 0.5 else ""
        bar = tip + "█" * full
        text.append(bar.rjust(half_width), style=negative)
        text.append("│", style=axis)
        text.append(" " * half_width)
    else:
        part = EIGHTHS[round(rest * 8)] if round(rest * 8) else ""
        bar = "█" * full + part
        text.append(" " * half_width)
        text.append("│", style=axis)
        text.append(bar.ljust(half_width)[:half_width], style=positive)
    return text


def truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def relative_due(due: dt.datetime | None, at: dt.datetime) -> tuple[str, str]:
    """A short due label and its urgency ("overdue", "soon", "later" or "")."""
    if due is None:
        return "", ""
    local = due.astimezone(at.tzinfo)
    if local < at:
        late = at - local
        if late < dt.timedelta(days=1):
            return f"late {max(1, int(late.total_seconds() // 3600))}h", "overdue"
        return f"late {late.days}d", "overdue"
    days = (local.date() - at.date()).days
    if days == 0:
        return f"{local:%H:%M}", "soon"
    if days == 1:
        return "tomorrow", "soon"
    if days < 7:
        return f"{local:%a}", "later"
    return f"{local:%d %b}", "later"


def minutes_label(minutes: float | None) -> str:
    """Durations as everywhere else (`format_duration`), so a shown value can be typed back."""
    return "" if minutes is None else format_duration(minutes)


def spark(levels: list[float], low: float = 1.0, high: float = 5.0) -> str:
    """Block characters for levels on a fixed scale (so a flat day looks flat)."""
    chars = []
    for level in levels:
        share = 0.0 if high <= low else (min(high, max(low, level)) - low) / (high - low)
        chars.append(SPARK[min(len(SPARK) - 1, round(share * (len(SPARK) - 1)))])
    return "".join(chars)


ENERGY_WORDS = {1: "drained", 2: "low", 3: "okay", 4: "good", 5: "peak"}


def energy_word(level: float) -> str:
    return ENERGY_WORDS[min(5, max(1, round(level)))]
