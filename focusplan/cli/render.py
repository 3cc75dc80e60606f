"""How the CLI prints: JSON shapes of the contract and readable tables."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import click

from focusplan.domain import DayPlan, RankedTask, Ranking, Task, WeightsVersion
from focusplan.task_table import cut_title, table_width, task_table
from focusplan.text import json_text, terminal_text

# Reasons shown under each task by `rank --explain`.
EXPLAIN_REASONS = 4


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def ranking_json(ranking: Ranking, explain: bool) -> list[dict[str, Any]]:
    rows = []
    for item in ranking.items:
        row: dict[str, Any] = {
            "id": item.id,
            "title": item.title,
            "rank": item.rank,
            "score": item.score,
        }
        if explain:
            row["logit"] = item.logit
            row["contributions"] = dict(item.contributions or {})
        rows.append(row)
    return rows


def weights_json(version: WeightsVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "active": version.active,
        "created_at": iso(version.created_at),
        "reason": version.reason,
        "params": dict(version.params),
    }


def echo_json(value: object) -> None:
    click.echo(json_text(value))


def echo_text(text: str) -> None:
    """Print text for a person: whatever it holds, nothing in it drives the terminal
    (a title stored by an older version may still hold escape sequences)."""
    click.echo(terminal_text(text))


def _width() -> int:
    return table_width(shutil.get_terminal_size((100, 24)).columns)


def score_bar(score: float, best: float, width: int = 12) -> str:
    filled = 0.0 if best <= 0 else score / best * width
    whole = int(filled)
    return "█" * whole + ("▌" if filled - whole >= 0.5 else "") if whole < width else "█" * width


def humanise_contribution(name: str) -> str:
    """A weight name in plain words (`attn.energy×demand` → "deep work with high energy")."""
    from focusplan.attention.explanation import weight_label

    return weight_label(name)


def top_reasons(item: RankedTask, baseline: Mapping[str, float] | None, count: int = 2) -> str:
    """The task's first `count` reasons in words with their amounts ("due in 2 h +1.20")."""
    if item.why:
        return ", ".join(f"{reason.text} {reason.amount:+.2f}" for reason in item.why[:count])
    return ", ".join(
        f"{humanise_contribution(name)} {amount:+.2f}"
        for name, amount in item.reasons(baseline, count)
    )


def print_ranking(ranking: Ranking, explain: bool = False) -> None:
    """The ranking as a table with each task's top two reasons; with `explain`, every
    task followed by its top reasons, one a line, with their amounts."""
    energy = ranking.energy
    shown, eligible = len(ranking.items), ranking.eligible
    count = f"{shown} of {eligible}" if eligible is not None and eligible > shown else f"{shown}"
    plural = "s" if (eligible if eligible is not None else shown) != 1 else ""
    echo_text(
        f"{ranking.at:%a %d %b %H:%M} · energy {energy.level:.1f} ({energy.source})"
        f" · {count} task{plural}"
    )
    if not ranking.items:
        echo_text("nothing to do right now")
        return
    best = ranking.items[0].score
    if explain:
        title_width = max(16, _width() - 37)
        for item in ranking.items:
            echo_text(
                f"{item.rank:>3}  {'#' + str(item.id):>6}  {cut_title(item.title, title_width):<{title_width}}  "
                f"{score_bar(item.score, best):<12} {item.score:6.1%}"
            )
            for reason in item.why[:EXPLAIN_REASONS]:
                echo_text(f"       {reason.amount:+6.2f}  {reason.text}")
        echo_text("amounts: how much each reason moves the task's score against the average task")
        return
    # The id is what `done`, `edit` and `focus start` take.
    title_width = max(16, _width() - 69)
    for item in ranking.items:
        echo_text(
            f"{item.rank:>3}  {'#' + str(item.id):>6}  {cut_title(item.title, title_width):<{title_width}}  "
            f"{score_bar(item.score, best):<12} {item.score:6.1%}  {top_reasons(item, ranking.baseline)}"
        )


def print_tasks(tasks: Sequence[Task], now: dt.datetime) -> None:
    for line in task_table(tasks, now, _width()):
        click.echo(line)


def print_weights(version: WeightsVersion) -> None:
    from focusplan.attention.explanation import weight_label

    echo_text(f"weights version {version.version} ({version.reason or 'no reason given'})")
    width = max(len(name) for name in version.params) if version.params else 10
    for name, value in sorted(version.params.items()):
        # The name is what scripts and `review --json` use; the label is what it means.
        echo_text(f"  {name:<{width}}  {value:+8.4f}  {weight_label(name)}")


def print_history(history: Iterable[WeightsVersion]) -> None:
    for version in history:
        mark = "*" if version.active else " "
        echo_text(
            f"{mark} v{version.version:<4} {version.created_at:%Y-%m-%d %H:%M}  {version.reason}"
        )


def print_plan(plan: DayPlan) -> None:
    echo_text(f"plan for {plan.date:%A %d %B %Y}")
    if not plan.blocks:
        echo_text("  no blocks")
    for block in plan.blocks:
        span = f"{block.start:%H:%M}–{block.end:%H:%M}"
        if block.kind == "focus":
            energy = f"  energy {block.energy:.1f}" if block.energy is not None else ""
            why = f"  · {block.reason}" if block.reason else ""
            echo_text(f"  {span}  ■ {block.title}{energy}{why}")
        elif block.kind == "event":
            echo_text(f"  {span}  ▣ {block.title or 'event'}")
        else:
            echo_text(f"  {span}  · {block.title or 'break'}")
    for note in plan.notes:
        echo_text(f"  note: {note}")
