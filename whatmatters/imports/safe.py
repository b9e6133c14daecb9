"""Every CSV a person downloads goes through here, so no cell runs as a formula when it is opened.

A text cell starting with = + - @ | % or a tab, carriage return or new line gets a leading apostrophe
(the OWASP advice for CSV injection); numbers, and text that is simply a number such as -3, are left alone so
negatives survive. `writer` wraps `csv.writer` and does this for every row.
"""

from __future__ import annotations

import csv
from typing import Any

from whatmatters.imports.cells import looks_like_formula


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


class SafeWriter:
    def __init__(self, stream: Any, **kwargs: Any) -> None:
        # Lines end with \r\n, so a carriage return or a new line inside a cell is always quoted: with "\n"
        # alone, csv leaves a lone \r unquoted, and a spreadsheet starts a new row there (a cell "'\r=1"
        # would become a row starting "=1").
        if kwargs.setdefault("lineterminator", "\r\n") != "\r\n":
            raise ValueError("A safe CSV file ends its lines with \\r\\n.")
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Any) -> Any:
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Any) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: Any, **kwargs: Any) -> SafeWriter:
    return SafeWriter(stream, **kwargs)
