"""Voice presets (voices/presets.toml) and where the shipped voice data lives."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError
from ..models import Lang

if TYPE_CHECKING:
    from ..settings import Settings

ROLES = ("anchor", "second")


@dataclass(frozen=True)
class VoiceInfo:
    name: str
    lang: str  # BCP-47-ish: zh-CN, en-US, ja-JP ...
    gender: str  # female | male
    note: str = ""


def voices_dir() -> Path:
    """voices/ of a source checkout, or its copy inside an installed wheel."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_voices", here.parent / "voices"):
        if (candidate / "presets.toml").is_file():
            return candidate
    raise ConfigError("voice presets not found (voices/presets.toml); reinstall briefing")


@lru_cache(maxsize=1)
def presets() -> dict:
    with open(voices_dir() / "presets.toml", "rb") as f:
        return tomllib.load(f)


def preset_voice(lang: Lang, engine: str, role: str = "anchor") -> str:
    try:
        return presets()[lang][engine][role]
    except KeyError:
        raise ConfigError(f"voices/presets.toml has no {role} voice for {lang} on {engine}; add "
                          f"[{lang}.{engine}] {role} = \"...\"") from None


def configured_voice(settings: Settings, lang: Lang, engine: str) -> str:
    """The voice `engine` reads `lang` with: the [voices] table of briefing.toml, else the preset."""
    configured = {(lang_, engine_): voice for lang_, engine_, voice in settings.speak.voices}
    return configured.get((lang, engine)) or preset_voice(lang, engine)
