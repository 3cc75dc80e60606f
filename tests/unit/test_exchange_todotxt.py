"""Reading todo.txt: done marks, priorities, dates, +projects, @contexts and key:value words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from focusplan.domain import NewTask
from focusplan.exchange import ImportBundle, ImportFormatError, parse_import

FIXTURE = Path(__file__).parents[1] / "fixtures" / "todo.txt"
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=PARIS)


def parse(data: bytes | str) -> ImportBundle:
    return parse_import(data, "todotxt", now=NOW, zone=PARIS)


def one(line: str) -> NewTask:
    bundle = parse(line)
    assert len(bundle.tasks) == 1
    return bundle.tasks[0].task


def midnight(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=PARIS)


@pytest.fixture(scope="module")
def bundle() -> ImportBundle:
    return parse(FIXTURE.read_bytes())


def test_fixture_skips_blank_lines_and_keys_tasks_by_line_number(bundle: ImportBundle) -> None:
    assert [item.key for item in bundle.tasks] == ["1", "2", "3", "5", "6", "7", "8"]


def test_fixture_first_line(bundle: ImportBundle) -> None:
    task = bundle.tasks[0].task
    assert task.title == "Call the bank about the mortgage"
    assert task.importance == 5
    assert task.created_at == midnight(2026, 11, 20)
    assert task.project == "finance"
    assert task.tags == ("phone",)
    assert task.due == midnight(2026, 11, 24)


def test_fixture_rec_makes_a_repeating_task(bundle: ImportBundle) -> None:
    task = bundle.tasks[2].task
    assert task.title == "Water the plants"
    assert task.not_before == midnight(2026, 11, 23)
    assert (task.recur, task.recur_from) == ("weekly", "done")  # not strict: from completion
    assert task.series_id is not None and task.recur_anchor == midnight(2026, 11, 23)


def test_fixture_url_stays_in_the_title(bundle: ImportBundle) -> None:
    assert bundle.tasks[-1].task.title == "Look at https://example.com/docs before the meeting"


@pytest.mark.parametrize(
    ("letter", "importance"), [("A", 5), ("B", 4), ("C", 3), ("D", 2), ("Z", 2)]
)
def test_priority_letters(letter: str, importance: int) -> None:
    assert one(f"({letter}) Thing").importance == importance


def test_no_priority_is_importance_three() -> None:
    assert one("Thing").importance == 3


def test_lowercase_priority_is_just_text() -> None:
    task = one("(a) Thing")
    assert (task.title, task.importance) == ("(a) Thing", 3)


def test_done_with_completion_and_creation_dates() -> None:
    task = one("x 2026-11-21 2026-11-19 Book train tickets pri:B")
    assert task.status == "done"
    assert task.completed_at == midnight(2026, 11, 21)
    assert task.created_at == midnight(2026, 11, 19)
    assert task.importance == 4
    assert task.title == "Book train tickets"


def test_done_without_creation_date_was_created_when_completed() -> None:
    task = one("x 2026-11-20 Renew library card")
    assert task.created_at == task.completed_at == midnight(2026, 11, 20)


def test_done_without_any_date_is_done_now() -> None:
    task = one("x Renew library card")
    assert task.completed_at == NOW


def test_capital_x_is_not_done() -> None:
    assert one("X marks the spot").status == "open"


def test_first_project_is_the_project_others_are_tags() -> None:
    task = one("Report +work +reports @desk")
    assert task.project == "work"
    assert task.tags == ("reports", "desk")


@pytest.mark.parametrize(
    ("text", "minutes"), [("90", 90), ("45m", 45), ("1h30m", 90), ("2h", 120), ("99h", 1440)]
)
def test_estimate_forms(text: str, minutes: int) -> None:
    assert one(f"Thing est:{text}").estimate_minutes == minutes


def test_demand_word() -> None:
    assert one("Thing demand:high").demand == "high"


def test_missing_creation_date_is_now() -> None:
    assert one("Thing").created_at == NOW


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Thing due:2026-02-30", r"^todotxt line 2: bad due date '2026-02-30'"),
        ("Thing due:tomorrow", r"^todotxt line 2: bad due date 'tomorrow'"),
        ("Thing est:soon", r"^todotxt line 2: bad est 'soon'"),
        ("x 2026-11-20", r"^todotxt line 2: no task text$"),
        ("Thing demand:extreme", r"^todotxt line 2: bad demand"),
        (f"Thing +{'p' * 70}", r"^todotxt line 2: project '.*' is longer than 64"),
    ],
)
def test_bad_line_fails_the_file_naming_the_line(line: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        parse(f"Fine task\n{line}\nAnother fine task\n")


def test_windows_line_ends() -> None:
    assert len(parse(b"One\r\nTwo\r\n\r\nThree").tasks) == 3


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé0123456789", min_size=1, max_size=8)


@given(
    priority=st.none() | st.sampled_from("ABCDEZ"),
    created=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    words=st.lists(WORDS, min_size=1, max_size=6),
    projects=st.lists(WORDS, max_size=3, unique=True),
    contexts=st.lists(WORDS, max_size=3, unique=True),
    due=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    estimate=st.none() | st.integers(1, 1440),
    data=st.data(),
)
@settings(max_examples=150, deadline=None)
def test_generated_lines_read_back_their_parts(
    priority: str | None,
    created: dt.date | None,
    words: list[str],
    projects: list[str],
    contexts: list[str],
    due: dt.date | None,
    estimate: int | None,
    data: st.DataObject,
) -> None:
    extras = [f"+{p}" for p in projects] + [f"@{c}" for c in contexts]
    extras += [f"due:{due.isoformat()}"] if due else []
    extras += [f"est:{estimate}"] if estimate else []
    body = list(words)
    for extra in extras:  # anywhere among the words, which keep their own order
        body.insert(data.draw(st.integers(0, len(body))), extra)
    head = [f"({priority})"] if priority else []
    head += [created.isoformat()] if created else []
    if not head and body[0] == "x":
        body.insert(0, "a")  # "x " at the start is the done mark
    line = " ".join(head + body)
    in_order = [word[1:] for word in body if word.startswith("+")]

    task = one(line)
    assert task.title == " ".join(w for w in body if not w.startswith(("+", "@", "due:", "est:")))
    assert task.importance == {None: 3, "A": 5, "B": 4, "C": 3}.get(priority, 2)
    assert task.created_at == (dt.datetime.combine(created, dt.time(), PARIS) if created else NOW)
    assert task.project == (in_order[0] if in_order else None)
    assert set(task.tags) == set(in_order[1:]) | set(contexts)
    assert task.due == (dt.datetime.combine(due, dt.time(), PARIS) if due else None)
    assert task.estimate_minutes == (estimate or 30)


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_is_a_bundle_or_a_named_line_error(text: str) -> None:
    try:
        bundle = parse(text)
    except ImportFormatError as error:
        message = str(error)
        assert message.startswith("todotxt")
        assert "focusplan bug" not in message
        assert "\n" not in message
    else:
        assert all(item.task.title for item in bundle.tasks)
