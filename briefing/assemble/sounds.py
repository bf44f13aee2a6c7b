"""The show's sound design, synthesized here (no third-party music or samples).

One motif in D major runs through all three sounds: an electric-piano line (two-operator
FM, the classic Rhodes recipe) over a soft string pad, a low pulse on the downbeat, and
a small room reverb. The intro rises (D-D-A-F#), the transition is two quiet notes of it,
the outro falls back to the tonic. Every sound is deterministic, starts and ends in
silence, and is returned peak-normalised; the assembler sets its loudness.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from functools import lru_cache, wraps
from pathlib import Path

import numpy as np

from ..files import kept_in_cache
from . import dsp

# equal-tempered frequencies of the notes used
D3, A3, D4, FS4, A4, B4, CS5, D5, E5, FS5, A5, D6 = (
    146.83, 220.00, 293.66, 369.99, 440.00, 493.88, 554.37, 587.33, 659.26, 739.99, 880.00, 1174.66)


def _time(seconds: float, rate: int) -> np.ndarray:
    return np.arange(int(seconds * rate)) / rate


def electric_piano(freq: float, seconds: float, rate: int, decay: float = 0.9) -> np.ndarray:
    """A bell-like FM tone: the modulation index falls as the note decays (bright attack, warm tail)."""
    t = _time(seconds, rate)
    index = 0.4 + 2.2 * np.exp(-t / 0.18)
    body = np.sin(2 * np.pi * freq * t + index * np.sin(2 * np.pi * freq * t))
    tine = 0.12 * np.sin(2 * np.pi * freq * 7.0 * t) * np.exp(-t / 0.05)  # the short metallic strike
    envelope = np.minimum(1.0, t / 0.004) * np.exp(-t / decay)
    return ((body + tine) * envelope).astype(np.float32)


def pad(freqs: list[float], seconds: float, rate: int, attack: float = 0.5, release: float = 1.0,
        brightness: int = 12) -> np.ndarray:
    """A soft string pad: detuned band-limited saw waves with slow attack and release."""
    t = _time(seconds, rate)
    out = np.zeros(t.size)
    for freq in freqs:
        for detune in (0.997, 1.003):
            f = freq * detune
            phase = 2 * np.pi * f * t + 1.0  # harmonic k is sin(k * phase): each from the two below it
            twice_cos, below, current = 2 * np.cos(phase), np.zeros(t.size), np.sin(phase)
            for k in range(1, brightness + 1):
                if k * f > rate / 2.5:
                    break
                out += current / (k ** 1.3)  # falls faster than a saw: mellower
                below, current = current, twice_cos * current - below
    envelope = np.minimum(1.0, t / attack) * np.clip((seconds - t) / release, 0.0, 1.0)
    return (out * envelope / (2 * len(freqs))).astype(np.float32)


def pulse(rate: int, freq: float = D3 / 2, seconds: float = 0.9) -> np.ndarray:
    """A low, round hit under the downbeat: a sine that drops in pitch and fades."""
    t = _time(seconds, rate)
    sweep = freq * (1 + 0.6 * np.exp(-t / 0.05))
    phase = 2 * np.pi * np.cumsum(sweep) / rate
    return (np.sin(phase) * np.minimum(1.0, t / 0.006) * np.exp(-t / 0.22)).astype(np.float32)


def _comb(x: np.ndarray, delay: int, feedback: float) -> np.ndarray:
    """y[n] = x[n] + feedback * y[n - delay], a block of `delay` samples at a time."""
    y = x.copy()
    for start in range(delay, y.size, delay):
        end = min(y.size, start + delay)
        y[start:end] += feedback * y[start - delay:end - delay]
    return y


def _allpass(x: np.ndarray, delay: int, g: float) -> np.ndarray:
    """Schroeder all-pass: y[n] = -g x[n] + x[n - delay] + g y[n - delay]."""
    y = -g * x
    y[delay:] += x[:-delay]
    for start in range(delay, y.size, delay):
        end = min(y.size, start + delay)
        y[start:end] += g * y[start - delay:end - delay]
    return y


def room(dry: np.ndarray, rate: int, wet: float = 0.25) -> np.ndarray:
    """A small Schroeder reverb (four combs, two all-passes): a sense of space, not an effect."""
    x = dry.astype(np.float64)
    combs = ((29.7, 0.80), (37.1, 0.78), (41.1, 0.76), (43.7, 0.74))
    tail = np.sum([_comb(x, int(ms * rate / 1000), fb) for ms, fb in combs], axis=0)
    for ms in (5.0, 1.7):
        tail = _allpass(tail, int(ms * rate / 1000), 0.7)
    return (x * (1 - wet) + tail * wet / 4).astype(np.float32)


def _mix(length: float, rate: int, parts: list[tuple[np.ndarray, float, float]]) -> np.ndarray:
    """Place (audio, start second, gain) parts in a buffer `length` seconds long."""
    out = np.zeros(int(length * rate), np.float32)
    for audio, start, gain in parts:
        begin = int(start * rate)
        piece = audio[: max(0, out.size - begin)]
        out[begin:begin + piece.size] += gain * piece
    return out


def _finish(mix: np.ndarray, rate: int, tail_fade: float) -> np.ndarray:
    """Reverb, a fade to true silence at the end, peak 1.0."""
    out = dsp.fade(room(mix, rate), rate, seconds=tail_fade, fade_in=False)
    start = min(out.size, int(0.003 * rate))
    out[:start] *= np.linspace(0, 1, start, dtype=np.float32)
    peak = float(np.max(np.abs(out))) or 1.0
    out = (out / peak).astype(np.float32)
    out.setflags(write=False)  # shared by the cache: callers scale a copy
    return out


@lru_cache(maxsize=1)
def _design() -> str:
    """What the sounds are made by: this module and the filters it uses (a change makes them anew)."""
    code = Path(__file__).read_bytes() + Path(dsp.__file__).read_bytes()
    return hashlib.sha256(code).hexdigest()[:16]


def _kept(make: Callable[[int], np.ndarray]) -> Callable[[int], np.ndarray]:
    """Made once per machine and rate, then read from the user's cache folder (making the three
    takes most of a second, every build needs them); a copy that cannot be read is made again."""

    @lru_cache(maxsize=8)
    @wraps(make)
    def sound(rate: int) -> np.ndarray:
        try:
            name = f"sounds/{make.__name__}-{rate}-{_design()}.npy"
        except OSError:  # the module's source is not readable: no key to keep it under
            return make(rate)
        kept = np.load(io.BytesIO(kept_in_cache(name, lambda: _npy(make(rate)), _readable,
                                                replaces=f"{make.__name__}-{rate}-*.npy")))
        kept.setflags(write=False)
        return kept

    return sound


def _npy(samples: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, samples, allow_pickle=False)
    return buffer.getvalue()


def _readable(data: bytes) -> bool:
    try:
        samples = np.load(io.BytesIO(data), allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return False
    return samples.dtype == np.float32 and samples.ndim == 1 and samples.size > 0


@_kept
def intro_sting(rate: int) -> np.ndarray:
    """About 3 seconds: a pulse and a rising line D5 D5 A5 F#5 over a D major pad."""
    notes = [(D5, 0.00, 0.9), (D5, 0.18, 0.7), (A5, 0.36, 0.9), (FS5, 0.72, 1.0)]
    parts = [(electric_piano(f, 2.4, rate), start, gain) for f, start, gain in notes]
    parts += [(electric_piano(D4, 2.6, rate, decay=1.2), 0.0, 0.35),
              (pad([D4, FS4, A4], 2.9, rate, attack=0.35, release=1.6), 0.0, 0.55),
              (pulse(rate), 0.0, 0.8)]
    return _finish(_mix(3.1, rate, parts), rate, tail_fade=1.0)


@_kept
def transition(rate: int) -> np.ndarray:
    """Under a second: two soft notes of the motif (A5 then D6), a light touch between stories."""
    parts = [(electric_piano(A5, 0.9, rate, decay=0.35), 0.0, 0.8),
             (electric_piano(D6, 0.8, rate, decay=0.3), 0.11, 0.6),
             (pad([D5, A5], 0.9, rate, attack=0.05, release=0.6, brightness=4), 0.0, 0.25)]
    return _finish(_mix(0.9, rate, parts), rate, tail_fade=0.35)


@_kept
def outro(rate: int) -> np.ndarray:
    """About 3.5 seconds: the line falling home (A5 F#5 E5 D5) over the pad, ending on the pulse."""
    notes = [(A5, 0.00, 0.8), (FS5, 0.20, 0.8), (E5, 0.40, 0.8), (D5, 0.75, 1.0)]
    parts = [(electric_piano(f, 2.8, rate, decay=1.1), start, gain) for f, start, gain in notes]
    parts += [(electric_piano(D4, 2.8, rate, decay=1.4), 0.75, 0.4),
              (pad([D4, FS4, A4, D5], 3.4, rate, attack=0.3, release=2.0), 0.0, 0.5),
              (pulse(rate), 0.75, 0.7)]
    return _finish(_mix(3.6, rate, parts), rate, tail_fade=1.6)
