"""icalendar's own parser, given content lines that split the plain ones faster.

icalendar splits every content line into name, parameters and value with a loop over
each character of the line, value included (it tracks quotes and backslashes): a third
of reading a 50,000-event calendar. A line whose name runs to the first colon with no
`;`, `"` or backslash before it (`SUMMARY:…`, `DTSTART:20261203T090000Z`) has no
parameters and splits at that colon: the loop finds the same two places, since nothing
after them can move them. Every other line, and a name icalendar refuses, is split by
icalendar itself. The lines are made as `Contentlines.from_ical` makes them (unfolded,
split at line ends); `tests/unit/test_ics_lines.py` compares what the two parse into.
"""

from __future__ import annotations

import functools
import re
from typing import Any

_NOT_PLAIN = re.compile(r'[;"\\]')
_BLANKS = re.compile(r"[ \t]+")


@functools.cache
def _line_class() -> type:
    from icalendar.parser import Contentline
    from icalendar.parser.parameter import Parameters
    from icalendar.parser.string import validate_token

    class PlainFirstLine(Contentline):
        __slots__ = ()

        def raw_parts(self) -> tuple[str, Any, str]:
            colon = self.find(":")
            if colon > 0:
                name = self[:colon]
                if _NOT_PLAIN.search(name) is None:
                    if not self.strict and (" " in name or "\t" in name):  # type: ignore[attr-defined]
                        name = _BLANKS.sub("", name.strip())
                    try:
                        validate_token(name)
                    except ValueError:
                        pass  # icalendar's own message, below
                    else:
                        return name, Parameters(), self[colon + 1 :]
            return super().raw_parts()

    return PlainFirstLine


def content_lines(text: str) -> Any:
    """The content lines of a calendar, for `Calendar.from_ical` (which reads a list of
    lines as it reads text)."""
    from icalendar.parser import Contentlines
    from icalendar.parser.content_line import NEWLINE, UFOLD

    line = _line_class()
    try:
        unfolded = UFOLD.sub("", text)
        lines = Contentlines(line(part) for part in NEWLINE.split(unfolded) if part)
        lines.append("")  # type: ignore[arg-type]  # as icalendar ends them
    except Exception as exc:
        raise ValueError("Expected StringType with content lines") from exc  # its words
    return lines
