"""What every benchmark case gets: the scale, the backends it may use, progress."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@dataclass
class BenchContext:
    quick: bool
    postgres: bool  # whether the local PostgreSQL is reachable
    console: Console = field(default_factory=Console)

    def scale(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def say(self, text: str) -> None:
        self.console.print(f"[dim]·[/dim] {text}")

    @contextmanager
    def progress(self, label: str, total: int) -> Iterator[Callable[[int], Any]]:
        """A bar for a long step; the callable takes the count done so far."""
        columns = (TextColumn("  {task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task(label, total=total)
            yield lambda done: bar.update(task, completed=done)
