"""What an import found wrong, and where: a CSV file and line, or a JSON pointer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ImportFailed(Exception):
    """Nothing was written; `problems` lists every error found, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was imported")

    def report(self, limit: int = 50) -> str:
        lines = [str(problem) for problem in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"… and {len(self.problems) - limit} more")
        return "\n".join(lines)


class Where:
    """The place of one record in the input, able to name one of its fields."""

    def field(self, name: str, language: str | None = None) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class JsonWhere(Where):
    pointer: str  # RFC 6901, e.g. /cases/3/episodes/0

    def field(self, name: str, language: str | None = None) -> str:
        return f"{self.pointer}/{name}" + (f"/{language}" if language else "")

    def __str__(self) -> str:
        return self.pointer or "/"


@dataclass(frozen=True)
class CsvWhere(Where):
    filename: str
    line: int  # the line the record starts on, counting the header as line 1

    def field(self, name: str, language: str | None = None) -> str:
        column = f"{name}__{language}" if language else name
        return f"{self}, column {column}"

    def __str__(self) -> str:
        return f"{self.filename} line {self.line}"
