"""`list` (the table) without click, pydantic or the domain models.

The launcher answers `[--db PATH] list [--all]` here when its answer is not in the
answer cache: the rows come from `store.listed_tasks`, the lines from `task_table`,
the same lines the click command prints (click's `echo` writes a UTF-8 stream's text
unchanged, and nothing in a cleaned line is an escape sequence for it to strip). On a
cold `list` of 1,000 tasks that is the import of pydantic and the models saved, about a
third of the command. Whatever this path cannot answer as the full command would (a
database to migrate, a file that is not one, a stream that is not UTF-8), it leaves to
the full command, before printing anything.
"""

from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path


def quick_list(db_path: Path, *, show_all: bool) -> int | None:
    """Print the table of `db_path`'s open tasks (every task with `show_all`) and return
    the exit code; None, having printed nothing, when the full command must answer."""
    stdout = sys.stdout
    try:
        if stdout is None or codecs.lookup(stdout.encoding or "ascii").name != "utf-8":
            return None
        from focusplan import clock
        from focusplan.services.read_commands import table_width
        from focusplan.store.listed_tasks import read_listed_tasks
        from focusplan.task_table import table_width as bounded
        from focusplan.task_table import task_table

        zone = clock.local_zone()
        tasks = read_listed_tasks(db_path, zone, None if show_all else ("open",))
        lines = task_table(tasks, clock.now(), bounded(table_width()))
        text = "".join(line + "\n" for line in lines)
    except Exception:  # the full command answers, and reports whatever is wrong
        return None
    try:
        stdout.write(text)
        stdout.flush()
    except BrokenPipeError:
        # The reader left (`| head`): as the full command, exit 1, and no second
        # complaint from the interpreter flushing stdout at exit.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until exit
        return 1
    return 0
