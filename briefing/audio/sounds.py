"""Sound design made here, from sine partials: an intro sting, a transition chime, an outro."""

from __future__ import annotations

import numpy as np


def _tone(freq: float, seconds: float, rate: int, decay: float, partials=(1.0, 0.35, 0.12)) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    wave = sum(amp * np.sin(2 * np.pi * freq * (k + 1) * t) for k, amp in enumerate(partials))
    attack = np.minimum(1.0, t / 0.01)
    return (wave * attack * np.exp(-t / decay)).astype(np.float32)


def _sequence(notes: list[tuple[float, float]], length: float, rate: int, decay: float) -> np.ndarray:
    """Mix notes (frequency, start second) into one buffer `length` seconds long."""
    out = np.zeros(int(length * rate), np.float32)
    for freq, start in notes:
        tone = _tone(freq, length - start, rate, decay)
        begin = int(start * rate)
        out[begin:begin + tone.size] += tone[: out.size - begin]
    peak = float(np.max(np.abs(out))) or 1.0
    fade = min(out.size, int(0.05 * rate))
    out[-fade:] *= np.linspace(1, 0, fade, dtype=np.float32)
    return out / peak


def intro_sting(rate: int) -> np.ndarray:
    """A rising major arpeggio (C5 E5 G5 C6), about two seconds."""
    return _sequence([(523.25, 0.0), (659.25, 0.16), (783.99, 0.32), (1046.5, 0.48)], 2.0, rate, 0.45)


def transition(rate: int) -> np.ndarray:
    """A soft two-note chime between stories."""
    return 0.6 * _sequence([(880.0, 0.0), (1318.5, 0.09)], 0.7, rate, 0.18)


def outro(rate: int) -> np.ndarray:
    """The intro's notes falling, to close the show."""
    return _sequence([(1046.5, 0.0), (783.99, 0.18), (659.25, 0.36), (523.25, 0.54)], 2.4, rate, 0.55)
