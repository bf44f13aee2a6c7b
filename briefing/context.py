"""What every stage receives besides its data: the settings and a progress reporter."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

from .settings import Settings

log = logging.getLogger("briefing")


class Progress(Protocol):
    def stage(self, name: str, total: int | None = None) -> None:
        """A stage starts; `total` is its number of steps when known."""

    def advance(self, steps: int = 1) -> None:
        """Steps of the current stage are done."""

    def note(self, message: str) -> None:
        """Something the user should read in the build summary."""


class LogProgress:
    """Progress as log lines (the library default; the CLI shows progress bars instead)."""

    def stage(self, name: str, total: int | None = None) -> None:
        log.info("%s%s", name, f" ({total} steps)" if total else "")

    def advance(self, steps: int = 1) -> None:
        pass

    def note(self, message: str) -> None:
        log.warning("%s", message)


@dataclass
class Context:
    settings: Settings
    progress: Progress = field(default_factory=LogProgress)
