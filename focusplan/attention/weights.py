"""The named parameters of the attention layer and their hand-set defaults.

This module is plain Python on purpose: the store's migration imports
`DEFAULT_WEIGHTS` to seed weights version 1, and the cold start of the CLI must
not pay for numpy just to read a dict. `focusplan.attention.features` and
`focusplan.attention.layer` build arrays from the names declared here.

Naming scheme (also the keys of a ranking's explanation):

- ``residual.<feature>``: direct weight of a task feature on its own logit;
- ``attn.<query>×<key>``: one entry of the bilinear attention matrix ``M``
  (query feature row, key feature column); ``attn.project×project`` ties the
  diagonal of the project-signature dimensions;
- ``value.<feature>``: weight of a task feature in the value vector ``v = X w_v``;
- ``self_affinity`` (λ), ``attention_gain`` (g), ``temperature`` (τ > 0).
"""

from __future__ import annotations

from typing import Final

# Task features, in column order; these names appear in explanations.
TASK_FEATURES: Final[tuple[str, ...]] = (
    "importance",
    "deadline",
    "demand",
    "estimate",
    "age",
    "unblocks",
    "in_progress",
    "window_fit",
    # Urgency on the scale of hours (the `deadline` feature works in days): 1 once the
    # task can only just be finished by its due time, or is overdue.
    "due_soon",
    # `due_soon` for tasks of a few minutes: a short overdue task is cleared first.
    "quick_due",
    # Continuity with the last task done or focused on today: people batch by project.
    "same_project",
    "shared_tags",
    # Does the task fit in the gap before the next meeting (±1; 0 with no meeting ahead).
    "fits_gap",
)
# A project/tags signature: a few ±1/√k hash dimensions so that tasks of one project
# attend to each other. They carry no meaning one by one, so they get no residual
# or value weight, only the tied `attn.project×project`.
SIGNATURE_DIMS: Final[int] = 6
SIGNATURE_FEATURES: Final[tuple[str, ...]] = tuple(f"project{k}" for k in range(SIGNATURE_DIMS))
# Context features: identical for every token at one moment; `bias` is the constant 1.
# Two-hour bins of the clock (triangular, centred on odd hours, summing to 1): fine
# enough to say "deep work 9-11 only", which one daily harmonic cannot.
HOUR_BIN_CENTRES: Final[tuple[int, ...]] = tuple(range(1, 24, 2))
HOUR_BINS: Final[tuple[str, ...]] = tuple(f"hour_{centre:02d}" for centre in HOUR_BIN_CENTRES)
WEEKDAYS: Final[tuple[str, ...]] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CONTEXT_FEATURES: Final[tuple[str, ...]] = (
    "hour_sin",
    "hour_cos",
    "energy",
    "weekend",
    "day_left",
    "meeting_load",
    *HOUR_BINS,
    *WEEKDAYS,
    # 1 just after a meeting ended today, fading over the next hour or so.
    "after_meeting",
    "bias",
)
FEATURE_NAMES: Final[tuple[str, ...]] = TASK_FEATURES + SIGNATURE_FEATURES + CONTEXT_FEATURES
PROJECT: Final[str] = "project"
CROSS: Final[str] = "×"

# Each default with the one-line reason it encodes a principle of DESIGN.md.
_RESIDUAL: Final[tuple[tuple[str, float, str], ...]] = (
    ("importance", 1.0, "P1: important tasks first"),
    ("deadline", 1.5, "P1: deadline pressure, saturating once overdue"),
    ("demand", 0.0, "demand is neither good nor bad by itself; the context decides (P2)"),
    ("estimate", -0.15, "a slight lean to quick wins; long tasks are favoured by context terms"),
    ("age", 0.1, "old tasks creep up so that nothing starves unseen (P4 drops stale ones)"),
    ("unblocks", 0.5, "P1: what unblocks the most goes first"),
    ("in_progress", 2.0, "P3: finish what was started rather than switch"),
    ("window_fit", 0.5, "P2: honour a task's preferred time window"),
    ("due_soon", 2.5, "P1: what is due within hours, or overdue, comes before what is due in days"),
    ("quick_due", 1.5, "P1: a due or overdue task that takes minutes is cleared first"),
    ("same_project", 0.8, "P3: stay with the project just worked on rather than switch"),
    ("shared_tags", 0.4, "P3: similar work (shared tags) keeps the same frame of mind"),
    ("fits_gap", 0.6, "P3/P5: before a meeting, pick what can be finished before it"),
)
_ATTENTION: Final[tuple[tuple[str, str, float, str], ...]] = (
    ("energy", "demand", 4.0, "P2: deep work when fresh, light work in the dip"),
    ("hour_sin", "demand", 1.0, "P2: a mild morning lean to deep work even without an energy log"),
    ("weekend", "demand", -1.0, "P2: weekends lean to lighter work unless energy says otherwise"),
    ("energy", "estimate", 1.0, "P2: long tasks fit fresh hours"),
    ("day_left", "estimate", 2.0, "P3: long blocks early in the day, short ones near its end"),
    ("meeting_load", "estimate", -3.0, "P3/P5: before meetings pick what fits the gap"),
    ("bias", "importance", 1.0, "P1: important tasks draw everyone's attention"),
    ("bias", "deadline", 2.0, "P1: urgency draws attention"),
    ("bias", "unblocks", 2.0, "P1: key tasks that unblock others draw attention"),
    ("bias", "in_progress", 4.0, "P3: the task already started stays salient (momentum)"),
    ("bias", "window_fit", 1.0, "P2: tasks in their preferred window draw attention"),
    (PROJECT, PROJECT, 12.0, "P3: tasks attend to their project-mates, keeping context"),
    ("after_meeting", "demand", -1.0, "P2/P5: the hour after a meeting leans to lighter work"),
    *(
        (name, "demand", 0.0, "P2: a person's own deep-work hours (learned; the curve leads)")
        for name in HOUR_BINS
    ),
    *(
        (name, "demand", 0.0, "P2: a person's weekly rhythm of deep and light days (learned)")
        for name in WEEKDAYS
    ),
)
_VALUE: Final[tuple[tuple[str, float, str], ...]] = (
    ("importance", 0.5, "P3: a task shares in the importance of the tasks it attends to"),
    ("deadline", 1.0, "P3: a project's urgency lifts its other tasks (stay in context)"),
    ("demand", 0.0, "demand of neighbours says nothing about this task"),
    ("estimate", 0.0, "size of neighbours says nothing about this task"),
    ("age", 0.0, "age of neighbours says nothing about this task"),
    ("unblocks", 0.3, "P1: working next to key tasks is worth a little"),
    ("in_progress", 1.5, "P3: momentum spreads to the started task's project-mates"),
    ("window_fit", 0.0, "neighbours' windows say nothing about this task"),
    ("due_soon", 0.0, "a neighbour's urgency already reaches it through `deadline`"),
    ("quick_due", 0.0, "a neighbour's quickness says nothing about this task"),
    ("same_project", 0.0, "continuity is the task's own, not its neighbours'"),
    ("shared_tags", 0.0, "continuity is the task's own, not its neighbours'"),
    ("fits_gap", 0.0, "whether a neighbour fits the gap says nothing about this task"),
)
_SCALARS: Final[tuple[tuple[str, float, str], ...]] = (
    ("self_affinity", 1.0, "λ: how much context×task fit (x_i M x_i) reaches a task's own logit"),
    ("attention_gain", 1.0, "g: how much the attended tasks' values move a logit"),
    ("temperature", 1.0, "τ: spread of the priority distribution (P3: >0, lower = more focused)"),
)


def attention_name(query: str, key: str) -> str:
    """The weight name of the attention-matrix entry `M[query, key]`."""
    return f"attn.{query}{CROSS}{key}"


# Query/key feature pairs of the named attention entries, by weight name.
ATTENTION_ENTRIES: Final[dict[str, tuple[str, str]]] = {
    attention_name(query, key): (query, key) for query, key, _, _ in _ATTENTION
}
RESIDUAL_FEATURES: Final[tuple[str, ...]] = tuple(name for name, _, _ in _RESIDUAL)
VALUE_FEATURES: Final[tuple[str, ...]] = tuple(name for name, _, _ in _VALUE)
SCALAR_NAMES: Final[tuple[str, ...]] = tuple(name for name, _, _ in _SCALARS)

WEIGHT_REASONS: Final[dict[str, str]] = {
    **{f"residual.{name}": why for name, _, why in _RESIDUAL},
    **{attention_name(q, k): why for q, k, _, why in _ATTENTION},
    **{f"value.{name}": why for name, _, why in _VALUE},
    **{name: why for name, _, why in _SCALARS},
}
DEFAULT_WEIGHTS: Final[dict[str, float]] = {
    **{f"residual.{name}": value for name, value, _ in _RESIDUAL},
    **{attention_name(q, k): value for q, k, value, _ in _ATTENTION},
    **{f"value.{name}": value for name, value, _ in _VALUE},
    **{name: value for name, value, _ in _SCALARS},
}
# The canonical order of parameters (vectors and Jacobian columns follow it).
WEIGHT_NAMES: Final[tuple[str, ...]] = tuple(DEFAULT_WEIGHTS)
