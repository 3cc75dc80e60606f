"""The rows of a CSV import, as every CSV format here reads them.

- The separator is a comma, or a semicolon/tab when the first row has no comma
  (spreadsheets in many locales write semicolons).
- Blank rows are skipped; so is a first row the format calls a header.
- A row CSV itself cannot read is an error naming its line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from .fields import fail


def delimiter_of(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            if "," in line:
                return ","
            if ";" in line:
                return ";"
            if "\t" in line:
                return "\t"
            break
    return ","


def csv_rows(
    text: str, fmt: str, is_header: Callable[[list[str]], bool]
) -> Iterator[tuple[str, list[str]]]:
    """(where, row) for each data row: `where` names the line for error messages."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter_of(text), strict=True)
    first = True
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if first:
                first = False
                if is_header(row):
                    continue
            yield f"{fmt} line {reader.line_num}", row
    except csv.Error as exc:
        fail(f"{fmt} line {reader.line_num}", f"not valid CSV: {exc}")
