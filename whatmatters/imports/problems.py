"""One shape for every bad-input message: which file, which row, which column, and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem with an uploaded file. `row` counts as a spreadsheet does (the header is row 1); None
    means the file as a whole. `column` is the column's name in the header, or "" for a whole row."""

    file: str
    row: int | None
    column: str
    reason: str

    def where(self) -> str:
        place = self.file or "The file"
        if self.row is not None:
            place += f" row {self.row:,}"
        if self.column:
            place += f", column '{self.column}'"
        return place

    def __str__(self) -> str:
        return f"{self.where()}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "reason": self.reason}


class Refused(Exception):
    """The file cannot be imported. Nothing has been saved."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:3]))
