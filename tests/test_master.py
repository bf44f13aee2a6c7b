"""Mastering pieces, measured independently with ffmpeg's ebur128 on WAV files."""

from __future__ import annotations

import wave

import numpy as np
import pytest
from audio_probe import ebur128

from briefing.assemble import dsp

RATE = 44100


def _wav(path, samples):
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def _inter_sample_peaks(seconds=3.0):
    """A sine at a sixth of the rate, sampled 30 degrees off its crests: true peaks 1.25 dB
    over the samples. In smooth bursts, so the limiter must move."""
    from scipy.ndimage import uniform_filter1d

    n = np.arange(int(seconds * RATE))
    tone = np.cos(2 * np.pi * n / 6 + np.pi / 6) * 0.7  # true peak 0.7 (-3.1 dBTP), samples at most 0.61
    envelope = uniform_filter1d(np.where((n // (RATE // 2)) % 2 == 0, 1.0, 0.2), int(0.02 * RATE))
    return (tone * envelope).astype(np.float32)


def test_limiter_holds_true_peaks_under_the_ceiling(tmp_path):
    signal = _inter_sample_peaks()
    before = ebur128(_wav(tmp_path / "before.wav", signal))
    assert before["true_peak"] > -3.5 and 20 * np.log10(np.abs(signal).max()) < -4.2
    limited = dsp.limit(signal, RATE, -6.0)
    after = ebur128(_wav(tmp_path / "after.wav", limited))
    assert after["true_peak"] <= -5.8, after
    quiet = slice(int(0.8 * RATE), int(0.95 * RATE))  # late in a soft burst: the limiter has let go
    assert np.allclose(limited[quiet], signal[quiet], atol=0.005)


def test_compressor_evens_out_loud_and_soft_passages():
    t = np.arange(2 * RATE) / RATE
    tone = np.sin(2 * np.pi * 220 * t)
    signal = (tone * np.where(t < 1, 0.5, 0.05)).astype(np.float32)  # a 20 dB jump
    out = dsp.compress(signal, RATE, threshold_db=-24)
    rms = lambda x: 20 * np.log10(np.sqrt(np.mean(x ** 2)))
    loud, soft = out[int(0.3 * RATE):RATE], out[int(1.3 * RATE):]
    assert 8 <= rms(loud) - rms(soft) <= 16  # narrower than the 20 dB that went in


def test_true_peak_matches_ffmpeg(tmp_path):
    signal = _inter_sample_peaks()
    measured = ebur128(_wav(tmp_path / "x.wav", signal))["true_peak"]
    assert abs(dsp.true_peak_db(signal, RATE) - measured) <= 0.2


def test_loudness_agrees_with_pyloudnorm_and_ffmpeg():
    """Our vectorised BS.1770 meter against two independent ones, on a swelling noise."""
    import re
    import subprocess

    import pyloudnorm
    from audio_probe import ffmpeg

    from briefing.assemble import dsp

    rng = np.random.default_rng(5)
    for rate in (24000, 44100, 48000):
        swell = np.sin(np.linspace(0, 12, rate * 20)) ** 2
        x = (rng.standard_normal(rate * 20) * 0.2 * swell).astype(np.float32)
        ours = dsp.loudness(x, rate)
        reference = pyloudnorm.Meter(rate).integrated_loudness(x.astype(np.float64))
        report = subprocess.run([ffmpeg(), "-hide_banner", "-nostats", "-f", "f32le", "-ar", str(rate), "-ac", "1",
                                 "-i", "-", "-af", "ebur128", "-f", "null", "-"], input=x.tobytes(),
                                capture_output=True, check=False).stderr.decode()
        by_ffmpeg = float(re.search(r"I:\s+(-?[\d.]+) LUFS", report[report.rfind("Summary"):]).group(1))
        assert abs(ours - reference) < 0.1 and abs(ours - by_ffmpeg) < 0.15, (rate, ours, reference, by_ffmpeg)
    assert dsp.loudness(np.zeros(1000, np.float32), 44100) == float("-inf")


def _speechlike(seconds: float, seed: int = 3) -> np.ndarray:
    """Noise shaped into syllables and pauses, at a moderate level."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    syllables = np.clip(np.sin(2 * np.pi * 3.0 * t), 0, None) * (np.sin(2 * np.pi * 0.25 * t) > -0.5)
    return (rng.standard_normal(t.size) * 0.1 * syllables).astype(np.float32)


def test_the_mp3_is_measured_while_it_is_encoded(tmp_path):
    """The tee'd encode writes the same file as a plain encode, and its meter reads what
    ffmpeg's meter reads on that file afterwards."""
    from briefing.assemble import codec

    signal = _speechlike(8.0)
    plain, teed = tmp_path / "plain.mp3", tmp_path / "teed.mp3"
    codec.encode_mp3(signal, RATE, plain, 96)
    measured = codec.encode_and_measure(signal, RATE, teed, 96)
    assert teed.read_bytes() == plain.read_bytes()
    afterwards = ebur128(teed)
    assert measured is not None
    # the piped stream has no LAME header, so its decoder keeps the encoder's 25 ms of delay:
    # the 400 ms gating blocks fall a little differently on this short signal
    assert abs(measured[0] - afterwards["lufs"]) <= 0.15 and abs(measured[1] - afterwards["true_peak"]) <= 0.1
    odd = tmp_path / "a name with | and [brackets].mp3"  # not for the tee muxer: encoded, then measured
    assert codec.encode_and_measure(signal, RATE, odd, 96) == pytest.approx(
        (afterwards["lufs"], afterwards["true_peak"]), abs=0.05)
    assert odd.read_bytes() == plain.read_bytes()


def test_mastering_in_place_uses_the_mix_buffer_and_matches_a_copy():
    from briefing.assemble.master import master

    mix = _speechlike(6.0) * 3.0  # loud enough that the limiter must work
    copy = master(mix, RATE)
    assert not np.shares_memory(copy, mix)
    in_place = master(mix, RATE, in_place=True)
    assert np.shares_memory(in_place, mix)
    assert np.allclose(in_place, copy, atol=1e-6)
    assert abs(dsp.loudness(in_place, RATE) - (-16.0)) <= 0.5 and dsp.true_peak_db(in_place, RATE) <= -2.4
