"""One exception hierarchy for the whole package.

Every error a user can cause or fix is a :class:`BriefingError`; its message says what
went wrong and what to do. The CLI prints it as one line and exits with ``exit_code``
(the codes are listed in the README).
"""

from __future__ import annotations


class BriefingError(Exception):
    """Base class: a known problem with a message that tells the user what to do."""

    exit_code = 1

    def __init_subclass__(cls, exit_code: int | None = None, **kwargs: object) -> None:
        """`class InputError(BriefingError, exit_code=2)` sets the code the CLI exits with."""
        super().__init_subclass__(**kwargs)
        if exit_code is not None:
            cls.exit_code = exit_code


class InputError(BriefingError, exit_code=2):
    """An input file or URL cannot be read as news (missing, empty, binary, malformed)."""


class ConfigError(BriefingError, exit_code=3):
    """A setting or option has a wrong value."""


class VoiceError(BriefingError, exit_code=4):
    """A speech engine or voice cannot be used, or an item could not be voiced."""


class ClusterError(BriefingError, exit_code=4):
    """The Dask cluster of `--cluster` cannot be reached, has no workers, or was lost during the build."""


class AudioError(BriefingError, exit_code=5):
    """Audio could not be decoded, mastered or encoded."""


class PublishError(BriefingError, exit_code=6):
    """The feed or the episode files could not be written."""


class BusyError(PublishError, exit_code=7):
    """Another build holds the output folder."""


def unknown_name(kind: str, name: str, valid: list[str] | tuple[str, ...]) -> str:
    """The message for a name that is not in a registry, listing the valid ones."""
    return f"unknown {kind} {name!r}; choose one of: {', '.join(sorted(valid))}"
