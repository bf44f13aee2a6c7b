"""Signal processing on mono float32 arrays: resampling, trimming, loudness, dynamics.

Everything here runs in time and memory proportional to its input: long signals are
oversampled in chunks, and envelopes are followed at a control rate (one value per
couple of milliseconds), not per sample.
"""

from __future__ import annotations

import numpy as np

SILENCE_DB = -45.0  # relative to the clip's peak: below this is silence to trim
FADE_SECONDS = 0.008
OVERSAMPLE = 4  # true peaks are read on a 4x oversampled signal, as BS.1770 does
CHUNK_SECONDS = 10.0  # long signals are measured and limited this much at a time
BLOCK_STEPS = 4  # a BS.1770 gating block (400 ms) is four 100 ms steps (75 % overlap)
CONTROL_SECONDS = 0.002  # hop of the envelope followers


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Band-limited resampling (soxr, high quality)."""
    if rate == target or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    import soxr

    return soxr.resample(samples.astype(np.float32, copy=False), rate, target, quality="HQ").astype(np.float32)


def highpass(samples: np.ndarray, rate: int, cutoff: float = 70.0) -> np.ndarray:
    """Remove rumble and DC under the voice (2nd-order Butterworth)."""
    from scipy.signal import butter, sosfilt

    if samples.size == 0:
        return samples
    sos = butter(2, cutoff, "highpass", fs=rate, output="sos")
    return sosfilt(sos, samples).astype(np.float32)


def _allpass_section(freq: float, q: float, rate: int) -> list[float]:
    """One second-order all-pass (RBJ cookbook) as a scipy SOS row."""
    w = 2 * np.pi * freq / rate
    alpha, cos = np.sin(w) / (2 * q), np.cos(w)
    a0 = 1 + alpha
    return [(1 - alpha) / a0, -2 * cos / a0, 1.0, 1.0, -2 * cos / a0, (1 - alpha) / a0]


def phase_rotate(samples: np.ndarray, rate: int, freqs: tuple[float, ...] = (150.0, 200.0, 300.0, 400.0)) -> np.ndarray:
    """Make a voice's lopsided waveform symmetric (a broadcast phase rotator).

    All-pass filters change no level at any frequency, but they smear the sharp, one-sided
    glottal pulses of a voice, lowering its peaks by a decibel or more for free.
    """
    from scipy.signal import sosfilt

    if samples.size == 0:
        return samples
    sos = np.array([_allpass_section(f, 0.7, rate) for f in freqs])
    return sosfilt(sos, samples).astype(np.float32)


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
    level = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)) + 1e-12
    loud = np.nonzero(20 * np.log10(level / peak) > SILENCE_DB)[0]
    if loud.size == 0:
        return samples[:0]
    margin = int(keep * rate)
    start = max(0, loud[0] * window - margin)
    end = min(samples.size, (loud[-1] + 1) * window + margin)
    return samples[start:end]


def fade(samples: np.ndarray, rate: int, seconds: float = FADE_SECONDS,
         fade_in: bool = True, fade_out: bool = True) -> np.ndarray:
    """Raised-cosine fades, so a join never steps (no clicks)."""
    n = min(int(seconds * rate), samples.size // 2)
    if n <= 0:
        return samples
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, n))).astype(np.float32)
    out = samples.astype(np.float32, copy=True)
    if fade_in:
        out[:n] *= ramp
    if fade_out:
        out[-n:] *= ramp[::-1]
    return out


def _k_weighting(rate: int) -> np.ndarray:
    """BS.1770's K-weighting (a high shelf, then a high pass) as two biquads for `rate`."""
    w = 2 * np.pi * 1681.974450955533 / rate  # the shelf, as in the standard's 48 kHz coefficients
    gain, q = 10 ** (3.999843853973347 / 40), 0.7071752369554196
    alpha, cos, root = np.sin(w) / (2 * q), np.cos(w), np.sqrt(gain)
    shelf = [gain * ((gain + 1) + (gain - 1) * cos + 2 * root * alpha), -2 * gain * ((gain - 1) + (gain + 1) * cos),
             gain * ((gain + 1) + (gain - 1) * cos - 2 * root * alpha),
             (gain + 1) - (gain - 1) * cos + 2 * root * alpha, 2 * ((gain - 1) - (gain + 1) * cos),
             (gain + 1) - (gain - 1) * cos - 2 * root * alpha]
    w = 2 * np.pi * 38.13547087602444 / rate
    alpha, cos = np.sin(w) / (2 * 0.5003270373238773), np.cos(w)
    highpass = [1.0, -2.0, 1.0, 1 + alpha, -2 * cos, 1 - alpha]
    return np.array([[*(c / f[3] for c in f[:3]), 1.0, f[4] / f[3], f[5] / f[3]] for f in (shelf, highpass)])


def loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770-4, mono); -inf for silence.

    The K-weighted energy is summed per 100 ms step, CHUNK_SECONDS at a time (memory does
    not grow with the bulletin); each 400 ms gating block is four consecutive steps. Then
    the absolute (-70 LUFS) and relative (-10 LU) gates.
    """
    from scipy.signal import sosfilt

    step = round(0.1 * rate)
    block = BLOCK_STEPS * step
    if samples.size == 0:
        return float("-inf")
    if samples.size < block:  # shorter than one gating block: measure it looped
        samples = np.tile(samples, block // samples.size + 1)
    sos = _k_weighting(rate)
    state = np.zeros((sos.shape[0], 2))
    steps = samples.size // step
    energy = np.empty(steps)
    chunk = step * max(1, int(CHUNK_SECONDS / 0.1))
    for begin in range(0, steps * step, chunk):
        part = samples[begin:min(begin + chunk, steps * step)].astype(np.float64)
        filtered, state = sosfilt(sos, part, zi=state)
        energy[begin // step: begin // step + part.size // step] = (filtered ** 2).reshape(-1, step).sum(axis=1)
    power = np.convolve(energy, np.ones(BLOCK_STEPS), mode="valid") / block
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10 * np.log10(power)
    gated = power[block_lufs > -70.0]
    if gated.size == 0:
        return float("-inf")
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10.0
    gated = gated[-0.691 + 10 * np.log10(gated) > relative]
    return float(-0.691 + 10 * np.log10(gated.mean()))


def gain_to(samples: np.ndarray, rate: int, target_lufs: float, max_gain_db: float = 40.0) -> float:
    """Linear gain that brings `samples` to `target_lufs` (bounded for near-silent input)."""
    measured = loudness(samples, rate)
    if not np.isfinite(measured):
        return 1.0
    return db_to_gain(float(np.clip(target_lufs - measured, -max_gain_db, max_gain_db)))


def db_to_gain(db: float) -> float:
    return float(10 ** (db / 20))


def _oversampled_chunks(samples: np.ndarray, rate: int):
    """Yield (start, peaks) with the largest |x| of the 4x-oversampled signal per input sample."""
    import soxr

    stream = soxr.ResampleStream(rate, rate * OVERSAMPLE, 1, dtype="float32", quality="HQ")
    step = int(CHUNK_SECONDS * rate)
    pending = np.zeros(0, np.float32)
    done = 0
    for begin in range(0, samples.size, step):
        chunk = samples[begin:begin + step].astype(np.float32, copy=False)
        pending = np.concatenate([pending, np.abs(stream.resample_chunk(chunk, last=begin + step >= samples.size))])
        whole = pending.size // OVERSAMPLE
        peaks = pending[0: whole * OVERSAMPLE: OVERSAMPLE].copy()  # elementwise maxima of the phases:
        for phase in range(1, OVERSAMPLE):                          # far faster than max(axis=1) over 4
            np.maximum(peaks, pending[phase: whole * OVERSAMPLE: OVERSAMPLE], out=peaks)
        pending = pending[whole * OVERSAMPLE:]
        # the peak of each input sample is never below the sample itself
        peaks = np.maximum(peaks, np.abs(samples[done:done + whole]))
        yield done, peaks
        done += whole
    if done < samples.size:
        yield done, np.abs(samples[done:]).astype(np.float32)


def hop_peaks(samples: np.ndarray, rate: int, hop: int) -> np.ndarray:
    """The true (inter-sample) peak of each `hop` samples, computed a chunk at a time."""
    out = np.zeros(-(-samples.size // hop), np.float32)
    for start, peaks in _oversampled_chunks(samples, rate):
        if not peaks.size:
            continue
        first, last = start // hop, (start + peaks.size - 1) // hop
        cuts = np.maximum(np.arange(first, last + 1) * hop - start, 0)
        np.maximum(out[first:last + 1], np.maximum.reduceat(peaks, cuts), out=out[first:last + 1])
    return out


def true_peak_db(samples: np.ndarray, rate: int) -> float:
    """True peak (4x oversampled) in dBTP."""
    peak = max((float(p.max()) for _, p in _oversampled_chunks(samples, rate) if p.size), default=0.0)
    return 20 * np.log10(peak) if peak > 0 else -np.inf


def _envelope_db(samples: np.ndarray, rate: int, window: float) -> tuple[np.ndarray, int]:
    """RMS level in dBFS over `window` seconds, one value per control hop; and the hop."""
    hop = max(1, int(CONTROL_SECONDS * rate))
    power = np.concatenate([[0.0], np.cumsum(samples.astype(np.float64) ** 2)])
    half = max(1, int(window * rate / 2))
    centres = np.arange(0, samples.size, hop)
    lo, hi = np.clip(centres - half, 0, samples.size), np.clip(centres + half, 0, samples.size)
    rms = np.sqrt((power[hi] - power[lo]) / np.maximum(1, hi - lo))
    return 20 * np.log10(rms + 1e-9), hop


def _smooth(gain_db: np.ndarray, hop_seconds: float, attack: float, release: float) -> np.ndarray:
    """One-pole attack/release smoothing of a gain-reduction curve (values <= 0 dB)."""
    a = float(np.exp(-hop_seconds / attack))
    r = float(np.exp(-hop_seconds / release))
    out = np.empty_like(gain_db)
    state = 0.0
    for i, target in enumerate(gain_db.tolist()):
        coeff = a if target < state else r
        state = coeff * state + (1 - coeff) * target
        out[i] = state
    return out


def _apply_control(samples: np.ndarray, gain_db: np.ndarray, hop: int) -> np.ndarray:
    positions = np.arange(gain_db.size) * hop
    gain = np.interp(np.arange(samples.size), positions, db_to_gain_array(gain_db))
    return (samples * gain).astype(np.float32)


def db_to_gain_array(db: np.ndarray) -> np.ndarray:
    return np.power(10.0, db / 20.0)


def compress(samples: np.ndarray, rate: int, threshold_db: float, ratio: float = 3.0, knee_db: float = 6.0,
             attack: float = 0.003, release: float = 0.15, window: float = 0.01) -> np.ndarray:
    """A soft-knee RMS compressor: evens out loud syllables so the limiter has little to do."""
    if samples.size == 0:
        return samples
    level, hop = _envelope_db(samples, rate, window)
    over = level - threshold_db
    slope = 1.0 / ratio - 1.0
    reduction = np.where(over <= -knee_db / 2, 0.0,
                         np.where(over >= knee_db / 2, slope * over,
                                  slope * (over + knee_db / 2) ** 2 / (2 * knee_db)))
    return _apply_control(samples, _smooth(reduction, hop / rate, attack, release), hop)


def limit(samples: np.ndarray, rate: int, ceiling_db: float, attack: float = 0.005,
          release: float = 0.08, in_place: bool = False) -> np.ndarray:
    """Look-ahead true-peak limiter: no 4x-oversampled peak of the output exceeds the ceiling.

    The gain each 2 ms hop needs (the least over its samples) is held over +-`attack` plus a
    hop and averaged over `attack`: the gain ramps down before a peak arrives and, read
    between hops, never gives any sample more than it needs. The recovery after a peak is
    slowed to `release` so the voice does not flutter. Work is done per hop, and per sample
    only in the chunks where the gain dips below 1; memory does not grow with the bulletin
    beyond the output itself (nor by that with `in_place`, which limits float32 `samples`
    where they are).
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    if samples.size == 0:
        return samples
    hop = max(1, int(CONTROL_SECONDS * rate))
    hops = -(-samples.size // hop)
    per_hop = np.minimum(1.0, db_to_gain(ceiling_db) / np.maximum(hop_peaks(samples, rate, hop), 1e-9))
    if per_hop.min() >= 1.0:
        return samples
    width = max(1, round(attack * rate / hop))
    ramped = uniform_filter1d(minimum_filter1d(per_hop, size=2 * (width + 1) + 1, mode="nearest"),
                              size=width, mode="nearest")
    coeff = float(np.exp(-(hop / rate) / release))
    gain_db = 20 * np.log10(np.maximum(ramped, 1e-9))
    held = np.empty_like(gain_db)
    state = 0.0
    for i, target in enumerate(gain_db.tolist()):  # the release: recover no faster than `release`
        state = min(target, coeff * state)
        held[i] = state
    gain_hops = db_to_gain_array(held)
    out = samples if in_place and samples.dtype == np.float32 else samples.astype(np.float32, copy=True)
    centres = np.arange(hops) * hop + hop // 2
    step = int(CHUNK_SECONDS * rate)
    for begin in range(0, samples.size, step):  # a chunk at a time, and only where some gain is under 1
        end = min(begin + step, samples.size)
        if gain_hops[max(0, begin // hop - 1):(end - 1) // hop + 2].min() >= 1.0:
            continue
        out[begin:end] *= np.interp(np.arange(begin, end), centres, gain_hops).astype(np.float32)
    return out


def duck(bed: np.ndarray, voice: np.ndarray, rate: int, depth_db: float, attack: float = 0.08,
         release: float = 0.6, threshold_db: float = -45.0) -> np.ndarray:
    """Lower `bed` by `depth_db` wherever `voice` (same length) is speaking, with gentle ramps."""
    level, hop = _envelope_db(voice, rate, 0.05)
    speaking = np.where(level > threshold_db, -abs(depth_db), 0.0)
    # look ahead by the attack time so the bed is already down when the first word starts
    shift = int(attack / (hop / rate))
    ahead = np.minimum(speaking, np.concatenate([speaking[shift:], np.zeros(min(shift, speaking.size))]))
    return _apply_control(bed, _smooth(ahead, hop / rate, attack, release), hop)
