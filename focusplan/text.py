"""Text that came from a person or a file, made safe to show in a terminal (CLI.md).

Pure standard library: the domain, the importers and both faces use it.

A title like `$'\\e]2;pwned\\a\\e[2J'` would retitle the terminal window and clear the
screen wherever it is printed. Whole escape sequences are removed (so no `]2;pwned`
residue is left), then every control character that is left.
"""

from __future__ import annotations

import re

from focusplan.indented_json import indented_json

# C0/C1 controls (terminal escapes), DEL, and lone surrogates (which cannot be encoded as UTF-8
# and would fail at insert). Tab/newline/CR are handled per field below.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
LINE_BREAKS = re.compile(r"[\t\r\n\u2028\u2029]+")
# ECMA-48 sequences in their 7-bit (ESC ...) and 8-bit (C1) forms, each whole:
ESCAPE_SEQUENCE = re.compile(
    # OSC (window title, hyperlinks, clipboard) up to BEL or ST
    "(?:\x1b\\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\\\|\x9c)"
    # DCS, SOS, PM, APC up to ST
    "|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\\\|\x9c)"
    # CSI: parameters, intermediates, final byte (cursor moves, clear screen, colours)
    "|(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]"
    # the short escapes: ESC, intermediates, a final byte (ESC c resets the terminal)
    "|\x1b[ -/]*[0-~]"
)


def clean_line(text: str) -> str:
    """One line of text: escape sequences and controls removed, breaks and tabs become
    single spaces.

    A text made only of escape sequences keeps its printable residue rather than
    becoming empty: a stored title must stay a title when it is read back.
    """
    if text.isprintable():  # the common case, without the regex passes
        return " ".join(text.split())
    whole = _line(ESCAPE_SEQUENCE.sub("", text))
    return whole or _line(text)


def clean_notes(text: str) -> str:
    """Multi-line text: escape sequences and controls removed, line breaks normalised to \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", ESCAPE_SEQUENCE.sub("", text)).strip()


def stored_line(text: str) -> str:
    """A line read back from the store: as it is when printable (this version stored it
    clean), cleaned when an older version stored it raw."""
    return text if text.isprintable() else clean_line(text)


def stored_notes(text: str) -> str:
    """`stored_line` for multi-line text."""
    return text if not text or text.isprintable() else clean_notes(text)


def terminal_text(text: str) -> str:
    """Text about to be printed, possibly many lines of it: nothing in it can drive the
    terminal; newlines and tabs stay, and nothing else changes (layout is kept)."""
    if text.isprintable():
        return text
    return CONTROL.sub("", ESCAPE_SEQUENCE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))


# JSON escapes C0 controls itself (ESC is written \u001b); DEL and the C1 range
# (0x9b is CSI to many terminals) it passes through raw, so they are escaped here.
_UNESCAPED_CONTROLS = re.compile("[\x7f-\x9f]")


def json_text(value: object) -> str:
    """The contract's JSON of `value` (indented, UTF-8), with nothing that drives a terminal."""
    # `json.dumps(value, ensure_ascii=False, indent=2)`'s text, written by the C encoder.
    text = indented_json(value)
    return _UNESCAPED_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _line(text: str) -> str:
    return " ".join(CONTROL.sub("", LINE_BREAKS.sub(" ", text)).split())
