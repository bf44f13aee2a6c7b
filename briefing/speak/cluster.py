"""Story synthesis on a Dask cluster (`briefing build --cluster tcp://HOST:8786`).

Only the synthesis of cache misses leaves the build process: each story is one task that
a worker runs with an engine it created once per process (so a voice model loads once per
worker and serves every show sent to it) and whose audio comes back to the build. Reading,
the cache, assembly and publishing stay here; workers write nothing into the output
folder. A task is pure (the same text, engine, voice and rate give the same audio), so the
scheduler may run it again on another worker when one dies mid-story; it does so up to its
`distributed.scheduler.allowed-failures` times (3 by default).

`distributed` is imported only when a cluster is used: a local build never loads it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..context import Context
from ..errors import ClusterError
from ..models import Clip, Lang
from ..settings import Settings, SpeakSettings
from .engine import SpeechEngine, create_engine

log = logging.getLogger(__name__)

FALLBACKS = ("fail", "local")  # what a build does when the cluster cannot be reached at its start
STORIES_AT_ONCE = 256  # stories waiting on the cluster at once; the scheduler spreads them over its workers


class Cluster:
    """A connection to a Dask scheduler that synthesizes stories on its workers."""

    stories_at_once = STORIES_AT_ONCE

    def __init__(self, client: Any, address: str) -> None:
        self.client = client
        self.address = address
        self.round_trips: dict[str, float] = {}  # task key -> seconds from submission to audio here (bench/run.py)

    @classmethod
    def connect(cls, address: str, timeout: float) -> Cluster:
        """Connect and wait (up to `timeout`) for at least one worker; ClusterError when that fails."""
        try:
            from distributed import Client
        except ImportError:
            raise ClusterError("building on a cluster needs Dask: pip install 'briefing[cluster]'") from None
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach the cluster scheduler at {address} ({_reason(exc)}); start it with "
                               f"`dask scheduler`, fix the address, or add --cluster-fallback local") from None
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            client.close()
            raise ClusterError(f"the cluster scheduler at {address} has no workers ({_reason(exc)}); "
                               f"start some with `dask worker {address} --nthreads 1`") from None
        return cls(client, address)

    def synthesize(self, key: str, engine: SpeechEngine, settings: Settings, sentences: list[str],
                   voice: str, lang: Lang, rate: str) -> Clip:
        """One story's clip, synthesized on a worker; `key` (the cache key) names the task."""
        from distributed import KilledWorker

        submitted = time.perf_counter()
        future = self.client.submit(speak_on_worker, engine.name, settings, sentences, voice, lang, rate,
                                    key=f"briefing-speak-{key}", pure=False)
        try:
            clip, version = future.result()
            self.round_trips[future.key] = time.perf_counter() - submitted
        except KilledWorker as exc:
            raise ClusterError(f"a story killed every worker that tried it ({exc}); "
                               "check the workers' logs and memory") from None
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"lost the cluster at {self.address} ({_reason(exc)}); "
                               "the published feed is unchanged, rerun the build") from None
        finally:
            future.release()
        if version != engine.version:
            raise ClusterError(f"the workers speak {engine.name} version {version!r}, this build {engine.version!r}; "
                               "install the same version of briefing on the workers")
        return clip

    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def close(self) -> None:
        try:
            self.client.close()
        except Exception as exc:  # noqa: BLE001 - closing a connection to a scheduler that is gone
            log.debug("closing the cluster client: %s", exc)


def _reason(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def connect_for_build(address: str, fallback: str, timeout: float, ctx: Context) -> Cluster | None:
    """The cluster, or None (a local build, said in the summary) when it is unreachable and fallback is local."""
    try:
        cluster = Cluster.connect(address, timeout)
    except ClusterError as exc:
        if fallback != "local":
            raise
        ctx.progress.note(f"cluster: {str(exc).split('; ')[0]}; built locally instead (--cluster-fallback local)")
        return None
    ctx.progress.note(f"cluster: stories synthesized by the workers of {address} "
                      f"({cluster.workers()} when the build started)")
    return cluster


@contextmanager
def cluster_session(ctx: Context) -> Iterator[None]:
    """For one build: connect to settings.speak.cluster unless the caller gave ctx.cluster (e.g. `briefing shows`)."""
    settings = ctx.settings
    if ctx.cluster is not None or not settings.speak.cluster:
        yield
        return
    ctx.cluster = connect_for_build(settings.speak.cluster, settings.speak.cluster_fallback, settings.speak.cluster_timeout, ctx)
    try:
        yield
    finally:
        if ctx.cluster is not None:
            ctx.cluster.close()
        ctx.cluster = None


# ---------------------------------------------------------------- what runs on a worker

_engines: dict[tuple[str, SpeakSettings], SpeechEngine] = {}
_engines_lock = threading.Lock()
_counts = {"engines": 0, "stories": 0}


def speak_on_worker(engine_name: str, settings: Settings, sentences: list[str], voice: str, lang: Lang,
                    rate: str) -> tuple[Clip, str]:
    """Synthesize one story with this process's engine; return the clip and the engine version."""
    engine = _engine(engine_name, settings)
    clip = engine.synthesize(sentences, voice, lang, rate)
    with _engines_lock:
        _counts["stories"] += 1
    return clip, engine.version


def _engine(name: str, settings: Settings) -> SpeechEngine:
    identity = (name, settings.speak)  # the engine reads its settings from the speak group
    with _engines_lock:
        if identity not in _engines:
            _engines[identity] = create_engine(name, settings)
            _counts["engines"] += 1
        return _engines[identity]


def worker_counts() -> dict[str, int]:
    """Engines created and stories synthesized by this process (for `client.run`: tests and the bench)."""
    with _engines_lock:
        return dict(_counts)
