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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from ..context import Context
from ..errors import VoiceError
from ..models import Clip, Lang, Script, Segment, Speech
from ..settings import Settings
from .cache import ClipCache, clip_key
from .engine import ENGINES, SpeechEngine, create_engine
from .voices import configured_voice

log = logging.getLogger(__name__)

__all__ = ["ENGINES", "create_engine", "resolve_engine", "speak"]

ONLINE = "edge"


def resolve_engine(settings: Settings) -> str:
    """`auto` -> the online engine when its service answers in time, else the offline engine."""
    if settings.speak.engine != "auto":
        return settings.speak.engine
    online = create_engine(ONLINE, settings)
    return ONLINE if online.available(settings.speak.probe_timeout) else settings.speak.offline_engine


def _is_voice_of(engine: SpeechEngine, voice: str) -> bool:
    try:
        engine.check_voice(voice)
    except VoiceError:
        return False
    return True


def voice_for(engine: SpeechEngine, lang: Lang, ctx: Context) -> str:
    """--voice for the show language (when it is a voice of this engine), else [voices], else the preset."""
    settings = ctx.settings
    if settings.speak.voice and lang == settings.show.language and _is_voice_of(engine, settings.speak.voice):
        return settings.speak.voice
    return configured_voice(settings, lang, engine.name)


@dataclass
class _Group:
    """Segments read by one voice: one story (transition, headline, lead), or the opening/closing."""

    item: int | None
    indexes: list[int]
    clips: list[Clip] | None = None
    engine: str | None = None
    error: str | None = None
    synthesized: int = 0  # segments synthesized (not from the cache)
    story_synthesized: bool = False  # its headline or lead was synthesized (a transition alone does not count)


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
            self.engines[name] = create_engine(name, self.ctx.settings)
        return self.engines[name]

    def speak(self, group: _Group) -> _Group:
        offline = self.ctx.settings.speak.offline_engine
        candidates = [self.primary] + ([offline] if self.primary != offline else [])
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
        """Speak consecutive segments of one language; the segments not in the cache go in one request.

        Each segment is cached on its own, so a story is found again wherever it stands in a
        bulletin (another transition before it, another edition, another day)."""
        segments = [self.script.segments[i] for i in run]
        for segment in segments:
            if not any(s.spoken.strip() for s in segment.sentences):
                raise VoiceError(f"nothing in {segment.text[:40]!r} can be spoken")
        lang = segments[0].lang
        engine = self.engine(engine_name)
        voice = voice_for(engine, lang, self.ctx)
        rate = self.ctx.settings.speak.rate
        spoken_text = [self._spoken(segment, engine_name) for segment in segments]
        keys = [clip_key(texts, engine_name, engine.version, voice, lang, rate) for texts in spoken_text]
        clips: list[Clip | None] = []
        for key, segment in zip(keys, segments):
            clip = self.cache.get(key, engine_name, voice)
            clips.append(clip if clip is not None and len(clip.sentences) == len(segment.sentences) else None)
        missing = [n for n, clip in enumerate(clips) if clip is None]
        if missing:
            sentences = [text for n in missing for text in spoken_text[n]]
            if self.ctx.cluster is not None:
                task = clip_key(sentences, engine_name, engine.version, voice, lang, rate)
                spoken = self.ctx.cluster.synthesize(task, engine, self.ctx.settings, sentences, voice, lang, rate)
            else:
                spoken = engine.synthesize(sentences, voice, lang, rate)
            start = 0
            for n in missing:
                count = len(segments[n].sentences)
                clip = Clip(spoken.sentences[start:start + count], spoken.rate, spoken.engine, spoken.voice)
                start += count
                if len(clip.sentences) != count or not any(len(a) for a in clip.sentences):
                    raise VoiceError(f"{engine_name} returned no audio for {segments[n].text[:40]!r}")
                self.cache.put(keys[n], clip)
                clips[n] = clip
            group.synthesized += len(missing)
            group.story_synthesized = group.story_synthesized or any(
                segments[n].kind != "transition" for n in missing)
        return [Clip(c.sentences, c.rate, c.engine, c.voice, key=key) for c, key in zip(clips, keys) if c is not None]

    def _spoken(self, segment: Segment, engine_name: str) -> list[str]:
        """What the engine is given for each sentence: the online voice takes no phonemes, so the
        [pronunciations] it cannot read are respelled in characters (the offline voice reads them itself)."""
        sentences = [s.spoken for s in segment.sentences]
        lexicon = dict(self.ctx.settings.speak.pronunciations)
        if engine_name != ONLINE or segment.lang != "zh" or not lexicon:
            return sentences
        from .mandarin import respell

        return [respell(text, lexicon) for text in sentences]

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
    segments: list[Segment] = []
    mapping: dict[int, int] = {}
    for index, segment in enumerate(script.segments):
        if segment.item is not None and segment.item in dropped:
            continue
        if segment.kind == "transition" and segment.item is not None and renumber.get(segment.item) == 0:
            continue  # the first remaining story needs no transition
        mapping[index] = len(segments)
        segments.append(replace(segment, item=renumber[segment.item]) if segment.item is not None else segment)
    return replace(script, items=[script.items[i] for i in keep_items], segments=segments), mapping


def speak(script: Script, ctx: Context) -> Speech:
    settings = ctx.settings
    primary = resolve_engine(settings)
    if settings.speak.engine == "auto":
        how = "online" if primary == ONLINE else "offline, the online service did not answer"
        ctx.progress.note(f"voice: {primary} ({how})")
    speaker = _Speaker(script, ctx, primary)
    if settings.speak.voice and not any(_is_voice_of(speaker.engine(name), settings.speak.voice) for name in ENGINES):
        speaker.engine(primary).check_voice(settings.speak.voice)  # no engine has it: name the valid ones
    for lang in sorted({s.lang for s in script.segments}):
        speaker.engine(primary).check_voice(voice_for(speaker.engine(primary), lang, ctx))
    ctx.progress.stage("speaking", total=len(script.items))
    # twice the requests allowed at once (the online engine holds its requests to that number):
    # while some threads wait on the service, others decode and store what came back
    workers = max(1, min(speaker.engine(primary).max_workers, 2 * settings.speak.concurrency))
    if ctx.cluster is not None:  # these threads only wait: the cluster's scheduler spreads the stories
        workers = ctx.cluster.stories_at_once
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        groups = list(pool.map(speaker.speak, _groups(script)))
    finally:  # after an interrupt, start no further story
        pool.shutdown(wait=False, cancel_futures=True)

    failed = [g for g in groups if g.clips is None]
    if any(g.item is None for g in failed):
        raise VoiceError(f"no voice could read the opening or closing ({failed[0].error})")
    if failed and not settings.speak.skip_failed:
        names = ", ".join(_story_label(script, g.item) for g in failed if g.item is not None)
        raise VoiceError(f"no voice could read story {names}: {failed[0].error}; "
                         "rerun with --skip-failed to publish without it")
    clips_by_index = {i: clip for g in groups if g.clips for i, clip in zip(g.indexes, g.clips)}
    final_script, mapping = _without_items(script, {g.item for g in failed if g.item is not None})
    for group in failed:
        if group.item is not None:
            ctx.progress.note(f"dropped story {_story_label(script, group.item)}: {group.error}")
    if not final_script.items:
        raise VoiceError("no story could be voiced; check the voice with `briefing doctor`")
    clips = [clips_by_index[old] for old in sorted(mapping)]
    fallbacks = [script.items[g.item].title for g in groups
                 if g.clips is not None and g.item is not None and g.engine != primary]
    if any(g.clips is not None and g.item is None and g.engine != primary for g in groups):
        fallbacks.insert(0, "opening/closing")
    report = ctx.report
    report.engine, report.fallbacks, report.items = primary, fallbacks, len(final_script.items)
    report.spoken, report.clips = final_script.items, len(final_script.segments)
    report.synthesized = sum(g.synthesized for g in groups)
    report.synthesized_items = sum(1 for g in groups if g.item is not None and g.story_synthesized)
    return Speech(script=final_script, clips=clips)


def _story_label(script: Script, item: int) -> str:
    return f"{item + 1} ({script.items[item].title})"
