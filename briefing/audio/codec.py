"""Decoding and encoding with the ffmpeg binary that ships in imageio-ffmpeg (no system ffmpeg)."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import AudioError
from ..settings import MP3_BITRATES

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


def _ffmpeg_command(args: list[str]) -> list[str]:
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]


def _ffmpeg(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(_ffmpeg_command(args), input=stdin, capture_output=True, check=False)


def _first_error_line(stderr: bytes, returncode: int) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1][:160] if lines else f"ffmpeg exit code {returncode}"


def decode_file(path: Path, rate: int, seconds: float | None = None) -> np.ndarray:
    """Any audio file ffmpeg reads -> mono float32 at `rate` (the first `seconds` only, if given)."""
    limit = ["-t", f"{seconds:.3f}"] if seconds is not None else []
    proc = _ffmpeg(["-i", str(path), *limit, "-vn", "-f", "f32le", "-ac", "1", "-ar", str(rate), "-"])
    if proc.returncode != 0:
        raise AudioError(f"cannot decode {path} ({_first_error_line(proc.stderr, proc.returncode)}); use an MP3, WAV, FLAC or OGG file")
    return np.frombuffer(proc.stdout, dtype="<f4").copy()


PCM_CHUNK = 1 << 20  # samples converted and sent to the encoder at a time


def pcm16_chunks(samples: np.ndarray):
    """Float samples -> 16-bit little-endian PCM with TPDF dither (deterministic), a chunk at a
    time so that a long bulletin needs no second copy of itself."""
    rng = np.random.default_rng(0)
    for begin in range(0, samples.size, PCM_CHUNK):
        part = samples[begin:begin + PCM_CHUNK]
        dither = (rng.random(part.size, dtype=np.float32) - rng.random(part.size, dtype=np.float32)) / 32768.0
        yield np.clip((part + dither) * 32767.0, -32768, 32767).astype("<i2").tobytes()


def encode_mp3(samples: np.ndarray, rate: int, path: Path, bitrate_kbps: int) -> None:
    """Write mono CBR MP3 at `rate`, with a LAME/Info header (exact length, gapless delay).

    ID3 tags are added afterwards by the tagger.
    """
    if bitrate_kbps not in MP3_BITRATES:
        raise AudioError(f"{bitrate_kbps} kbit/s is not an MP3 bit rate; use one of "
                         f"{', '.join(map(str, MP3_BITRATES))}")
    command = _ffmpeg_command([
        "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "-",
        "-codec:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-ar", str(rate), "-ac", "1",
        "-compression_level", "5",  # LAME -q 5: a third faster than the default, same for speech
        "-write_xing", "1", "-id3v2_version", "0", "-f", "mp3", "-y", str(path)])
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: ffmpeg never blocks on what it says
        encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=errors)
        try:
            for chunk in pcm16_chunks(samples):
                encoder.stdin.write(chunk)
            encoder.stdin.close()
        except BrokenPipeError:
            pass  # ffmpeg stopped early: its exit code and message say why
        returncode = encoder.wait()
        errors.seek(0)
        said = errors.read()
    if returncode != 0:
        raise AudioError(f"cannot encode the MP3 ({_first_error_line(said, returncode)})")


def ebur128(path: Path) -> tuple[float, float] | None:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file, by ffmpeg's EBU R128 meter.

    This is the meter podcast hosts and the project's acceptance check use. None when its
    report cannot be read (the caller then measures by itself).
    """
    proc = _ffmpeg(["-nostats", "-loglevel", "info", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"])
    report = proc.stderr.decode("utf-8", "replace")
    summary = report[report.rfind("Summary:"):] if "Summary:" in report else ""
    lufs = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if proc.returncode != 0 or not lufs or not peak:
        return None
    return float(lufs.group(1)), float(peak.group(1))
