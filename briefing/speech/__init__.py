"""The speak stage: script -> a clip for every segment.

`auto` uses the online voice when its service answers within a few seconds, otherwise
the offline voice; the build says which it used.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from ..context import Context
from ..errors import VoiceError
from ..models import Clip, Lang, Script, Segment, Speech
from .engine import ENGINES, SpeechEngine, create_engine
from .voices import preset_voice

log = logging.getLogger(__name__)

__all__ = ["speak", "resolve_engine", "ENGINES", "create_engine"]


def resolve_engine(name: str, probe_timeout: float) -> str:
    """`auto` -> `edge` when the online service answers in time, else `kokoro`."""
    if name != "auto":
        return name
    edge = create_engine("edge")
    return "edge" if edge.available(probe_timeout) else "kokoro"  # type: ignore[attr-defined]


def voice_for(engine: str, lang: Lang, ctx: Context) -> str:
    settings = ctx.settings
    if settings.voice and lang == settings.show.language:
        return settings.voice
    configured = {(l, e): v for l, e, v in settings.voices}
    return configured.get((lang, engine)) or preset_voice(lang, engine)


def speak(script: Script, ctx: Context) -> Speech:
    settings = ctx.settings
    engine_name = resolve_engine(settings.engine, settings.probe_timeout)
    if settings.engine == "auto":
        ctx.progress.note(f"voice: {engine_name} ({'online' if engine_name == 'edge' else 'offline, the online service did not answer'})")
    engine = create_engine(engine_name)
    for lang in sorted({s.lang for s in script.segments}):
        engine.check_voice(voice_for(engine_name, lang, ctx))
    ctx.progress.stage("speaking", total=len(script.items))

    def run(segment: Segment) -> Clip:
        clip = _synthesize(engine, segment, voice_for(engine_name, segment.lang, ctx), settings.rate)
        if segment.kind == "lead":  # progress counts stories; a story is done when its lead is
            ctx.progress.advance()
        return clip

    with ThreadPoolExecutor(max_workers=max(1, min(engine.max_workers, settings.concurrency))) as pool:
        clips = list(pool.map(run, script.segments))
    return Speech(script=script, clips=clips, engine=engine_name, synthesized=len(clips))


def _synthesize(engine: SpeechEngine, segment: Segment, voice: str, rate: str) -> Clip:
    sentences = [s.spoken for s in segment.sentences]
    clip = engine.synthesize(sentences, voice, segment.lang, rate)
    if len(clip.sentences) != len(sentences) or not any(len(a) for a in clip.sentences):
        raise VoiceError(f"{engine.name} returned no audio for {segment.text[:40]!r}")
    return clip
