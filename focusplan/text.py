"""Text that came from a person or a file, made safe to show in a terminal (CLI.md).

Pure standard library: the domain, the importers and both faces use it.
"""

from __future__ import annotations

import re

# C0/C1 controls (terminal escapes), DEL, and lone surrogates (which cannot be encoded as UTF-8
# and would fail at insert). Tab/newline/CR are handled per field below.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
LINE_BREAKS = re.compile(r"[\t\r\n\u2028\u2029]+")


def clean_line(text: str) -> str:
    """One line of text: controls removed, breaks and tabs become single spaces."""
    if text.isprintable():  # the common case, without the two regex passes
        return " ".join(text.split())
    return " ".join(CONTROL.sub("", LINE_BREAKS.sub(" ", text)).split())


def clean_notes(text: str) -> str:
    """Multi-line text: controls removed, line breaks normalised to \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", text).strip()
