"""Progress bars for long command-line jobs (imports, exports), drawn by rich on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

T = TypeVar("T")


def rich_track(enabled: bool = True):
    """A `track(items, total, description)` that draws a bar (stderr keeps stdout clean)."""
    console = Console(file=sys.stderr)

    def track(items: Iterable[T], total: int, description: str) -> Iterator[T]:
        if not enabled or total == 0:
            yield from items
            return
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=not console.is_terminal) as progress:
            yield from progress.track(items, total=total, description=description)

    return track
