"""Mastering: the mix -> an MP3 that measures TARGET_LUFS with true peaks under the ceiling.

The loudness is checked on the encoded file, not just before encoding: LAME's CBR mono
encoding lowers the level by about 0.4 dB and its filtering moves peaks, so the master
is corrected by what the decoded MP3 measures and encoded again when it misses.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import dsp
from .codec import decode_file, encode_and_measure

log = logging.getLogger(__name__)

TARGET_LUFS = -16.0
LUFS_TOLERANCE = 0.5  # re-encode when the MP3 misses the target by more (podcast hosts accept +-1 LU)
PEAK_GOAL_DBTP = -2.0  # measured on the MP3: half a dB under the -1.5 dBTP requirement
FIRST_CEILING_DBTP = -2.5  # the limiter's ceiling before encoding (the encoder adds a little)
ATTEMPTS = 3
# LAME lowers the level of our mono speech by about this much (dB, measured per bitrate on
# bulletins); the master is raised by it before the first encode, which then usually lands
# within the tolerance. The measurement after encoding still decides.
ENCODER_LOSS_DB = {48: 0.5, 64: 0.5, 96: 0.5, 128: 0.5, 160: 0.4, 192: 0.3, 224: 0.2}


@dataclass(frozen=True)
class Measurement:
    lufs: float
    true_peak: float

    def ok(self, target: float = TARGET_LUFS) -> bool:
        return abs(self.lufs - target) <= LUFS_TOLERANCE and self.true_peak <= PEAK_GOAL_DBTP


def measure(samples: np.ndarray, rate: int) -> Measurement:
    return Measurement(dsp.loudness(samples, rate), dsp.true_peak_db(samples, rate))


def _file_measurement(report: tuple[float, float] | None, path: Path, rate: int) -> Measurement:
    """What the encoded file measures: ffmpeg's meter (it reads high-frequency peaks a little
    higher than ours, so it is the one to satisfy), or ours on the decoded file."""
    return Measurement(*report) if report is not None else measure(decode_file(path, rate), rate)


def master(mix: np.ndarray, rate: int, target_lufs: float = TARGET_LUFS,
           ceiling_dbtp: float = FIRST_CEILING_DBTP, in_place: bool = False) -> np.ndarray:
    """Bring the mix to `target_lufs` with no true peak over `ceiling_dbtp` (in the mix's own
    buffer with `in_place`: a long bulletin then needs no second copy of itself)."""
    out = mix if in_place and mix.dtype == np.float32 else mix.astype(np.float32, copy=True)
    out *= dsp.gain_to(out, rate, target_lufs)
    dsp.limit(out, rate, ceiling_dbtp, in_place=True)
    # limiting takes a little loudness away: give it back (when it matters), and catch the peaks that raises
    correction = dsp.gain_to(out, rate, target_lufs, max_gain_db=1.0)
    if abs(20 * np.log10(correction)) > LUFS_TOLERANCE:
        out *= correction
        dsp.limit(out, rate, ceiling_dbtp, in_place=True)
    return out


def master_to_mp3(mix: np.ndarray, rate: int, path: Path, bitrate_kbps: int,
                  target_lufs: float = TARGET_LUFS, in_place: bool = False) -> tuple[np.ndarray, Measurement]:
    """Master and encode `mix` to `path`; return the master and what the MP3 measures.
    With `in_place` the mix becomes the master (the caller no longer needs the raw mix)."""
    ceiling = FIRST_CEILING_DBTP
    expected_loss = ENCODER_LOSS_DB.get(bitrate_kbps, 0.0)
    mastered = master(mix, rate, target_lufs + expected_loss, ceiling, in_place=in_place)
    for attempt in range(1, ATTEMPTS + 1):
        report = encode_and_measure(mastered, rate, path, bitrate_kbps)  # measured while encoding
        measured = _file_measurement(report, path, rate)
        log.info("encode %d: %.2f LUFS, %.2f dBTP (limiter ceiling %.2f dBTP)",
                 attempt, measured.lufs, measured.true_peak, ceiling)
        if measured.ok(target_lufs) or not np.isfinite(measured.lufs) or attempt == ATTEMPTS:
            break
        if measured.true_peak > PEAK_GOAL_DBTP:
            ceiling -= measured.true_peak - PEAK_GOAL_DBTP + 0.1
        # the encoder's change of level is stable: correct the master by it and limit again
        mastered *= dsp.db_to_gain(target_lufs - measured.lufs)
        dsp.limit(mastered, rate, ceiling, in_place=True)
    if not measured.ok(target_lufs):
        log.warning("the bulletin measures %.1f LUFS and %.1f dBTP (target %.1f LUFS, <= %.1f dBTP)",
                    measured.lufs, measured.true_peak, target_lufs, PEAK_GOAL_DBTP)
    return mastered, measured
