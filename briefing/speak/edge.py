"""Online voice: Microsoft neural voices through the edge-tts library.

One request per segment; the service's SentenceBoundary events give where each sentence
ends in the audio. Chinese text is sent with a line break after every sentence because
edge-tts only splits long text at line breaks or spaces.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import random
import re
import threading
from dataclasses import dataclass

import numpy as np

from ..assemble.codec import decode_mp3
from ..errors import VoiceError, unknown_name
from ..models import Clip, Lang
from ..settings import Settings
from .voices import VoiceInfo, presets

log = logging.getLogger(__name__)

TICKS_PER_SECOND = 10_000_000
# A raw MP3 stream (no LAME header) decodes 576 encoder + 529 decoder samples late;
# the service's sentence offsets are on the unshifted timeline.
MP3_DELAY_SAMPLES = 1105
URL_ENV = "BRIEFING_EDGE_WSS_URL"  # points the library at another endpoint (a proxy, or a test server)
_BLOCKED = {"zh-CN-XiaochenNeural"}  # listed by the service but refused when used


@dataclass
class _Boundary:
    offset: float  # seconds
    duration: float
    text: str


class EdgeEngine:
    name = "edge"

    def __init__(self, receive_timeout: float = 30, retries: int = 3, max_workers: int = 32,
                 backoff: float = 0.5, requests_at_once: int = 8) -> None:
        """`requests_at_once` bounds the requests in flight, whatever the number of threads
        calling synthesize: the others decode what came back meanwhile."""
        import edge_tts

        self._edge_tts = edge_tts
        self.connect_timeout = min(10.0, receive_timeout)
        self.receive_timeout = receive_timeout  # the whole request, connection included
        self.retries = retries
        self.max_workers = max_workers
        self.backoff = backoff
        self._slots = threading.BoundedSemaphore(max(1, requests_at_once))
        url = os.environ.get(URL_ENV)
        if url:
            import edge_tts.communicate

            edge_tts.communicate.WSS_URL = url

    @classmethod
    def from_settings(cls, settings: Settings) -> EdgeEngine:
        return cls(receive_timeout=settings.speak.edge_timeout, retries=settings.speak.edge_retries,
                   requests_at_once=settings.speak.concurrency)

    @property
    def version(self) -> str:
        return f"edge-tts-{self._edge_tts.__version__}"

    def voices(self) -> list[VoiceInfo]:
        """Voices of the live service; offline, the voices named in the presets."""
        try:
            listed = asyncio.run(asyncio.wait_for(self._edge_tts.list_voices(), self.connect_timeout))
        except Exception as exc:  # noqa: BLE001 - offline: fall back to what the presets name
            log.debug("edge voice list unavailable: %s", exc)
            names = sorted({v for lang in presets().values() for v in lang.get("edge", {}).values()})
            return [VoiceInfo(n, n.rsplit("-", 1)[0], "?", "preset (service unreachable)") for n in names]
        return [VoiceInfo(v["ShortName"], v["Locale"], v["Gender"].lower(),
                          ", ".join(v.get("VoiceTag", {}).get("ContentCategories", [])))
                for v in listed if v["ShortName"] not in _BLOCKED]

    def check_voice(self, voice: str) -> None:
        if voice in _BLOCKED or not re.fullmatch(r"[a-z]{2,3}-[A-Z]{2}(?:-\w+)?-\w+Neural", voice):
            valid = sorted({v for lang in presets().values() for v in lang.get("edge", {}).values()})
            raise VoiceError(unknown_name("online voice", voice, valid) + " (or any voice from `briefing voices --engine edge`)")

    def available(self, timeout: float) -> bool:
        """Does the service answer within `timeout` seconds?"""
        try:
            asyncio.run(asyncio.wait_for(self._request("。", "zh-CN-YunyangNeural", "+0%", timeout), timeout + 1))
            return True
        except Exception as exc:  # noqa: BLE001
            log.debug("edge-tts unreachable: %r", exc)
            return False

    def synthesize(self, sentences: list[str], voice: str, lang: Lang, rate: str) -> Clip:
        text = "\n".join(sentences)
        with self._slots:
            mp3, boundaries = asyncio.run(self._request_with_retries(text, voice, rate))
        audio, sample_rate = decode_mp3(mp3)
        pieces = _split_at_sentences(audio, sample_rate, sentences, boundaries)
        return Clip(sentences=pieces, rate=sample_rate, engine=self.name, voice=voice)

    async def _request_with_retries(self, text: str, voice: str, rate: str) -> tuple[bytes, list[_Boundary]]:
        errors = self._retryable_errors()
        for attempt in range(self.retries + 1):
            try:
                return await asyncio.wait_for(self._request(text, voice, rate, self.connect_timeout),
                                              self.receive_timeout)
            except errors as exc:
                if attempt == self.retries:
                    raise VoiceError(f"the online voice failed {attempt + 1} times ({type(exc).__name__}: "
                                     f"{str(exc)[:80]})") from exc
                delay = min(8.0, self.backoff * 2 ** attempt) * (0.5 + random.random())  # jitter spreads retries
                log.info("edge-tts %s; retrying in %.1f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    def _retryable_errors(self) -> tuple[type[BaseException], ...]:
        import aiohttp

        return (aiohttp.ClientError, asyncio.TimeoutError, self._edge_tts.exceptions.EdgeTTSException)

    async def _request(self, text: str, voice: str, rate: str, connect_timeout: float) -> tuple[bytes, list[_Boundary]]:
        # A Communicate object streams once: every attempt makes a new one.
        communicate = self._edge_tts.Communicate(text, voice, rate=rate, boundary="SentenceBoundary",
                                                 connect_timeout=int(max(1, connect_timeout)),
                                                 receive_timeout=int(max(1, self.receive_timeout)))
        audio = bytearray()
        boundaries: list[_Boundary] = []
        async for chunk in communicate.stream():
            if chunk["type"] == "audio":
                audio.extend(chunk["data"])
            elif chunk["type"] == "SentenceBoundary":
                boundaries.append(_Boundary(chunk["offset"] / TICKS_PER_SECOND,
                                            chunk["duration"] / TICKS_PER_SECOND, chunk["text"]))
        return bytes(audio), boundaries


def _spoken_length(text: str) -> int:
    return len(re.sub(r"[\W_]+", "", text))


def _split_at_sentences(audio: np.ndarray, rate: int, sentences: list[str],
                        boundaries: list[_Boundary]) -> list[np.ndarray]:
    """Cut the segment's audio between our sentences, using the service's sentence timings.

    The service may group sentences differently from us; both are mapped onto the running
    count of spoken characters. A cut falls midway between one sentence's end and the
    next one's start, moved by the MP3 decoding delay. Without usable boundaries, cut in
    proportion to length.
    """
    if len(sentences) == 1:
        return [audio]
    total = len(audio) / rate
    ours = np.cumsum([_spoken_length(s) for s in sentences], dtype=float)
    cuts: list[float] = []
    if boundaries:
        theirs = np.cumsum([_spoken_length(b.text) for b in boundaries], dtype=float)
        scale = ours[-1] / theirs[-1] if theirs[-1] else 1.0
        theirs *= scale
        for end in ours[:-1]:
            k = int(np.searchsorted(theirs, end - 0.5))
            k = min(k, len(boundaries) - 1)
            b = boundaries[k]
            fraction = 1.0 - (theirs[k] - end) / max(1.0, _spoken_length(b.text) * scale)
            sentence_end = b.offset + b.duration * min(1.0, max(0.0, fraction))
            next_start = boundaries[k + 1].offset if fraction >= 0.999 and k + 1 < len(boundaries) else sentence_end
            cuts.append((sentence_end + next_start) / 2 + MP3_DELAY_SAMPLES / rate)
    else:
        cuts = [total * end / ours[-1] for end in ours[:-1]]
    edges = [0] + [min(len(audio), max(0, round(c * rate))) for c in cuts] + [len(audio)]
    edges = list(np.maximum.accumulate(edges))
    return [audio[a:b] for a, b in itertools.pairwise(edges)]
