"""Signal processing on mono float32 arrays: resampling, trimming, loudness, limiting."""

from __future__ import annotations

import numpy as np

SILENCE_DB = -45.0  # relative to the clip's peak: below this is silence to trim
FADE_SECONDS = 0.008


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    import soxr

    return soxr.resample(samples.astype(np.float32, copy=False), rate, target, quality="HQ").astype(np.float32)


def trim_silence(samples: np.ndarray, rate: int, keep: float = 0.03) -> np.ndarray:
    """Cut leading and trailing silence, keeping `keep` seconds of margin."""
    if samples.size == 0:
        return samples
    peak = float(np.max(np.abs(samples)))
    if peak == 0:
        return samples[:0]
    window = max(1, int(0.01 * rate))
    frames = samples[: samples.size // window * window].reshape(-1, window)
    if frames.size == 0:
        return samples
    level = np.sqrt(np.mean(frames ** 2, axis=1)) + 1e-12
    loud = np.nonzero(20 * np.log10(level / peak) > SILENCE_DB)[0]
    if loud.size == 0:
        return samples[:0]
    margin = int(keep * rate)
    start = max(0, loud[0] * window - margin)
    end = min(samples.size, (loud[-1] + 1) * window + margin)
    return samples[start:end]


def fade(samples: np.ndarray, rate: int, seconds: float = FADE_SECONDS) -> np.ndarray:
    """Short raised-cosine fade in and out, so joins never click."""
    n = min(int(seconds * rate), samples.size // 2)
    if n <= 0:
        return samples
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, n))).astype(np.float32)
    out = samples.copy()
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


def silence(seconds: float, rate: int) -> np.ndarray:
    return np.zeros(int(round(seconds * rate)), np.float32)


def loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770); -inf for silence or very short audio."""
    import pyloudnorm

    if samples.size < int(0.4 * rate) + 1:
        samples = np.pad(samples, (0, int(0.4 * rate) + 1 - samples.size))
    value = pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64))
    return float(value)


def gain_to(samples: np.ndarray, rate: int, target_lufs: float, max_gain_db: float = 30.0) -> float:
    """Linear gain that brings `samples` to `target_lufs` (bounded for near-silent input)."""
    measured = loudness(samples, rate)
    if not np.isfinite(measured):
        return 1.0
    return float(10 ** (np.clip(target_lufs - measured, -max_gain_db, max_gain_db) / 20))


def true_peak_db(samples: np.ndarray, rate: int) -> float:
    """True peak (4x oversampled) in dBTP."""
    if samples.size == 0:
        return -np.inf
    oversampled = resample(samples, rate, rate * 4)
    peak = float(np.max(np.abs(oversampled)))
    return 20 * np.log10(peak) if peak > 0 else -np.inf


def limit(samples: np.ndarray, rate: int, ceiling_db: float, hold: float = 0.02) -> np.ndarray:
    """Look-ahead peak limiter on 4x-oversampled peaks, so true peaks stay under the ceiling.

    The gain is the deepest reduction needed within +-`hold` seconds, smoothed by a moving
    average no wider than `hold`, so it never exceeds what any sample needs and has no steps.
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_db / 20)
    n = samples.size
    over = np.abs(resample(samples, rate, rate * 4))
    peaks = np.pad(over, (0, max(0, 4 * n - over.size)))[: 4 * n].reshape(n, 4).max(axis=1)
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9)).astype(np.float32)
    if needed.min() >= 1.0:
        return samples
    width = max(1, int(hold * rate))
    held = minimum_filter1d(needed, size=2 * width + 1, mode="nearest")
    gain = uniform_filter1d(held, size=width, mode="nearest")
    return (samples * np.minimum(gain, needed)).astype(np.float32)
