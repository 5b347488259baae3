"""CSV that a spreadsheet opens safely."""

from __future__ import annotations

import csv
import re

# A cell a spreadsheet would run as a formula (=HYPERLINK(…), +cmd, @SUM…). Plain numbers such
# as -15.00 stay numbers.
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def safe_cell(value):
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.match(value):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, out) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row) -> None:
        self._writer.writerow([safe_cell(value) for value in row])


def csv_writer(out) -> _SafeWriter:
    """A ``csv.writer`` whose text cells can never start a formula."""
    return _SafeWriter(out)
