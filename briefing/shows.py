"""Many shows in one run (`briefing shows DIR...`): each folder holds a show's briefing.toml.

Each show is built as `briefing build` would build it in its folder: its own sources,
output folder, cache and lock, published on its own. Shows that name the same cluster
share one connection to it (and so the voices its workers have loaded). A show that fails
(a broken configuration, an unreadable source, a voice error) is reported and the next
one is built; only an unreachable cluster given for the whole run stops the run at its start.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import CONFIG_NAME, load_config
from .context import Context, Progress
from .errors import BriefingError, ConfigError
from .pipeline import BuildResult, build
from .settings import Settings
from .speak.cluster import Cluster, connect_for_build


@dataclass
class ShowOutcome:
    folder: Path
    result: BuildResult | None = None
    error: str | None = None
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None


class _Clusters:
    """One connection per scheduler address, opened when a show first needs it; None: build locally."""

    def __init__(self) -> None:
        self.open: dict[str, Cluster | None] = {}

    def get(self, settings: Settings, ctx: Context) -> Cluster | None:
        address = settings.speak.cluster
        if address is None:
            return None
        if address not in self.open:
            self.open[address] = connect_for_build(address, settings.speak.cluster_fallback, settings.speak.cluster_timeout, ctx)
        elif self.open[address] is None:
            ctx.progress.note(f"cluster: {address} could not be reached at the start; built locally instead")
        return self.open[address]

    def close(self) -> None:
        for cluster in self.open.values():
            if cluster is not None:
                cluster.close()


def build_shows(folders: Sequence[Path], overrides: Mapping[str, object],
                progress_for: Callable[[Path], Progress]) -> list[ShowOutcome]:
    """Build every show in turn; `overrides` are settings given for all (None: each show's own)."""
    clusters = _Clusters()
    try:
        if overrides.get("cluster"):  # given for the whole run: an unreachable cluster stops it here
            run_settings = Settings().with_overrides(**{k: v for k, v in overrides.items() if k.startswith("cluster")})
            clusters.get(run_settings, Context(run_settings, progress_for(Path("."))))
        return [_build_show(folder, overrides, clusters, progress_for(folder)) for folder in folders]
    finally:
        clusters.close()


def _build_show(folder: Path, overrides: Mapping[str, object], clusters: _Clusters, progress: Progress) -> ShowOutcome:
    outcome = ShowOutcome(folder)
    try:
        settings = show_settings(folder, overrides)
        ctx = Context(settings, progress)
        ctx.cluster = clusters.get(settings, ctx)
        if ctx.cluster is None and settings.speak.cluster:  # fell back to a local build
            ctx.settings = dataclasses.replace(settings, speak=dataclasses.replace(settings.speak, cluster=None))
        outcome.result = build(list(settings.read.sources), ctx)
    except BriefingError as exc:
        outcome.error, outcome.exit_code = str(exc), exc.exit_code
    return outcome


def show_settings(folder: Path, overrides: Mapping[str, object]) -> Settings:
    config = folder / CONFIG_NAME
    if not config.is_file():
        raise ConfigError(f"{folder}: no {CONFIG_NAME} in this folder; create one there with `briefing init`")
    settings = load_config(config).with_overrides(**overrides)
    if not settings.read.sources:
        raise ConfigError(f"{config}: no [[sources]]; add a [[sources]] table with path = or url =")
    return settings
