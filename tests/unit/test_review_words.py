"""The review's words: no weight or metric names in what a person reads."""

from __future__ import annotations

import pytest

from focusplan.attention.weights import WEIGHT_NAMES
from focusplan.review import Metrics
from focusplan.review.words import change_in_words, choices_in_words, top_picks, weight_in_words


@pytest.mark.parametrize("name", WEIGHT_NAMES)
def test_every_weight_has_a_label_without_model_jargon(name: str) -> None:
    label = weight_in_words(name)
    assert label
    for jargon in ("×", "_", "attn", "residual", "bias", "value.", "salience", " in around"):
        assert jargon not in label


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (1.0, 2.0, "counts more"),
        (2.0, 1.0, "counts less"),
        (-0.15, -0.4, "counts more"),
        (1.0, -0.5, "now counts against"),
        (0.0, -0.2, "now counts against"),
        (-1.0, 0.5, "now counts for"),
        (0.0, 0.3, "now counts for"),
        (2.0, 0.0, "no longer counts"),
        (-0.15, 0.0, "no longer counts"),
    ],
)
def test_a_change_is_said_by_direction_and_size(old: float, new: float, words: str) -> None:
    assert change_in_words(old, new) == words


def test_choices_are_counted_not_scored() -> None:
    before = Metrics(mrr=0.4, hit_at_1=0.4, hit_at_3=0.7, choices=30)
    after = Metrics(mrr=0.6, hit_at_1=0.6, hit_at_3=0.9, choices=30)
    assert top_picks(before) == 12
    assert choices_in_words(before, after) == (
        "of your last 30 choices, 12 were its top pick (18 with the new weights)"
    )
    one = Metrics(mrr=0.1, hit_at_1=0.1, hit_at_3=0.2, choices=10)
    assert choices_in_words(one) == "of your last 10 choices, 1 was its top pick"


def test_a_person_reads_the_biggest_changes_and_a_count_of_the_rest() -> None:
    from focusplan.review.words import main_changes, smaller_changes

    changes = {f"w{k}": (0.0, float(k) * (-1) ** k) for k in range(1, 12)}
    shown, hidden = main_changes(changes, shown=3)
    assert [name for name, _, _ in shown] == ["w11", "w10", "w9"]
    assert hidden == 8
    assert smaller_changes(1) == "and 1 smaller adjustment"
    assert main_changes({"a": (1.0, 2.0)}) == ([("a", 1.0, 2.0)], 0)


def test_no_two_weights_share_a_label() -> None:
    from collections import Counter

    from focusplan.attention.weights import WEIGHT_NAMES
    from focusplan.review.words import weight_in_words

    counts = Counter(weight_in_words(name) for name in WEIGHT_NAMES)
    assert [label for label, count in counts.items() if count > 1] == []
