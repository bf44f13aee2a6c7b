"""The assemble stage: clips -> one mastered, tagged MP3 with chapters and transcripts.

Every clip is resampled to 44.1 kHz, trimmed, faded and level-matched; the pieces are laid
on a timeline (which records where each sentence and story lands) and joined once, then
the whole is brought to the target loudness under a true-peak ceiling and encoded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..artwork import cover_file, embedded_cover
from ..context import Context
from ..models import Bulletin, Chapter, Clip, Cue, Script, Segment, Speech
from . import dsp, sounds
from .codec import encode_mp3
from .sidecars import write_sidecars
from .tags import write_tags

RATE = 44100
TARGET_LUFS = -16.0
CEILING_DBTP = -2.0  # leaves room for the MP3 encoder's overshoot under the -1.5 dBTP goal
SOUND_LEVEL_DB = -8.0  # sound design sits this far under the speech


@dataclass(frozen=True)
class Pauses:
    """Silences in seconds, tuned by ear for a news read."""

    sentence: float = 0.32
    after_headline: float = 0.5
    after_sting: float = 0.25
    after_opening: float = 0.7
    around_transition: float = 0.35
    after_story: float = 0.45
    before_outro: float = 0.6


@dataclass
class Timeline:
    """Pieces of audio in order, joined once at the end (linear time and memory)."""

    rate: int
    parts: list[np.ndarray] = field(default_factory=list)
    length: int = 0  # samples so far

    @property
    def now(self) -> float:
        return self.length / self.rate

    def add(self, samples: np.ndarray) -> tuple[float, float]:
        start = self.now
        self.parts.append(samples.astype(np.float32, copy=False))
        self.length += samples.size
        return start, self.now

    def pause(self, seconds: float) -> None:
        self.add(dsp.silence(seconds, self.rate))

    def join(self) -> np.ndarray:
        return np.concatenate(self.parts) if self.parts else np.zeros(0, np.float32)


def prepare_clip(clip: Clip, rate: int = RATE, target_lufs: float = TARGET_LUFS) -> list[np.ndarray]:
    """Resample, trim, fade and level one segment's sentences (one gain for the segment)."""
    sentences = [dsp.fade(dsp.trim_silence(dsp.resample(s, clip.rate, rate), rate), rate) for s in clip.sentences]
    voiced = [s for s in sentences if s.size]
    if not voiced:
        return sentences
    gain = dsp.gain_to(np.concatenate(voiced), rate, target_lufs)
    return [(s * gain).astype(np.float32) for s in sentences]


def _speak_segment(timeline: Timeline, segment: Segment, sentences: list[np.ndarray],
                   pauses: Pauses, cues: list[Cue]) -> tuple[float, float]:
    start = timeline.now
    for k, (sentence, audio) in enumerate(zip(segment.sentences, sentences)):
        if k:
            timeline.pause(pauses.sentence)
        cue_start, cue_end = timeline.add(audio)
        cues.append(Cue(cue_start, cue_end, sentence.text))
    return start, timeline.now


def lay_out(speech: Speech, pauses: Pauses = Pauses()) -> tuple[np.ndarray, list[Chapter], list[Cue]]:
    """Place every clip and sound; return the raw mix, the chapters and the cues."""
    script = speech.script
    timeline = Timeline(RATE)
    level = 10 ** (SOUND_LEVEL_DB / 20) * 10 ** ((TARGET_LUFS + 14) / 20)  # sounds peak-normalised to ~-14 LUFS
    cues: list[Cue] = []
    chapters: list[Chapter] = []
    story_start: dict[int, float] = {}
    story_end: dict[int, float] = {}
    opening_end = 0.0
    closing_start: float | None = None
    timeline.add(sounds.intro_sting(RATE) * level)
    timeline.pause(pauses.after_sting)
    for segment, clip in zip(script.segments, speech.clips):
        audio = prepare_clip(clip)
        if segment.kind == "transition":
            timeline.pause(pauses.around_transition)
            timeline.add(sounds.transition(RATE) * level)
            timeline.pause(pauses.around_transition / 2)
            _speak_segment(timeline, segment, audio, pauses, cues)
            timeline.pause(pauses.around_transition)
        elif segment.kind == "closing":
            closing_start, _ = _speak_segment(timeline, segment, audio, pauses, cues)
        else:
            start, end = _speak_segment(timeline, segment, audio, pauses, cues)
            if segment.kind == "opening":
                opening_end = end
                timeline.pause(pauses.after_opening)
            elif segment.kind == "headline":
                story_start[segment.item] = start
                timeline.pause(pauses.after_headline)
            elif segment.kind == "lead":
                story_end[segment.item] = end
                timeline.pause(pauses.after_story)
    timeline.pause(pauses.before_outro)
    timeline.add(sounds.outro(RATE) * level)
    total = timeline.now
    chapters.append(Chapter(_opening_title(script), 0.0, opening_end))
    for index, item in enumerate(script.items):
        if index in story_start:
            chapters.append(Chapter(item.title, story_start[index], story_end.get(index, story_start[index])))
    if closing_start is not None:
        chapters.append(Chapter("结束" if script.lang == "zh" else "Closing", closing_start, total))
    return timeline.join(), chapters, cues


def _opening_title(script: Script) -> str:
    return "开场" if script.lang == "zh" else "Opening"


def master(mix: np.ndarray, rate: int = RATE) -> np.ndarray:
    """Bring the mix to TARGET_LUFS with true peaks under CEILING_DBTP."""
    out = mix * dsp.gain_to(mix, rate, TARGET_LUFS)
    for _ in range(3):  # limiting lowers loudness a little; re-apply gain and limit again
        out = dsp.limit(out, rate, CEILING_DBTP)
        correction = dsp.gain_to(out, rate, TARGET_LUFS, max_gain_db=1.0)
        if abs(20 * np.log10(correction)) < 0.1:
            break
        out = out * correction
    return dsp.limit(out, rate, CEILING_DBTP)


def episode_title(script: Script) -> str:
    date = script.date
    when = f"{date.year}年{date.month}月{date.day}日" if script.lang == "zh" else date.strftime("%B ") + f"{date.day}, {date.year}"
    return f"{script.show_title} {when}"


def assemble(speech: Speech, ctx: Context) -> Bulletin:
    settings = ctx.settings
    ctx.progress.stage("mastering")
    mix, chapters, cues = lay_out(speech)
    with ctx.timed("mastering"):
        mastered = master(mix)
    staging = settings.out_dir / ".staging"
    staging.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(mastered.tobytes()).hexdigest()[:8]
    mp3 = staging / f"{settings.date.isoformat()}-{digest}.mp3"
    with ctx.timed("encoding"):
        encode_mp3(mastered, RATE, mp3, settings.bitrate_kbps)
    script = speech.script
    headlines = [item.title for item in script.items]
    write_tags(mp3, title=episode_title(script), artist=settings.show.author, album=settings.show.title,
               date=settings.date.isoformat(), summary="；".join(headlines) if script.lang == "zh" else "; ".join(headlines),
               chapters=chapters, cover=embedded_cover(cover_file(settings)))
    write_sidecars(mp3, chapters, cues)
    return Bulletin(script=script, audio=mp3, duration=mastered.size / RATE, chapters=chapters, cues=cues,
                    engine=speech.engine, fallbacks=speech.fallbacks, synthesized=speech.synthesized,
                    synthesized_items=speech.synthesized_items)
