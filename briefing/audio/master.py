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
from . import codec
from .codec import decode_file, encode_mp3

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


def measure_file(path: Path, rate: int) -> Measurement:
    """What the encoded file measures: ffmpeg's meter (it reads high-frequency peaks a little
    higher than ours, so it is the one to satisfy), or ours on the decoded file."""
    report = codec.ebur128(path)
    return Measurement(*report) if report is not None else measure(decode_file(path, rate), rate)


def master(mix: np.ndarray, rate: int, target_lufs: float = TARGET_LUFS,
           ceiling_dbtp: float = FIRST_CEILING_DBTP) -> np.ndarray:
    """Bring the mix to `target_lufs` with no true peak over `ceiling_dbtp`."""
    out = dsp.limit(mix * dsp.gain_to(mix, rate, target_lufs), rate, ceiling_dbtp)
    # limiting takes a little loudness away: give it back (when it matters), and catch the peaks that raises
    correction = dsp.gain_to(out, rate, target_lufs, max_gain_db=1.0)
    return dsp.limit(out * correction, rate, ceiling_dbtp) if abs(20 * np.log10(correction)) > LUFS_TOLERANCE else out


def master_to_mp3(mix: np.ndarray, rate: int, path: Path, bitrate_kbps: int,
                  target_lufs: float = TARGET_LUFS) -> tuple[np.ndarray, Measurement]:
    """Master and encode `mix` to `path`; return the master and what the MP3 measures."""
    ceiling = FIRST_CEILING_DBTP
    expected_loss = ENCODER_LOSS_DB.get(bitrate_kbps, 0.0)
    mastered = master(mix, rate, target_lufs + expected_loss, ceiling)
    for attempt in range(1, ATTEMPTS + 1):
        encode_mp3(mastered, rate, path, bitrate_kbps)
        measured = measure_file(path, rate)
        log.info("encode %d: %.2f LUFS, %.2f dBTP (limiter ceiling %.2f dBTP)",
                 attempt, measured.lufs, measured.true_peak, ceiling)
        if measured.ok(target_lufs) or not np.isfinite(measured.lufs) or attempt == ATTEMPTS:
            break
        if measured.true_peak > PEAK_GOAL_DBTP:
            ceiling -= measured.true_peak - PEAK_GOAL_DBTP + 0.1
        # the encoder's change of level is stable: correct the master by it and limit again
        mastered = dsp.limit(mastered * dsp.db_to_gain(target_lufs - measured.lufs), rate, ceiling)
    if not measured.ok(target_lufs):
        log.warning("the bulletin measures %.1f LUFS and %.1f dBTP (target %.1f LUFS, <= %.1f dBTP)",
                    measured.lufs, measured.true_peak, target_lufs, PEAK_GOAL_DBTP)
    return mastered, measured
