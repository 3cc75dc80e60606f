"""The weekly review (principle 4): what happened in a week, and what to reweight.

Pure: the service reads the database and hands over domain models.
`figures` computes the week's figures, `choices` rebuilds the choices the
learning fits, `reweighting` turns a fit into a suggestion, `models` holds
what they report. The CLI's text and JSON live in `focusplan.cli.review_render`.
"""

from focusplan.review.choices import reconstruct_choices
from focusplan.review.figures import part_of_day, week_bounds, week_figures
from focusplan.review.models import (
    LearningSummary,
    Metrics,
    Mover,
    Suggestion,
    TaskNote,
    WeekFigures,
    WeekReview,
)
from focusplan.review.reweighting import ReweightPolicy, propose_reweighting

__all__ = [
    "LearningSummary",
    "Metrics",
    "Mover",
    "ReweightPolicy",
    "Suggestion",
    "TaskNote",
    "WeekFigures",
    "WeekReview",
    "part_of_day",
    "propose_reweighting",
    "reconstruct_choices",
    "week_bounds",
    "week_figures",
]
