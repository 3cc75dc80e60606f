"""`focusplan review` output: the JSON of CLI.md and the readable report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from focusplan.review.models import PARTS_OF_DAY, Accuracy, Metrics, TaskNote, WeekReview
from focusplan.review.words import (
    change_in_words,
    choices_in_words,
    main_changes,
    smaller_changes,
    top_picks,
    top_three,
    weight_in_words,
)

# Rows of the overdue and stale lists a person reads; a backlog of 100,000 had 75,000
# overdue tasks, a list nobody reads to the end. The JSON keeps every one.
TEXT_ROWS = 20


def _more(count: int) -> list[str]:
    if count <= TEXT_ROWS:
        return []
    return [f"  … and {count - TEXT_ROWS} more (review --json lists every one)"]


def _metrics_json(metrics: Metrics | None) -> dict[str, Any] | None:
    if metrics is None:
        return None
    return {
        "mrr": round(metrics.mrr, 4),
        "hit_at_1": round(metrics.hit_at_1, 4),
        "hit_at_3": round(metrics.hit_at_3, 4),
        "choices": metrics.choices,
    }


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _note_json(note: TaskNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "title": note.title,
        "importance": note.importance,
        "project": note.project,
        "due": _iso(note.due),
        "last_touched": _iso(note.last_touched),
        "days": note.days,
    }


def _accuracy_json(accuracy: Accuracy | None) -> dict[str, Any] | None:
    return None if accuracy is None else {"median": accuracy.median, "count": accuracy.count}


def review_json(report: WeekReview) -> dict[str, Any]:
    """The `review --json` shape of CLI.md (plus extra keys, which the contract allows)."""
    figures = report.figures
    learning = report.learning
    suggestion = report.suggestion
    return {
        "week_start": figures.week_start.isoformat(),
        "week_end": figures.week_end.isoformat(),
        "completed": figures.completed,
        "planned": figures.planned,
        "planned_done": figures.planned_done,
        "days": [
            {
                "date": day.date.isoformat(),
                "completed": day.completed,
                "planned": day.planned,
                "planned_minutes": day.planned_minutes,
                "planned_done": day.planned_done,
                "focus_minutes": day.focus_minutes,
            }
            for day in figures.days
        ],
        "focus_minutes": figures.focus_minutes,
        "focus_by_project": dict(figures.focus_by_project),
        "focus_by_tag": dict(figures.focus_by_tag),
        "energy_by_hour": list(figures.energy_by_hour),
        "energy_logs": figures.energy_logs,
        "completion_by_demand_part": {
            demand: dict(parts) for demand, parts in figures.completion_by_demand_part.items()
        },
        "estimate_accuracy": {
            "overall": _accuracy_json(figures.estimate_accuracy.overall),
            "by_demand": {
                k: _accuracy_json(v) for k, v in figures.estimate_accuracy.by_demand.items()
            },
            "by_project": {
                k: _accuracy_json(v) for k, v in figures.estimate_accuracy.by_project.items()
            },
        },
        "overdue": [_note_json(note) for note in figures.overdue],
        "stale": [_note_json(note) for note in figures.stale],
        "repeating": [week.model_dump() for week in figures.repeating],
        "learning": {
            "fit_from": learning.fit_from.isoformat(),
            "fit_choices": learning.fit_choices,
            "heldout_choices": learning.heldout_choices,
            "before": _metrics_json(learning.before),
            "after": _metrics_json(learning.after),
            "verdict": learning.verdict,
            "week_choices": learning.week_choices,
            "folds": learning.folds,
        },
        "suggestion": None
        if suggestion is None
        else {
            "changes": {name: [old, new] for name, (old, new) in suggestion.changes.items()},
            "before": _metrics_json(suggestion.before),
            "after": _metrics_json(suggestion.after),
            "movers": [
                {
                    "task_id": mover.task_id,
                    "title": mover.title,
                    "rank_before": mover.rank_before,
                    "rank_after": mover.rank_after,
                    "appearances": mover.appearances,
                }
                for mover in suggestion.movers
            ],
            "reason": suggestion.reason,
        },
        "applied_version": report.applied_version,
    }


def _duration(minutes: float) -> str:
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    return f"{hours}h{rest:02d}m" if hours else f"{rest}m"


def _days(days: float) -> str:
    return f"{days:g} day" if days == 1 else f"{days:g} days"


def _metrics_text(metrics: Metrics) -> str:
    return f"{choices_in_words(metrics)}, {top_three(metrics)} in its top three"


def review_text(report: WeekReview) -> str:
    """A readable report for the terminal."""
    figures = report.figures
    lines = [
        f"Week of {figures.week_start:%a %d %b %Y} – {figures.week_end:%a %d %b}",
        "",
        f"Completed {figures.completed} task{'s' if figures.completed != 1 else ''};"
        f" planned {figures.planned} focus block{'s' if figures.planned != 1 else ''}"
        f" ({figures.planned_done} planned task{'s' if figures.planned_done != 1 else ''}"
        " done on their day).",
    ]
    for day in figures.days:
        if day.completed or day.planned or day.focus_minutes:
            lines.append(
                f"  {day.date:%a %d}  done {day.completed:>2}  planned {day.planned:>2}"
                f"  focus {_duration(day.focus_minutes):>6}"
            )
    if figures.focus_by_project:
        lines += ["", f"Focus: {_duration(figures.focus_minutes)}"]
        lines += [f"  {name:<20} {_duration(m):>7}" for name, m in figures.focus_by_project.items()]
        if figures.focus_by_tag:
            lines.append(
                "  tags: "
                + ", ".join(f"{tag} {_duration(m)}" for tag, m in figures.focus_by_tag.items())
            )
    if figures.energy_logs:
        logged = [(h, v) for h, v in enumerate(figures.energy_by_hour) if v is not None]
        lines += ["", f"Energy by hour ({figures.energy_logs} logs):"]
        lines += [
            f"  {hour:02d}h {'█' * round(level * 2):<10} {level:.1f}" for hour, level in logged
        ]
    if figures.completed:
        lines += ["", "Completions by demand and part of day:"]
        lines.append("  " + " " * 8 + "".join(f"{part:>11}" for part in PARTS_OF_DAY))
        for demand, parts in figures.completion_by_demand_part.items():
            lines.append(f"  {demand:<8}" + "".join(f"{parts[part]:>11}" for part in PARTS_OF_DAY))
    accuracy = figures.estimate_accuracy
    if accuracy.overall is not None:
        lines += [
            "",
            f"Estimates: actual ÷ estimate median {accuracy.overall.median:.2f}"
            f" over {accuracy.overall.count}",
        ]
        lines.append("  by demand:")
        lines += [f"    {d:<18} {a.median:.2f} ({a.count})" for d, a in accuracy.by_demand.items()]
        lines.append("  by project:")
        lines += [f"    {p:<18} {a.median:.2f} ({a.count})" for p, a in accuracy.by_project.items()]
    if figures.overdue:
        lines += ["", "Overdue:"]
        lines += [f"  #{n.id} {n.title} (by {_days(n.days)})" for n in figures.overdue[:TEXT_ROWS]]
        lines += _more(len(figures.overdue))
    if figures.repeating:
        lines += ["", "Repeating tasks:"]
        lines += [
            f"  {week.title} ({week.recur or 'stopped'}): {week.done} done"
            + (f", {week.dropped} dropped" if week.dropped else "")
            for week in figures.repeating
        ]
    if figures.stale:
        lines += ["", "Stale, consider dropping (importance ≤ 2, untouched 3+ weeks):"]
        lines += [
            f"  #{n.id} {n.title} (untouched {_days(n.days)})" for n in figures.stale[:TEXT_ROWS]
        ]
        lines += _more(len(figures.stale))
    learning = report.learning
    lines += [
        "",
        f"Learning from your choices ({learning.week_choices} this week,"
        f" {learning.fit_choices} since {learning.fit_from:%d %b}):",
    ]
    if learning.before is not None:
        lines.append(f"  the ranking now: {_metrics_text(learning.before)}")
    if learning.after is not None:
        after = learning.after
        lines.append(
            f"  a ranking learnt on what came before each: {top_picks(after)} top picks,"
            f" {top_three(after)} in the top three"
        )
    suggestion = report.suggestion
    if suggestion is None:
        lines.append(f"  no suggestion: {learning.verdict}")
        if report.apply_requested:
            lines.append("  nothing to apply; the weights are unchanged")
    else:
        lines.append("  suggestion, what to give more or less weight to:")
        shown, hidden = main_changes(suggestion.changes)
        labels = {name: weight_in_words(name) for name, _, _ in shown}
        width = max(len(label) for label in labels.values())
        lines += [
            f"    {labels[name]:<{width}}  {change_in_words(old, new):<19} {old:+.2f} → {new:+.2f}"
            for name, old, new in shown
        ]
        if hidden:
            lines.append(f"    {smaller_changes(hidden)} (review --json lists every one)")
        if suggestion.movers:
            lines.append("  tasks that move most (average place in the list, before → after):")
            lines += [
                f"    #{m.task_id} {m.title}: {m.rank_before:.1f} → {m.rank_after:.1f}"
                for m in suggestion.movers
            ]
        if report.applied_version is None:
            lines.append("  accept with: focusplan review --apply")
    if report.applied_version is not None:
        lines.append(f"  applied as weights version {report.applied_version}")
    return "\n".join(lines)
