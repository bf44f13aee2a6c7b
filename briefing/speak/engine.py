"""The interface every speech engine implements, and the registry of engines by name."""

from __future__ import annotations

import importlib
from typing import Protocol

from ..errors import VoiceError, unknown_name
from ..models import Clip, Lang
from ..settings import Settings
from .voices import VoiceInfo


class SpeechEngine(Protocol):
    name: str
    max_workers: int  # the most threads worth synthesizing at once (requests in flight are the engine's to limit)

    @classmethod
    def from_settings(cls, settings: Settings) -> SpeechEngine:
        """The engine configured by the settings it declares it reads."""
        ...

    def available(self, timeout: float) -> bool:
        """Can it speak now (the service answers, the model loads) within about `timeout` seconds?"""
        ...

    @property
    def version(self) -> str:
        """Changes whenever the same text would sound different (part of the cache key)."""
        ...

    def synthesize(self, sentences: list[str], voice: str, lang: Lang, rate: str) -> Clip:
        """Speak each sentence; return one audio array per sentence."""
        ...

    def voices(self) -> list[VoiceInfo]:
        ...

    def check_voice(self, voice: str) -> None:
        """Raise VoiceError naming the valid voices when `voice` is not one."""
        ...


# name -> "module:class"; imported on first use so that an unused engine costs nothing.
ENGINES: dict[str, str] = {
    "edge": "briefing.speak.edge:EdgeEngine",
    "kokoro": "briefing.speak.kokoro:KokoroEngine",
    "standin": "briefing.speak.standin:StandInEngine",
}
OFFLINE_ENGINES = ("kokoro", "standin")  # engines that need no network (fallbacks for the online voice)


def create_engine(name: str, settings: Settings | None = None) -> SpeechEngine:
    """The engine called `name`, configured from `settings` (the defaults when None)."""
    if name not in ENGINES:
        raise VoiceError(unknown_name("speech engine", name, [*ENGINES, "auto"]))
    module_name, class_name = ENGINES[name].split(":")
    engine_class = getattr(importlib.import_module(module_name), class_name)
    return engine_class.from_settings(settings if settings is not None else Settings())
