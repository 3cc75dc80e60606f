"""The review in a person's words: weights named by what they do, rankings judged in choices.

Weight names (`attn.bias×deadline`) and metric names (MRR, hit@1) are the JSON's
keys; what a person reads on screen or in `review` text comes from here, so the
CLI and the TUI say the same thing and one function (`weight_in_words`) can be
switched to the attention package's own labels.
"""

from __future__ import annotations

from typing import Final

from focusplan.review.models import Metrics

# What each weight of the defaults does, said as a reason to pick a task.
_WORDS: Final[dict[str, str]] = {
    "residual.importance": "important tasks",
    "residual.deadline": "near deadlines",
    "residual.demand": "demanding work",
    "residual.estimate": "long tasks",
    "residual.age": "tasks waiting a long time",
    "residual.unblocks": "tasks that unblock others",
    "residual.in_progress": "finishing what you started",
    "residual.window_fit": "a task's preferred hours",
    "attn.energy×demand": "deep work when fresh",
    "attn.hour_sin×demand": "deep work in the morning",
    "attn.weekend×demand": "demanding work at weekends",
    "attn.energy×estimate": "long tasks when fresh",
    "attn.day_left×estimate": "long tasks early in a day",
    "attn.meeting_load×estimate": "long tasks before meetings",
    "attn.bias×importance": "important tasks stand out",
    "attn.bias×deadline": "urgent tasks stand out",
    "attn.bias×unblocks": "key tasks stand out",
    "attn.bias×in_progress": "the started task in mind",
    "attn.bias×window_fit": "tasks in their hours",
    "attn.project×project": "staying within a project",
    "self_affinity": "fit with the moment",
    "attention_gain": "what related tasks bring",
    "temperature": "focus on the top task",
}
_FEATURE_WORDS: Final[dict[str, str]] = {
    "deadline": "near deadlines",
    "estimate": "long tasks",
    "in_progress": "started tasks",
    "meeting_load": "meetings",
    "window_fit": "time-of-day fit",
    "day_left": "time left in the day",
}


# A value weight: how much a neighbour's feature lifts a task ("related tasks' deadlines").
_VALUE_WORDS: Final[dict[str, str]] = {
    "deadline": "deadlines",
    "estimate": "size",
    "in_progress": "being started",
    "window_fit": "hours",
    "age": "age",
}


def _feature(name: str) -> str:
    return _FEATURE_WORDS.get(name, name.replace("_", " "))


def weight_in_words(name: str) -> str:
    """What weight `name` favours, in words ("near deadlines"), for any weight name."""
    if name in _WORDS:
        return _WORDS[name]
    kind, _, rest = name.partition(".")
    if kind == "residual":
        return _feature(rest)
    if kind == "value":
        return f"related tasks' {_VALUE_WORDS.get(rest, _feature(rest))}"
    if kind == "attn":
        query, _, key = rest.partition("×")
        if query == "bias":
            return f"{_feature(key)} stand out"
        return f"{_feature(key)} with {_feature(query)}"
    return name.replace("_", " ")


def change_in_words(old: float, new: float) -> str:
    """How a weight moves, as a person would say it."""
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
