"""What the terminal shows during a build: rich progress bars when interactive, else nothing."""

from __future__ import annotations

import sys
from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class RichProgress:
    """Implements briefing.context.Progress with one bar per stage, on stderr."""

    def __init__(self, enabled: bool, notes: list[str]) -> None:
        self.notes = notes
        self._console = Console(stderr=True)
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if enabled and sys.stderr.isatty():
            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description:<12}"), BarColumn(),
                                      MofNCompleteColumn(), TimeElapsedColumn(), console=self._console,
                                      transient=False)

    def __enter__(self) -> Self:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._finish_task()
            self._progress.stop()

    def _finish_task(self) -> None:
        if self._progress is not None and self._task is not None:
            task = self._progress.tasks[-1]
            self._progress.update(self._task, completed=task.total or 1, total=task.total or 1)

    def stage(self, name: str, total: int | None = None) -> None:
        if self._progress is None:
            return
        self._finish_task()
        self._task = self._progress.add_task(name, total=total)

    def advance(self, steps: int = 1) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, steps)

    def note(self, message: str) -> None:
        self.notes.append(message)
