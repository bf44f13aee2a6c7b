"""The speak stage: script -> a clip for every segment.

`auto` uses the online voice when its service answers within a few seconds, otherwise
the offline voice; the build says which it used. Segments are spoken story by story (a
story's transition, headline and lead form one group, read by one voice in one request
per language, so a story costs the online service one round trip):
a story the online voice still fails after its retries is read by the offline voice and
reported; a story no voice can read fails the build, or is dropped with --skip-failed.
Clips come from the cache when text, engine, version, voice and rate are unchanged.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from ..context import Context
from ..errors import VoiceError
from ..models import Clip, Lang, Script, Speech
from .cache import ClipCache, clip_key
from .engine import ENGINES, SpeechEngine, create_engine
from .voices import preset_voice

log = logging.getLogger(__name__)

__all__ = ["speak", "resolve_engine", "ENGINES", "create_engine"]

OFFLINE = "kokoro"


def resolve_engine(name: str, probe_timeout: float) -> str:
    """`auto` -> `edge` when the online service answers in time, else the offline engine."""
    if name != "auto":
        return name
    edge = create_engine("edge")
    return "edge" if edge.available(probe_timeout) else OFFLINE  # type: ignore[attr-defined]


def _engine_of_voice(voice: str) -> str:
    return "edge" if re.fullmatch(r"[a-z]{2,3}-[A-Z]{2}\S*Neural", voice) else OFFLINE


def voice_for(engine: str, lang: Lang, ctx: Context) -> str:
    """--voice for the show language (when it is a voice of this engine), else [voices], else the preset."""
    settings = ctx.settings
    if settings.voice and lang == settings.show.language and _engine_of_voice(settings.voice) == engine:
        return settings.voice
    configured = {(lang_, engine_): voice for lang_, engine_, voice in settings.voices}
    return configured.get((lang, engine)) or preset_voice(lang, engine)


@dataclass
class _Group:
    """Segments read by one voice: one story (transition, headline, lead), or the opening/closing."""

    item: int | None
    indexes: list[int]
    clips: list[Clip] | None = None
    engine: str | None = None
    error: str | None = None
    synthesized: int = 0


class _Speaker:
    """Speaks groups with a primary engine and the offline engine as the fallback."""

    def __init__(self, script: Script, ctx: Context, primary: str) -> None:
        self.script = script
        self.ctx = ctx
        self.primary = primary
        self.engines: dict[str, SpeechEngine] = {}
        self.cache = ClipCache(ctx.settings.cache)

    def engine(self, name: str) -> SpeechEngine:
        if name not in self.engines:
            options = {}
            if name == "edge":
                settings = self.ctx.settings
                options = dict(receive_timeout=settings.edge_timeout, retries=settings.edge_retries,
                               requests_at_once=settings.concurrency)
            elif name == OFFLINE and self.ctx.settings.pronunciations:
                options = {"pronunciations": self.ctx.settings.pronunciations}
            self.engines[name] = create_engine(name, **options)
        return self.engines[name]

    def speak(self, group: _Group) -> _Group:
        candidates = [self.primary] + ([OFFLINE] if self.primary != OFFLINE else [])
        for name in candidates:
            try:
                group.clips = [clip for run in _same_language_runs(self.script, group.indexes)
                               for clip in self._clips(name, run, group)]
                group.engine = name
                group.error = None
                break
            except VoiceError as exc:
                group.error = str(exc)
                log.warning("%s could not read %s: %s", name, self._label(group), exc)
        if group.item is not None:
            self.ctx.progress.advance()
        return group

    def _clips(self, engine_name: str, run: list[int], group: _Group) -> list[Clip]:
        """Speak consecutive segments of one language in one request; split the result per segment."""
        segments = [self.script.segments[i] for i in run]
        for segment in segments:
            if not any(s.spoken.strip() for s in segment.sentences):
                raise VoiceError(f"nothing in {segment.text[:40]!r} can be spoken")
        lang = segments[0].lang
        engine = self.engine(engine_name)
        voice = voice_for(engine_name, lang, self.ctx)
        sentences = [s.spoken for segment in segments for s in segment.sentences]
        if engine_name != OFFLINE and lang == "zh" and self.ctx.settings.pronunciations:
            from .mandarin import respell  # the online voice takes no phonemes: respellings only

            sentences = [respell(s, dict(self.ctx.settings.pronunciations)) for s in sentences]
        rate = self.ctx.settings.rate
        key = clip_key(sentences, engine_name, engine.version, voice, lang, rate)
        clip = self.cache.get(key, engine_name, voice)
        cached = clip is not None and len(clip.sentences) == len(sentences)
        if not cached:
            clip = engine.synthesize(sentences, voice, lang, rate)
        clips, start = [], 0
        for segment in segments:
            count = len(segment.sentences)
            clips.append(Clip(clip.sentences[start:start + count], clip.rate, clip.engine, clip.voice,
                              key=f"{key}:{start}:{count}"))
            start += count
            if len(clips[-1].sentences) != count or not any(len(a) for a in clips[-1].sentences):
                raise VoiceError(f"{engine_name} returned no audio for {segment.text[:40]!r}")
        if not cached:
            self.cache.put(key, clip)
            group.synthesized += 1
        return clips

    def _label(self, group: _Group) -> str:
        if group.item is None:
            return "the opening/closing"
        return f"story {group.item + 1} ({self.script.items[group.item].title})"


def _same_language_runs(script: Script, indexes: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for index in indexes:
        if runs and script.segments[runs[-1][-1]].lang == script.segments[index].lang:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _groups(script: Script) -> list[_Group]:
    groups: dict[int | None, _Group] = {}
    for index, segment in enumerate(script.segments):
        key = segment.item if segment.kind in ("transition", "headline", "lead") else None
        groups.setdefault(key, _Group(key, [])).indexes.append(index)
    return list(groups.values())


def _without_items(script: Script, dropped: set[int]) -> tuple[Script, dict[int, int]]:
    """The script without the dropped stories; old segment index -> new segment index."""
    keep_items = [i for i in range(len(script.items)) if i not in dropped]
    renumber = {old: new for new, old in enumerate(keep_items)}
    segments, mapping = [], {}
    for index, segment in enumerate(script.segments):
        if segment.item is not None and segment.item in dropped:
            continue
        if segment.kind == "transition" and renumber.get(segment.item) == 0:
            continue  # the first remaining story needs no transition
        mapping[index] = len(segments)
        segments.append(replace(segment, item=renumber[segment.item]) if segment.item is not None else segment)
    return replace(script, items=[script.items[i] for i in keep_items], segments=segments), mapping


def speak(script: Script, ctx: Context) -> Speech:
    settings = ctx.settings
    primary = resolve_engine(settings.engine, settings.probe_timeout)
    if settings.engine == "auto":
        ctx.progress.note(f"voice: {primary} ({'online' if primary == 'edge' else 'offline, the online service did not answer'})")
    speaker = _Speaker(script, ctx, primary)
    for lang in sorted({s.lang for s in script.segments}):
        speaker.engine(primary).check_voice(voice_for(primary, lang, ctx))
    ctx.progress.stage("speaking", total=len(script.items))
    # twice the requests allowed at once (the online engine holds its requests to that number):
    # while some threads wait on the service, others decode and store what came back
    workers = max(1, min(speaker.engine(primary).max_workers, 2 * settings.concurrency))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        groups = list(pool.map(speaker.speak, _groups(script)))

    failed = [g for g in groups if g.clips is None]
    if any(g.item is None for g in failed):
        raise VoiceError(f"no voice could read the opening or closing ({failed[0].error})")
    if failed and not settings.skip_failed:
        names = ", ".join(f"{g.item + 1} ({script.items[g.item].title})" for g in failed)
        raise VoiceError(f"no voice could read story {names}: {failed[0].error}; "
                         "rerun with --skip-failed to publish without it")
    clips_by_index = {i: clip for g in groups if g.clips for i, clip in zip(g.indexes, g.clips)}
    final_script, mapping = _without_items(script, {g.item for g in failed})
    for group in failed:
        ctx.progress.note(f"dropped story {group.item + 1} ({script.items[group.item].title}): {group.error}")
    if not final_script.items:
        raise VoiceError("no story could be voiced; check the voice with `briefing doctor`")
    clips = [clips_by_index[old] for old in sorted(mapping)]
    fallbacks = [script.items[g.item].title for g in groups
                 if g.clips is not None and g.item is not None and g.engine != primary]
    if any(g.clips is not None and g.item is None and g.engine != primary for g in groups):
        fallbacks.insert(0, "opening/closing")
    return Speech(script=final_script, clips=clips, engine=primary, fallbacks=fallbacks,
                  synthesized=sum(g.synthesized for g in groups),
                  synthesized_items=sum(1 for g in groups if g.item is not None and g.synthesized))
