"""The stage list: one place that says what a build does, in order.

Each stage is a function from one plain data object to the next (see models.py):
sources -> articles -> selected articles -> items -> script -> speech -> bulletin -> episode.
The chain is typed: `Chain.then` only accepts a stage whose input is the previous stage's
output, so mypy checks the order. A stage may name preparation that does not depend on its
input (libraries, sounds, the cover); it runs in the background while the stage before it works.
"""

from __future__ import annotations

import errno
import logging
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .assemble import assemble
from .assemble import prepare as prepare_assembly
from .context import BuildReport, Context
from .errors import PublishError
from .files import remove_leftovers, staging_dir
from .leads import write_leads
from .models import Article, Bulletin, Episode, Item, Script, Source, Speech
from .publish import publish
from .publish.lock import build_lock
from .read import read_articles
from .script import write_script
from .selection import record_broadcast, select_stories
from .speak import speak
from .speak.cache import prune as prune_cache
from .speak.cluster import cluster_session

log = logging.getLogger(__name__)

In = TypeVar("In")
Out = TypeVar("Out")
Next = TypeVar("Next")


@dataclass(frozen=True)
class Stage(Generic[In, Out]):
    name: str
    run: Callable[[In, Context], Out]
    prepare: Callable[[Context], None] | None = None  # started while the stage before runs


@dataclass(frozen=True)
class Chain(Generic[In, Out]):
    """Stages in order; `then` types the link between the last stage and the next one."""

    stages: tuple[Stage[Any, Any], ...]

    @staticmethod
    def start(stage: Stage[In, Out]) -> Chain[In, Out]:
        return Chain((stage,))

    def then(self, stage: Stage[Out, Next]) -> Chain[In, Next]:
        return Chain((*self.stages, stage))

    def run(self, data: In, ctx: Context) -> Out:
        value: Any = data
        for number, stage in enumerate(self.stages):
            following = self.stages[number + 1] if number + 1 < len(self.stages) else None
            if following is not None and following.prepare is not None:
                _in_background(following.prepare, ctx)
            with ctx.timed(stage.name):
                value = stage.run(value, ctx)
        return value


READ: Stage[list[str | Source], list[Article]] = Stage("read", read_articles)
SELECT: Stage[list[Article], list[Article]] = Stage("select", select_stories)
LEADS: Stage[list[Article], list[Item]] = Stage("leads", write_leads)
SCRIPT: Stage[list[Item], Script] = Stage("script", write_script)
SPEAK: Stage[Script, Speech] = Stage("speak", speak)
ASSEMBLE: Stage[Speech, Bulletin] = Stage("assemble", assemble, prepare=prepare_assembly)
PUBLISH: Stage[Bulletin, Episode] = Stage("publish", publish)

PIPELINE: Chain[list[str | Source], Episode] = \
    Chain.start(READ).then(SELECT).then(LEADS).then(SCRIPT).then(SPEAK).then(ASSEMBLE).then(PUBLISH)
STAGES = PIPELINE.stages


@dataclass
class BuildResult:
    episode: Episode
    report: BuildReport
    seconds: float
    timings: dict[str, float]
    cpu_seconds: dict[str, float]

    def __getattr__(self, name: str) -> Any:
        """What the stages reported (engine, fallbacks, items, synthesized, clips, ...)."""
        return getattr(self.report, name)


def _in_background(work: Callable[[Context], None], ctx: Context) -> None:
    """Run optional preparation in a daemon thread; the stage that needs it redoes it if it failed."""

    def run() -> None:
        try:
            work(ctx)
        except Exception as exc:  # noqa: BLE001 - only a head start: never fail the build from here
            log.debug("background preparation failed: %s", exc)

    threading.Thread(target=run, name=getattr(work, "__name__", "prepare"), daemon=True).start()


def build(sources: list[str | Source], ctx: Context) -> BuildResult:
    """Run every stage on `sources`; return the published episode and what the build did."""
    try:
        return _build(sources, ctx)
    except OSError as exc:
        if exc.errno not in _DISK_ERRORS:
            raise
        raise PublishError(f"could not write {exc.filename or ctx.settings.out_dir} ({exc.strerror}); nothing was "
                           "published, the feed as published before still stands; free some space or fix the "
                           "permissions, then build again") from exc


# A full or read-only disk, or a folder the user may not write: the user's to fix, not a bug.
_DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


def _build(sources: list[str | Source], ctx: Context) -> BuildResult:
    started = time.perf_counter()
    out = ctx.settings.out_dir
    with cluster_session(ctx), build_lock(out, ctx.settings.lock_wait):
        shutil.rmtree(staging_dir(out), ignore_errors=True)  # left by a build that died
        if remove_leftovers(out) + remove_leftovers(out / "episodes"):
            log.info("%s: removed temporary files left by a build that died", out)
        episode = PIPELINE.run(sources, ctx)
        # only once the episode is out: a build killed before leaves the memory of the last one
        record_broadcast(ctx.report.selected, ctx.report.spoken, ctx)
        prune_cache(ctx.settings.cache)
    return BuildResult(episode=episode, report=ctx.report, seconds=time.perf_counter() - started,
                       timings=dict(ctx.timings), cpu_seconds=dict(ctx.cpu_seconds))
