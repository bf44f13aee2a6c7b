"""briefing: turn the day's news into a spoken bulletin and a podcast feed.

The library API: build a bulletin with :func:`build` from inputs and :class:`Settings`;
each stage is importable on its own (see briefing.pipeline.STAGES).
"""

__version__ = "0.1.0"

from .context import Context
from .errors import BriefingError
from .models import Source
from .settings import Settings, Show


def build(sources: list[str | Source], settings: Settings | None = None):
    """Read `sources`, speak them and publish the episode; returns a BuildResult."""
    from .pipeline import build as run_build

    return run_build(sources, Context(settings or Settings()))


__all__ = ["BriefingError", "Context", "Settings", "Show", "__version__", "build"]
