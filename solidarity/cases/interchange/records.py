"""Records read from a file, before they become model instances.

Both readers (JSON and CSV) produce the same shape: a `Record` holds a record's canonical
field values, where it came from, and the parts it owns (a person's episodes, an episode's
charges ...). A part list that is absent was not in the input and is left alone on import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from solidarity.cases.interchange.problems import Problem, Where

T = TypeVar("T")


@dataclass
class Record:
    where: Where
    values: dict[str, Any]
    parts: dict[str, list[Record]] = field(default_factory=dict)


@dataclass
class Incoming:
    organisations: list[Record] | None  # None: the input has no organisations
    cases: list[Record]
    problems: list[Problem] = field(default_factory=list)


# How a long loop reports progress: `track(items, total, description)` yields the items.
Track = Callable[[Iterable[T], int, str], Iterator[T]]


def no_progress(items: Iterable[T], total: int, description: str) -> Iterator[T]:
    yield from items
