"""The review in a person's words: weights named by what they do, rankings judged in choices.

Weight names (`attn.bias×deadline`) and metric names (MRR, hit@1) are the JSON's
keys; what a person reads on screen or in `review` text comes from here, so the
CLI and the TUI say the same thing and one function (`weight_in_words`) can be
switched to the attention package's own labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from focusplan.review.models import Metrics

# The attention package's labels, put in the review's grammar ("deep work on Mondays").
_GRAMMAR: Final[tuple[tuple[str, str], ...]] = (
    ("in around", "around"),
    ("in the weekend", "at the weekend"),
    *((f"in {day}", f"on {day}") for day in ("Mondays", "Tuesdays", "Wednesdays", "Thursdays",
                                             "Fridays", "Saturdays", "Sundays")),
)  # fmt: skip
# Labels that name a direction would read backwards with "counts more / less": these
# weights favour *long* tasks when positive, so the review names them so.
_OWN: Final[dict[str, str]] = {
    "residual.estimate": "long tasks",
    "value.estimate": "project-mates: long tasks",
}


def weight_in_words(name: str) -> str:
    """What weight `name` is about, in words ("deep work with high energy"), for any name.

    The attention package's `weight_label` where it reads right with `change_in_words`,
    the review's own words otherwise.
    """
    if name not in _OWN:
        from focusplan.attention.explanation import weight_label

        label = weight_label(name)
        for old, new in _GRAMMAR:
            label = label.replace(old, new)
        return label
    return _OWN[name]


# A person reads the biggest changes; the rest are named by count (JSON keeps them all).
SHOWN_CHANGES: Final[int] = 8


def main_changes(
    changes: Mapping[str, tuple[float, float]], shown: int = SHOWN_CHANGES
) -> tuple[list[tuple[str, float, float]], int]:
    """The `shown` largest changes, largest first, and how many smaller ones there are."""
    ordered = sorted(changes.items(), key=lambda item: (-abs(item[1][1] - item[1][0]), item[0]))
    return [(name, old, new) for name, (old, new) in ordered[:shown]], max(0, len(ordered) - shown)


def smaller_changes(count: int) -> str:
    return f"and {count} smaller adjustment{'s' if count != 1 else ''}"


def change_in_words(old: float, new: float) -> str:
    """How a weight moves, as a person would say it."""
    if new == 0 != old:  # the simple ranking turns reasons off
        return "no longer counts"
    if new < 0 <= old:
        return "now counts against"
    if new > 0 >= old:
        return "now counts for"
    return "counts more" if abs(new) > abs(old) else "counts less"


def top_picks(metrics: Metrics) -> int:
    """How many of the choices were the ranking's first pick (ties shared fairly, rounded)."""
    return round(metrics.hit_at_1 * metrics.choices)


def top_three(metrics: Metrics) -> int:
    return round(metrics.hit_at_3 * metrics.choices)


def choices_in_words(before: Metrics, after: Metrics | None = None) -> str:
    """'of your last 30 choices, 12 were its top pick' (and the new weights' count)."""
    picks = top_picks(before)
    verb = "was" if picks == 1 else "were"
    text = f"of your last {before.choices} choices, {picks} {verb} its top pick"
    if after is not None:
        text += f" ({top_picks(after)} with the new weights)"
    return text
