"""Independent measurements of produced audio, with the ffmpeg binary only (not the project's code)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np


def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def decode(path: Path | str, rate: int = 44100) -> np.ndarray:
    """Decode any audio file to mono float32 at `rate`."""
    raw = subprocess.run([ffmpeg(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-f", "f32le",
                          "-ac", "1", "-ar", str(rate), "-"], check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype="<f4")


def duration(path: Path | str) -> float:
    return decode(path, 8000).size / 8000


def ebur128(path: Path | str, start: float | None = None, seconds: float | None = None) -> dict[str, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) as ffmpeg's ebur128 filter measures them
    (of the whole file, or of `seconds` from `start`)."""
    span = (["-ss", f"{start:.3f}"] if start is not None else []) + (["-t", f"{seconds:.3f}"] if seconds else [])
    log = subprocess.run([ffmpeg(), "-hide_banner", "-nostats", *span, "-i", str(path), "-af", "ebur128=peak=true",
                          "-f", "null", "-"], capture_output=True, text=True,
                         errors="replace", check=False).stderr  # ffmpeg may cut a tag mid-character
    summary = log[log.rindex("Summary:"):]
    return {"lufs": float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1)),
            "true_peak": float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))}


def voiced_seconds(samples: np.ndarray, rate: int, threshold_db: float = -45.0) -> float:
    """Seconds of 20 ms windows louder than `threshold_db` dBFS RMS."""
    window = int(0.02 * rate)
    frames = samples[: samples.size // window * window].reshape(-1, window)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)) + 1e-12
    return float(np.sum(20 * np.log10(rms) > threshold_db) * 0.02)


def tone_strength(samples: np.ndarray, rate: int, freq: float) -> float:
    """Share of the spectrum's energy within 20 Hz of `freq`."""
    spectrum = np.abs(np.fft.rfft(samples)) ** 2
    freqs = np.fft.rfftfreq(samples.size, 1 / rate)
    band = (freqs > freq - 20) & (freqs < freq + 20)
    return float(spectrum[band].sum() / spectrum.sum())


def voiced_runs(samples: np.ndarray, rate: int, threshold_db: float = -45.0, window: float = 0.01,
                bridge: float = 0.25) -> list[tuple[float, float]]:
    """(start, end) seconds of stretches louder than `threshold_db` dBFS RMS in `window`
    steps; quieter gaps shorter than `bridge` seconds (breaths, commas) do not split a run."""
    step = int(window * rate)
    frames = samples[: samples.size // step * step].reshape(-1, step).astype(np.float64)
    loud = 20 * np.log10(np.sqrt(np.mean(frames ** 2, axis=1)) + 1e-12) > threshold_db
    runs: list[list[float]] = []
    for index in np.nonzero(loud)[0]:
        start, end = index * window, (index + 1) * window
        if runs and start - runs[-1][1] < bridge:
            runs[-1][1] = end
        else:
            runs.append([start, end])
    return [(a, b) for a, b in runs]


def nearest(value: float, candidates: list[float]) -> float:
    """Distance from `value` to the closest of `candidates`."""
    return min(abs(value - c) for c in candidates)
