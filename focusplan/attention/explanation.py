"""Why a task ranks where it does, in words a person reads.

The layer explains a logit as per-weight amounts (`forward(..., explain=True)`);
their names (`residual.deadline`, `attn.energy×demand`) are the model's, not the
person's. Here several weights that say the same thing are grouped into one
*topic* (``residual.deadline`` and ``attn.bias×deadline`` both mean "its
deadline"), and each topic gets a sentence that is *true of the situation*: it
states facts about the task and the moment (its due time, the energy now, the
last task done) and its direction follows the sign of the amount, so a task
never reads "waiting a while" when it was added a minute ago (it reads
"added 1 min ago" and counts against it).

Plain Python, no numpy: the CLI and the app import it cheaply.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from focusplan.attention.weights import (
    ATTENTION_ENTRIES,
    CROSS,
    HOUR_BIN_CENTRES,
    HOUR_BINS,
    PROJECT,
    WEEKDAYS,
    WEIGHT_NAMES,
)
from focusplan.domain import Task

__all__ = [
    "MAX_REASON_LENGTH",
    "WEIGHT_LABELS",
    "Facts",
    "lead_weight",
    "reason_text",
    "topic_of",
    "weight_label",
]

# Sentences are written to fit the app's why-panel in one line (the CLI has room).
MAX_REASON_LENGTH: Final[int] = 33

# --- generic labels (one per weight name; for lists of weights and suggestions) ----------

_FEATURE_LABELS: Final[dict[str, str]] = {
    "importance": "importance",
    "deadline": "deadline within days",
    "demand": "demanding work",
    "estimate": "quick tasks first",
    "age": "time it has waited",
    "unblocks": "unblocks other tasks",
    "in_progress": "the task in focus",
    "window_fit": "its preferred time of day",
    "due_soon": "due within hours",
    "quick_due": "quick and due soon",
    "same_project": "same project as the last task",
    "shared_tags": "like the last task (tags)",
    "fits_gap": "fits before the next meeting",
}
_DAY_NAMES: Final[dict[str, str]] = {
    "mon": "Mondays",
    "tue": "Tuesdays",
    "wed": "Wednesdays",
    "thu": "Thursdays",
    "fri": "Fridays",
    "sat": "Saturdays",
    "sun": "Sundays",
}
_HOUR_OF_BIN: Final[dict[str, int]] = dict(zip(HOUR_BINS, HOUR_BIN_CENTRES, strict=True))
# When a context feature is "on", with its preposition: "deep work {when}".
_CONTEXT_WHEN: Final[dict[str, str]] = {
    "energy": "when energy is high",
    "hour_sin": "in the morning",
    "hour_cos": "around midnight",
    "weekend": "at weekends",
    "day_left": "early in the day",
    "meeting_load": "before meetings",
    "after_meeting": "after a meeting",
    **{name: f"around {hour:02d}:00" for name, hour in _HOUR_OF_BIN.items()},
    **{name: f"on {_DAY_NAMES[name]}" for name in WEEKDAYS},
}
# What project-mates share, and what draws attention, as nouns.
_NOUNS: Final[dict[str, str]] = {
    "importance": "importance",
    "deadline": "deadlines",
    "unblocks": "blocking others",
    "in_progress": "the task in focus",
    "window_fit": "time windows",
}
# What project-mates share of the other features (learned weights; zero by default).
_VALUE_NOUNS: Final[dict[str, str]] = {
    "age": "waiting",
    "demand": "deep work",
    "estimate": "long work",
    "window_fit": "time fit",
    "due_soon": "urgency",
    "quick_due": "quick dues",
    "same_project": "same project",
    "shared_tags": "shared tags",
    "fits_gap": "gap fit",
}
_SCALAR_LABELS: Final[dict[str, str]] = {
    "self_affinity": "weight of task and moment fitting",
    "attention_gain": "weight of project-mates",
    "temperature": "how sharply the ranking picks",
}


def weight_label(name: str) -> str:
    """A plain label for a weight name, with no model jargon ("deep work with high energy")."""
    if name in _SCALAR_LABELS:
        return _SCALAR_LABELS[name]
    kind, _, term = name.partition(".")
    if kind == "residual":
        return _FEATURE_LABELS.get(term, term.replace("_", " "))
    if kind == "value":
        return (
            "a project-mate in focus" if term == "in_progress" else f"project-mates' {_noun(term)}"
        )
    if kind == "attn":
        query, _, key = term.partition(CROSS)
        if query == key == PROJECT:
            return "attention to project-mates"
        if query == "bias":
            return f"attention to {_noun(key)}"
        when = _CONTEXT_WHEN.get(query, query.replace("_", " "))
        if key == "demand":
            return f"deep work {when}"
        if key == "estimate":
            return f"long tasks {when}"
        return f"{_FEATURE_LABELS.get(key, key.replace('_', ' '))} {when}"
    return name.replace("_", " ")


def _noun(feature: str) -> str:
    return _NOUNS.get(feature) or _VALUE_NOUNS.get(feature) or feature.replace("_", " ")


WEIGHT_LABELS: Final[dict[str, str]] = {name: weight_label(name) for name in WEIGHT_NAMES}


_DUE: Final[str] = "due"
# Task features whose fit with the moment is said once: a task is one size and one kind
# of work, so "too light for your energy 4.0" beside "light work fits the afternoon"
# would read as a contradiction even when both amounts are right.
_FIT_KEYS: Final[frozenset[str]] = frozenset({"demand", "estimate"})


def topic_of(name: str) -> str:
    """The topic a weight's amount belongs to: weights that say the same thing share one.

    ``residual.f`` and ``attn.bias×f`` (a task feature drawing attention to itself)
    are both "its f"; the two deadline scales (days and hours) are one "due"; the
    task's demand and its estimate, with every fit of them to the moment
    (``attn.energy×demand``, ``attn.day_left×estimate``), are one topic each; every
    other weight is its own topic.
    """
    kind, _, term = name.partition(".")
    feature = None
    if kind == "residual":
        feature = term
    elif kind == "attn":
        query, _, key = term.partition(CROSS)
        if query == "bias" or (key in _FIT_KEYS and query != PROJECT):
            feature = key
    if feature is None:
        return name
    return _DUE if feature in ("deadline", "due_soon") else feature


def lead_weight(parts: Iterable[tuple[str, float]], total: float) -> str | None:
    """The weight that speaks for a topic: its largest part in the direction of the total.

    A topic's sentence is that weight's, so it is true of the topic's sign; `None`
    when no part points that way (the total is then zero).
    """
    sign = 1.0 if total >= 0 else -1.0
    best: str | None = None
    best_amount = 0.0
    for name, amount in parts:
        if sign * amount > best_amount:
            best, best_amount = name, sign * amount
    return best


# --- situation facts and sentences ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facts:
    """What the sentences may state about the moment (all known at `at`)."""

    at: dt.datetime
    energy: float
    day_hours_left: float
    last_title: str | None = None
    last_tags: frozenset[str] = frozenset()
    next_meeting_start: dt.datetime | None = None
    meeting_load: float = 0.0
    # Each task feature's mean over the eligible tasks: "long" means longer than that.
    typical: Mapping[str, float] = field(default_factory=dict)


def _span(minutes: float) -> str:
    minutes = abs(minutes)
    if minutes < 1:
        return "a moment"
    if minutes < 90:
        return f"{round(minutes)} min"
    hours = round(minutes / 30) / 2  # to the half hour: "2.5 h"
    if hours < 36:
        return f"{hours:g} h"
    days = round(hours / 24)
    if days < 730:
        return f"{days} days"
    return f"{round(days / 365.25)} years"


def _due_phrase(task: Task, at: dt.datetime) -> str:
    if task.due is None:
        return "no due date"
    minutes = (task.due - at).total_seconds() / 60
    if abs(minutes) < 1:
        return "due now"
    if minutes < 0:
        return f"overdue by {_span(minutes)}"
    if minutes < 12 * 60 or minutes > 48 * 60:
        # Beyond two days only the span matters, and a due date near year 9999 cannot
        # be moved into another zone without overflowing.
        return f"due in {_span(minutes)}"
    due = task.due.astimezone(at.tzinfo)
    if due.date() == at.date():
        return f"due today {due:%H:%M}"
    if due.date() == at.date() + dt.timedelta(days=1):
        return f"due tomorrow {due:%H:%M}"
    return f"due in {_span(minutes)}"


def _estimate(task: Task) -> str:
    return _span(task.estimate_minutes)


def _above(features: Mapping[str, float], facts: Facts, key: str) -> bool:
    """Is the task's feature at or above the eligible tasks' mean (deeper, longer)?"""
    return features.get(key, 0.0) >= facts.typical.get(key, 0.0)


def _work(task: Task) -> str:
    return {"high": "deep work", "low": "light work"}.get(task.demand, "medium work")


@lru_cache(maxsize=64)
def _meeting_phrase(start: dt.datetime | None, zone: dt.tzinfo | None) -> str:
    if start is None:
        return "the next meeting"
    return f"{start.astimezone(zone):%H:%M}"


def _meeting_at(facts: Facts) -> str:
    # Cached: one ranking asks for the same phrase for every task.
    return _meeting_phrase(facts.next_meeting_start, facts.at.tzinfo)


def _when(query: str, facts: Facts) -> str:
    """A context feature's moment in words: "fits {when}" / "too deep for {when}"."""
    if query == "hour_sin":
        return "the morning" if facts.at.hour < 12 else "the afternoon"
    if query in _HOUR_OF_BIN:
        return f"{facts.at:%H:%M} for you"
    if query in _DAY_NAMES:
        return f"your {_DAY_NAMES[query]}"
    if query == "after_meeting":
        return "after a meeting"
    if query == "weekend":
        return "the weekend"
    return "this hour"


def _interaction(
    query: str, key: str, up: bool, task: Task, features: Mapping[str, float], facts: Facts
) -> str:
    """A context × task-feature entry: deep/light work (demand), long/short (estimate)."""
    above = _above(features, facts, key)
    energy = f"your energy {facts.energy:.1f}"
    if key == "estimate":
        size = "long" if above else "short"
        if query == "day_left":
            left = _span(facts.day_hours_left * 60)
            return f"{size} ({_span(task.estimate_minutes)}), {left} left today"
        if query == "meeting_load":
            return f"{size} task, meetings soon"
        when = energy if query == "energy" else _when(query, facts)
        return f"{size} task fits {when}" if up else f"too {size} for {when}"
    if key == "demand":
        when = energy if query == "energy" else _when(query, facts)
        if up:
            return f"{_work(task)} fits {when}"
        return f"too {'deep' if above else 'light'} for {when}"
    label = _FEATURE_LABELS.get(key, key.replace("_", " "))
    when = _when(query, facts)
    return f"{label}: fits {when}" if up else f"{label}: not for {when}"


def _value_text(feature: str, up: bool, task: Task) -> str:
    # Who a task attends to: its project-mates, else tasks with its tags, else the
    # other tasks without project or tags (they share one signature).
    if task.project:
        group = "its project"
    elif task.tags:
        group = f"#{sorted(task.tags)[0]} tasks"
    else:
        group = "tasks like it"
    texts = {
        "importance": ("important work", "minor work"),
        "deadline": ("a deadline near", "no deadline near"),
        "unblocks": ("blocks others", "blocks nothing"),
        "in_progress": ("holds the focus", "not in focus"),
    }
    if feature in texts:
        return f"{group}: {texts[feature][0 if up else 1]}"
    label = _VALUE_NOUNS.get(feature, feature.replace("_", " "))
    return f"{group}: {label}" if up else f"{group}: less {label}"


def reason_text(
    topic: str,
    amount: float,
    task: Task,
    features: Mapping[str, float],
    facts: Facts,
    lead: str | None = None,
) -> str:
    """One sentence for a topic's amount (relative to the average task) on `task`.

    `features` are the task's token features by name. The direction of the sentence
    follows the sign of `amount`; its facts come from the task and `facts`. `lead` is
    the weight that speaks for a topic of several (`lead_weight`): for the task's
    demand and estimate, a fit to the moment is said as that fit.
    """
    up = amount >= 0
    at = facts.at
    if lead is not None and topic in _FIT_KEYS:
        query, _, key = lead.partition(".")[2].partition(CROSS)
        if lead.startswith("attn.") and key == topic and query not in ("bias", PROJECT):
            return _interaction(query, key, up, task, features, facts)
    if topic == _DUE:
        # The fact either way; the sign of the amount says whether it is more or less
        # pressing than the average task's.
        return _due_phrase(task, at)
    if topic == "quick_due":
        if up:
            return f"{_estimate(task)} and {_due_phrase(task, at)}"
        return "no due date" if task.due is None else f"takes {_estimate(task)}"
    if topic == "importance":
        return f"important ({task.importance}/5)" if up else f"less important ({task.importance}/5)"
    if topic == "estimate":
        # The size is the task's; the sign says whether it counts for or against it.
        size = "long" if _above(features, facts, "estimate") else "quick"
        return f"{size}: {_estimate(task)}"
    if topic == "age":
        waited = (at - task.created_at).total_seconds() / 60
        return f"open for {_span(waited)}" if up else f"added {_span(waited)} ago"
    if topic == "unblocks":
        count = round(math.expm1(features.get("unblocks", 0.0)))
        if count == 0:
            return "nothing waits on it"
        return f"unblocks {count} task{'s' if count != 1 else ''}" + ("" if up else " only")
    if topic == "in_progress":
        return "in focus now" if features.get("in_progress", 0.0) > 0 else "not the task in focus"
    if topic == "window_fit":
        if task.window is None:
            return "no preferred time of day"
        return f"its {task.window} window" if up else f"outside its {task.window} window"
    if topic == "demand":
        return f"you favour {_work(task)}" if up else f"you put off {_work(task)}"
    if topic == "same_project":
        if features.get("same_project", 0.0) > 0:
            return "same project as what you just did"
        return "not the project you were just on"
    if topic == "shared_tags":
        shared = sorted({t.casefold() for t in task.tags} & {t.casefold() for t in facts.last_tags})
        if shared and features.get("shared_tags", 0.0) > 0:
            return f"like what you just did (#{shared[0]})"
        return "unlike what you just did"
    if topic == "fits_gap":
        if facts.next_meeting_start is None:
            return "no meeting ahead"
        gap = (facts.next_meeting_start - at).total_seconds() / 60
        fits = features.get("fits_gap", 0.0) >= 0
        # The amount is against the average task: a task that does not fit can still
        # count for it (most fit worse), and one that fits against it (most fit better).
        if fits:
            if up:
                return f"fits before your {_meeting_at(facts)} meeting"
            return f"less room than most before {_meeting_at(facts)}"
        if up:
            return f"shorter than most before {_meeting_at(facts)}"
        return f"won't fit the {_span(gap)} before {_meeting_at(facts)}"
    kind, _, term = topic.partition(".")
    if kind == "value":
        return _value_text(term, up, task)
    if kind == "attn":
        query, _, key = term.partition(CROSS)
        if query == key == PROJECT:
            return "close to its project-mates"
        if (query, key) in ATTENTION_ENTRIES.values():
            return _interaction(query, key, up, task, features, facts)
    return weight_label(topic) if up else f"less: {weight_label(topic)}"
