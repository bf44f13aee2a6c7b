"""What every stage receives besides its data: the settings, a progress reporter, and the
build report that stages write what they did to (the summary a build ends with)."""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from .models import Article, Item
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
class BuildReport:
    """What the stages did, for the build summary (written by the stages, read by the caller)."""

    engine: str = ""  # the voice engine used, after `auto` was resolved
    fallbacks: list[str] = field(default_factory=list)  # titles of stories voiced offline instead
    synthesized: int = 0  # voice requests synthesized in this run (the rest came from the cache)
    synthesized_items: int = 0  # stories with at least one part synthesized in this run
    items: int = 0  # stories in the bulletin
    selected: list[Article] = field(default_factory=list)  # what the select stage chose to read
    spoken: list[Item] = field(default_factory=list)  # the stories the bulletin says (after any dropped)
    clips: int = 0  # the bulletin's voice clips (synthesized or from the cache)


@dataclass
class SharedLeads:
    """The lead each story is read with by the editions of one build (briefing.editions): the
    first edition to read a story fixes its length (Article.lead_seconds), and every later edition
    that reads stories the same way keeps it, so the story sounds the same and its clips come
    from the cache. The select stage consults and extends it; a build on its own starts empty."""

    seconds: dict[tuple[str, str], float] = field(default_factory=dict)  # (reading, story) -> lead seconds


@dataclass
class Context:
    settings: Settings
    progress: Progress = field(default_factory=LogProgress)
    report: BuildReport = field(default_factory=BuildReport)
    leads: SharedLeads = field(default_factory=SharedLeads)  # shared by the editions of one build
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage and per timed step
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # CPU time of the process, same keys
    cluster: Any = None  # a speech.cluster.Cluster while the speak stage synthesizes on one

    @contextmanager
    def timed(self, name: str):
        """Record wall-clock and CPU time of a step (for `briefing build` summaries and bench/run.py)."""
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - wall
            self.cpu_seconds[name] = self.cpu_seconds.get(name, 0.0) + time.process_time() - cpu
