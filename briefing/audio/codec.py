"""Decoding and encoding through pydub, with the ffmpeg binary that ships in imageio-ffmpeg."""

from __future__ import annotations

import io
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import AudioError

with warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)  # pydub warns when no system ffmpeg is on PATH
    from pydub import AudioSegment


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """The ffmpeg binary inside the imageio-ffmpeg wheel (no system ffmpeg needed)."""
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise AudioError(f"no ffmpeg binary found ({exc}); run: pip install imageio-ffmpeg") from None
    AudioSegment.converter = exe
    return exe


def decode_mp3(data: bytes) -> tuple[np.ndarray, int]:
    """MP3 bytes -> mono float32 samples in [-1, 1] and their sample rate."""
    ffmpeg_exe()
    try:
        segment = AudioSegment.from_file(io.BytesIO(data), format="mp3", codec="mp3")
    except Exception as exc:  # pydub raises CouldntDecodeError or OSError with ffmpeg's output
        raise AudioError(f"cannot decode MP3 audio ({str(exc).splitlines()[0][:120]})") from None
    return segment_to_array(segment.set_channels(1)), segment.frame_rate


def segment_to_array(segment: AudioSegment) -> np.ndarray:
    samples = np.array(segment.get_array_of_samples(), dtype=np.float32)
    return samples / float(1 << (8 * segment.sample_width - 1))


def array_to_segment(samples: np.ndarray, rate: int) -> AudioSegment:
    """Float samples -> 16-bit mono AudioSegment (with TPDF dither)."""
    dither = (np.random.default_rng(0).random(samples.size) - np.random.default_rng(1).random(samples.size)) / 32768.0
    pcm = np.clip((samples + dither) * 32767.0, -32768, 32767).astype("<i2")
    return AudioSegment(data=pcm.tobytes(), sample_width=2, frame_rate=rate, channels=1)


def encode_mp3(samples: np.ndarray, rate: int, path: Path, bitrate_kbps: int) -> None:
    """Write mono CBR MP3 at `rate` (ID3 tags are added afterwards by the tagger)."""
    ffmpeg_exe()
    segment = array_to_segment(samples, rate)
    try:
        segment.export(str(path), format="mp3", bitrate=f"{bitrate_kbps}k",
                       parameters=["-ar", str(rate), "-ac", "1", "-id3v2_version", "0"])
    except Exception as exc:
        raise AudioError(f"cannot encode the MP3 ({str(exc).splitlines()[0][:160]})") from None
