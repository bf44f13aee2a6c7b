"""Decoding and encoding with the ffmpeg binary that ships in imageio-ffmpeg (no system ffmpeg)."""

from __future__ import annotations

import errno
import io
import os
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
    except Exception as exc:  # noqa: BLE001 - pydub raises CouldntDecodeError or OSError with ffmpeg's output
        raise AudioError(f"cannot decode MP3 audio ({str(exc).splitlines()[0][:120]})") from None
    return segment_to_array(segment.set_channels(1)), segment.frame_rate


def segment_to_array(segment: AudioSegment) -> np.ndarray:
    samples = np.array(segment.get_array_of_samples(), dtype=np.float32)
    return samples / float(1 << (8 * segment.sample_width - 1))


def _ffmpeg_command(args: list[str]) -> list[str]:
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]


def _ffmpeg(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(_ffmpeg_command(args), input=stdin, capture_output=True, check=False)


_DISK_ERRORS = {b"No space left on device": errno.ENOSPC, b"Disk quota exceeded": errno.EDQUOT,
                b"Read-only file system": errno.EROFS, b"Permission denied": errno.EACCES}


def _raise_disk_error(said: bytes, path: Path) -> None:
    """ffmpeg could not write the file: that is the disk's problem (exit 6), not the audio's."""
    for words, code in _DISK_ERRORS.items():
        if words in said:
            raise OSError(code, os.strerror(code), str(path))


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


def _encoder_args(rate: int, bitrate_kbps: int) -> list[str]:
    """16-bit PCM on stdin -> mono CBR MP3 at `rate` (the output is added by the caller)."""
    if bitrate_kbps not in MP3_BITRATES:
        raise AudioError(f"{bitrate_kbps} kbit/s is not an MP3 bit rate; use one of "
                         f"{', '.join(map(str, MP3_BITRATES))}")
    return ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "-",
            "-codec:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-ar", str(rate), "-ac", "1",
            "-compression_level", "5"]  # LAME -q 5: a third faster than the default, same for speech


# the MP3 file: a LAME/Info header (exact length, gapless delay), no ID3 yet (the tagger adds it)
_MP3_FILE_OPTIONS = {"write_xing": "1", "id3v2_version": "0"}


def _feed(encoder: subprocess.Popen, samples: np.ndarray) -> None:
    assert encoder.stdin is not None  # started with stdin=PIPE
    try:
        for chunk in pcm16_chunks(samples):
            encoder.stdin.write(chunk)
        encoder.stdin.close()
    except BrokenPipeError:
        pass  # ffmpeg stopped early: its exit code and message say why


def encode_mp3(samples: np.ndarray, rate: int, path: Path, bitrate_kbps: int) -> None:
    """Write mono CBR MP3 at `rate`, with a LAME/Info header (exact length, gapless delay).

    ID3 tags are added afterwards by the tagger.
    """
    file_options = [arg for name, value in _MP3_FILE_OPTIONS.items() for arg in (f"-{name}", value)]
    command = _ffmpeg_command([*_encoder_args(rate, bitrate_kbps), *file_options, "-f", "mp3", "-y", str(path)])
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: ffmpeg never blocks on what it says
        encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=errors)
        _feed(encoder, samples)
        returncode = encoder.wait()
        errors.seek(0)
        said = errors.read()
    if returncode != 0:
        _raise_disk_error(said, path)
        raise AudioError(f"cannot encode the MP3 ({_first_error_line(said, returncode)})")


def encode_and_measure(samples: np.ndarray, rate: int, path: Path, bitrate_kbps: int) -> tuple[float, float] | None:
    """Encode as encode_mp3 does and measure the encoded audio while it is being encoded.

    The encoder sends the same MP3 frames to the file and to a pipe (ffmpeg's tee muxer); a
    second ffmpeg decodes the pipe through the EBU R128 meter, on the other core, so the
    check of the encoded file costs almost no time of its own. Returns (LUFS, dBTP) as
    `ebur128` does; None when the meter could not report (the file is written regardless).
    """
    if not re.fullmatch(r"[\w.-]+", path.name):  # the tee muxer gives | [ ] : a meaning
        encode_mp3(samples, rate, path, bitrate_kbps)
        return ebur128(path)
    file_options = ":".join(f"{name}={value}" for name, value in _MP3_FILE_OPTIONS.items())
    tee = f"[f=mp3:{file_options}]{path.name}|[f=mp3:write_xing=0:id3v2_version=0:onfail=ignore]pipe:1"
    encode = _ffmpeg_command([*_encoder_args(rate, bitrate_kbps), "-map", "0:a", "-f", "tee", "-y", tee])
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as report:
        encoder = subprocess.Popen(encode, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
                                   cwd=path.parent)
        meter = subprocess.Popen(_meter_command("pipe:0", ("-f", "mp3")), stdin=encoder.stdout,
                                 stdout=subprocess.DEVNULL, stderr=report)
        assert encoder.stdout is not None  # started with stdout=PIPE
        encoder.stdout.close()  # the meter holds the pipe now; it sees the end when the encoder exits
        _feed(encoder, samples)
        returncode = encoder.wait()
        metered = meter.wait()
        errors.seek(0)
        said = errors.read()
        report.seek(0)
        measured = _read_meter(report.read(), metered)
    if returncode != 0:
        _raise_disk_error(said, path)
        raise AudioError(f"cannot encode the MP3 ({_first_error_line(said, returncode)})")
    return measured


def _meter_command(source: str, input_args: tuple[str, ...] = ()) -> list[str]:
    return _ffmpeg_command(["-nostats", "-loglevel", "info", *input_args, "-i", source,
                            "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"])


def _read_meter(stderr: bytes, returncode: int) -> tuple[float, float] | None:
    report = stderr.decode("utf-8", "replace")
    summary = report[report.rfind("Summary:"):] if "Summary:" in report else ""
    lufs = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if returncode != 0 or not lufs or not peak:
        return None
    return float(lufs.group(1)), float(peak.group(1))


def ebur128(path: Path) -> tuple[float, float] | None:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file, by ffmpeg's EBU R128 meter.

    This is the meter podcast hosts and the project's acceptance check use. None when its
    report cannot be read (the caller then measures by itself).
    """
    command = _meter_command(str(path))
    proc = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, check=False)
    return _read_meter(proc.stderr, proc.returncode)
