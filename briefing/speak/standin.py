"""A stand-in voice: deterministic speech-like audio whose length follows the text.

For trying the pipeline in seconds and for tests that are not about the voice: every
stage after it (layout, mastering, chapters, cues, feed) runs exactly as with a real
voice. Each syllable (a Han character, or a vowel group of a Latin word) becomes a
voiced tone with formant-like harmonics and a short consonant burst; clause punctuation
becomes a pause. The same text always gives the same samples.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from functools import lru_cache

import numpy as np

from ..errors import VoiceError, unknown_name
from ..models import Clip, Lang
from ..settings import Settings
from ..text.script import HAN_CHAR
from .voices import VoiceInfo

SAMPLE_RATE = 24000
SYLLABLE_SECONDS = {"zh": 0.19, "en": 0.16}  # about 5.2 Han characters or 3 English words a second
PAUSE_SECONDS = 0.16  # at a comma, semicolon or colon
VOICES = {"standin-zh": "zh-CN", "standin-en": "en-US"}
_SYLLABLE = re.compile(rf"{HAN_CHAR}|[aeiouy]+|\d|[，,；;：:、]", re.IGNORECASE)
_PAUSE_MARKS = "，,；;：:、"
SYLLABLE_KINDS = 48  # distinct syllables a voice draws from: made once, so a story costs milliseconds
DELAY_VARIABLE = "BRIEFING_STANDIN_DELAY"  # seconds each call waits, to test what happens while a story is in flight


class StandInEngine:
    name = "standin"
    max_workers = 2
    version = "standin-1"

    @classmethod
    def from_settings(cls, settings: Settings) -> StandInEngine:
        return cls()

    def available(self, timeout: float) -> bool:
        return True

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(name, lang, "none", "stand-in tones for trying the pipeline (not speech)")
                for name, lang in VOICES.items()]

    def check_voice(self, voice: str) -> None:
        if voice not in VOICES:
            raise VoiceError(unknown_name("stand-in voice", voice, list(VOICES)))

    def synthesize(self, sentences: list[str], voice: str, lang: Lang, rate: str) -> Clip:
        self.check_voice(voice)
        time.sleep(float(os.environ.get(DELAY_VARIABLE) or 0))
        speed = 1.0 + int(rate.rstrip("%")) / 100.0
        return Clip(sentences=[_speak(s, lang, speed) for s in sentences], rate=SAMPLE_RATE,
                    engine=self.name, voice=voice)


def _speak(text: str, lang: Lang, speed: float) -> np.ndarray:
    units = _SYLLABLE.findall(text)
    if not any(u not in _PAUSE_MARKS for u in units):
        return np.zeros(0, np.float32)
    seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
    kinds = np.random.default_rng(seed).integers(0, SYLLABLE_KINDS, size=len(units))
    syllable = int(SYLLABLE_SECONDS[lang] / speed * SAMPLE_RATE)
    pause = np.zeros(int(PAUSE_SECONDS / speed * SAMPLE_RATE), np.float32)
    pieces = [pause if unit in _PAUSE_MARKS else _syllable(syllable, int(kind)) for unit, kind in zip(units, kinds)]
    return np.concatenate(pieces)


@lru_cache(maxsize=4 * SYLLABLE_KINDS)
def _syllable(length: int, kind: int) -> np.ndarray:
    """One voiced tone with formant-like harmonics and a consonant burst; read-only, shared by every call."""
    rng = np.random.default_rng(kind)
    t = np.arange(length) / SAMPLE_RATE
    f0 = rng.uniform(105.0, 175.0) * (1.0 + 0.08 * np.sin(2 * np.pi * rng.uniform(2.0, 5.0) * t))
    phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
    formants = rng.uniform((500.0, 1200.0), (900.0, 2200.0))
    voiced = sum(np.sin(k * phase) * _formant_gain(k * f0.mean(), formants) for k in range(1, 16))
    envelope = np.sin(np.pi * np.linspace(0.0, 1.0, length)) ** 0.6
    burst = rng.standard_normal(length) * np.exp(-t / 0.012) * 0.15
    samples = (0.3 * voiced * envelope + burst).astype(np.float32)
    samples.flags.writeable = False
    return samples


def _formant_gain(freq: float, formants: np.ndarray) -> float:
    return float(sum(1.0 / (1.0 + ((freq - f) / 180.0) ** 2) for f in formants)) + 0.05
