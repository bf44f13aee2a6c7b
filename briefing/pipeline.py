"""The stage list: one place that says what a build does, in order.

Each stage is a function from one plain data object to the next (see models.py):
sources -> articles -> selected articles -> items -> script -> speech -> bulletin -> episode.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from .audio import assemble
from .audio import prepare as prepare_assembly
from .context import Context
from .ingest import read_articles
from .leads import write_leads
from .models import Episode
from .publish import publish
from .publish.lock import build_lock
from .script import write_script
from .selection import record_broadcast, select_stories
from .speech import speak
from .speech.cache import prune as prune_cache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Any, Context], Any]


STAGES: tuple[Stage, ...] = (
    Stage("read", read_articles),
    Stage("select", select_stories),
    Stage("leads", write_leads),
    Stage("script", write_script),
    Stage("speak", speak),
    Stage("assemble", assemble),
    Stage("publish", publish),
)


@dataclass
class BuildResult:
    episode: Episode
    engine: str
    items: int
    fallbacks: list[str]
    synthesized: int
    synthesized_items: int
    seconds: float
    timings: dict[str, float]
    cpu_seconds: dict[str, float]
    clips: int = 0  # spoken segments in the bulletin; those not synthesized came from the cache


def _in_background(work: Callable[[Context], None], ctx: Context) -> None:
    """Run optional preparation in a daemon thread; the stage that needs it redoes it if it failed."""

    def run() -> None:
        try:
            work(ctx)
        except Exception as exc:  # only a head start: never fail the build from here
            log.debug("background preparation failed: %s", exc)

    threading.Thread(target=run, name=work.__name__, daemon=True).start()


def build(sources: list[str], ctx: Context) -> BuildResult:
    """Run every stage on `sources`; return the published episode and what the build did."""
    started = time.perf_counter()
    data: Any = sources
    produced: dict[str, Any] = {}
    with build_lock(ctx.settings.out_dir, ctx.settings.lock_wait):
        shutil.rmtree(ctx.settings.out_dir / ".staging", ignore_errors=True)  # left by a build that died
        for stage in STAGES:
            if stage.run is speak:
                _in_background(prepare_assembly, ctx)  # while the voices speak
            with ctx.timed(stage.name):
                data = stage.run(data, ctx)
            produced[stage.name] = data
        # only once the episode is out: a build killed before leaves the memory of the last one
        record_broadcast(produced["select"], produced["assemble"].script.items, ctx)
        prune_cache(ctx.settings.cache)
    bulletin = produced["assemble"]
    return BuildResult(episode=data, engine=bulletin.engine, items=len(bulletin.script.items),
                       fallbacks=bulletin.fallbacks, synthesized=bulletin.synthesized,
                       synthesized_items=bulletin.synthesized_items,
                       seconds=time.perf_counter() - started, timings=dict(ctx.timings),
                       cpu_seconds=dict(ctx.cpu_seconds), clips=len(bulletin.script.segments))
