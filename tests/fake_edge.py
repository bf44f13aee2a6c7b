"""A local stand-in for the edge-tts WebSocket service, speaking its protocol.

The real edge-tts library is pointed at it (BRIEFING_EDGE_WSS_URL or by patching
edge_tts.communicate.WSS_URL). Each request gets the behaviour at the head of `plan`
(then `default`): "audio", "403", "503", "close" (close without audio), "stall".
Audio is a sine tone at TONE_HZ, one TONE_SECONDS burst per line of the request's text,
as 24 kHz mono 48 kbit/s MP3 like the real service.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import threading
import uuid
from dataclasses import dataclass, field
from html import unescape

from aiohttp import WSMsgType, web

TONE_HZ = 1234.0
TONE_SECONDS = 0.6
TICKS = 10_000_000


def tone_mp3(seconds: float = TONE_SECONDS, freq: float = TONE_HZ) -> bytes:
    """Raw MP3 frames (no ID3/Xing header) of a sine tone, made with the bundled ffmpeg."""
    import imageio_ffmpeg

    return subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
         f"sine=frequency={freq}:sample_rate=24000:duration={seconds}", "-ac", "1", "-ar", "24000",
         "-b:a", "48k", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", "-"],
        check=True, capture_output=True).stdout


def decoded_seconds(mp3: bytes) -> float:
    """How long raw MP3 frames play (ffmpeg decodes them without trimming any delay)."""
    import imageio_ffmpeg

    pcm = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "mp3",
                          "-i", "-", "-f", "s16le", "-ac", "1", "-ar", "24000", "-"],
                         input=mp3, check=True, capture_output=True).stdout
    return len(pcm) / 2 / 24000


@dataclass
class FakeEdge:
    plan: list[str] = field(default_factory=list)
    default: str = "audio"
    delay: float = 0.0  # seconds before answering each request
    stall_seconds: float = 3600.0
    by_text: dict[str, str] = field(default_factory=dict)  # text fragment -> behaviour, after the text is read
    requests: list[str] = field(default_factory=list)  # the text of every request received
    connections: int = 0  # WebSocket handshakes attempted, refused ones included
    in_flight: int = 0  # requests being answered now
    most_in_flight: int = 0  # the most requests answered at once
    url: str = ""
    answering: threading.Event = field(default_factory=threading.Event)  # clear it to hold every answer

    def __post_init__(self) -> None:
        self._burst = tone_mp3()
        self._burst_ticks = int(decoded_seconds(self._burst) * TICKS)  # offsets follow the audio sent
        self._lock = threading.Lock()
        self.answering.set()

    def _next_behaviour(self) -> str:
        with self._lock:
            return self.plan.pop(0) if self.plan else self.default

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.connections += 1
        behaviour = self._next_behaviour()
        if behaviour in ("403", "503"):
            return web.Response(status=int(behaviour), text="refused by the fake service")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        text = ""
        async for message in ws:
            if message.type == WSMsgType.TEXT and "Path:ssml" in message.data:
                text = _ssml_text(message.data)
                break
        self.requests.append(text)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await self._answer(ws, text, behaviour)
        finally:
            self.in_flight -= 1

    async def _answer(self, ws: web.WebSocketResponse, text: str, behaviour: str) -> web.WebSocketResponse:
        behaviour = next((b for fragment, b in self.by_text.items() if fragment in text), behaviour)
        if self.delay:
            await asyncio.sleep(self.delay)
        while not self.answering.is_set():
            await asyncio.sleep(0.02)
        if behaviour == "stall":
            await asyncio.sleep(self.stall_seconds)
        if behaviour == "close":
            await ws.close()
            return ws
        request_id = uuid.uuid4().hex
        await ws.send_str(_text_frame(request_id, "turn.start", "{}"))
        offset = 0
        for line in [ln for ln in text.split("\n") if ln.strip()] or [text]:
            duration = int(TONE_SECONDS * TICKS)  # the spoken part; the burst's frames run a little longer
            meta = {"Metadata": [{"Type": "SentenceBoundary", "Data": {
                "Offset": offset, "Duration": duration, "text": {"Text": line, "Length": len(line)}}}]}
            await ws.send_str(_text_frame(request_id, "audio.metadata", json.dumps(meta)))
            await ws.send_bytes(_audio_frame(request_id, self._burst))
            offset += self._burst_ticks
        await ws.send_str(_text_frame(request_id, "turn.end", "{}"))
        await ws.close()
        return ws

    async def voices(self, request: web.Request) -> web.Response:
        return web.json_response([
            {"ShortName": "zh-CN-YunyangNeural", "Locale": "zh-CN", "Gender": "Male",
             "VoiceTag": {"ContentCategories": ["News"]}},
            {"ShortName": "en-US-ChristopherNeural", "Locale": "en-US", "Gender": "Male",
             "VoiceTag": {"ContentCategories": ["News"]}},
        ])


def _ssml_text(message: str) -> str:
    body = message.split("\r\n\r\n", 1)[1]
    inner = re.search(r"<prosody[^>]*>(.*)</prosody>", body, re.DOTALL)
    return unescape(inner.group(1)) if inner else ""


def _text_frame(request_id: str, path: str, body: str) -> str:
    return f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\nPath:{path}\r\n\r\n{body}"


def _audio_frame(request_id: str, mp3: bytes) -> bytes:
    headers = f"X-RequestId:{request_id}\r\nContent-Type:audio/mpeg\r\nPath:audio\r\n".encode()
    return len(headers).to_bytes(2, "big") + headers + mp3


class FakeEdgeServer:
    """Runs a FakeEdge on 127.0.0.1 in a background thread."""

    def __init__(self, fake: FakeEdge | None = None) -> None:
        self.fake = fake or FakeEdge()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    def __enter__(self) -> FakeEdge:
        app = web.Application()
        app.router.add_get("/edge/v1", self.fake.handle)
        app.router.add_get("/voices/list", self.fake.voices)
        self._thread.start()

        async def start() -> int:
            self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            return site._server.sockets[0].getsockname()[1]

        port = asyncio.run_coroutine_threadsafe(start(), self._loop).result(10)
        self.fake.url = f"ws://127.0.0.1:{port}/edge/v1?TrustedClientToken=test"
        self.fake.voices_url = f"http://127.0.0.1:{port}/voices/list"
        return self.fake

    def __exit__(self, *exc) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
