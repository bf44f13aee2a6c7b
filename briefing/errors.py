"""One exception hierarchy for the whole package.

Every error a user can cause or fix is a :class:`BriefingError`; its message says what
went wrong and what to do. The CLI prints it as one line and exits with ``exit_code``
(the codes are listed in the README).
"""

from __future__ import annotations


class BriefingError(Exception):
    """Base class: a known problem with a message that tells the user what to do."""

    exit_code = 1


class InputError(BriefingError):
    """An input file or URL cannot be read as news (missing, empty, binary, malformed)."""

    exit_code = 2


class ConfigError(BriefingError):
    """A setting or option has a wrong value."""

    exit_code = 3


class VoiceError(BriefingError):
    """A speech engine or voice cannot be used, or an item could not be voiced."""

    exit_code = 4


class ClusterError(BriefingError):
    """The Dask cluster of `--cluster` cannot be reached, has no workers, or was lost during the build."""

    exit_code = 4


class AudioError(BriefingError):
    """Audio could not be decoded, mastered or encoded."""

    exit_code = 5


class PublishError(BriefingError):
    """The feed or the episode files could not be written."""

    exit_code = 6


class BusyError(PublishError):
    """Another build holds the output folder."""

    exit_code = 7


def unknown_name(kind: str, name: str, valid: list[str] | tuple[str, ...]) -> str:
    """The message for a name that is not in a registry, listing the valid ones."""
    return f"unknown {kind} {name!r}; choose one of: {', '.join(sorted(valid))}"
