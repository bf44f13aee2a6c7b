"""Laying the bulletin out: every clip prepared and placed, every sentence and story timed.

Voice clips follow one another on a timeline, written into one buffer sized beforehand
(linear time, one copy of the bulletin in memory). Sounds are overlays at known offsets
and the music bed is added under the voice, all in place. Cue and chapter times are
sample positions on this timeline, so they are exactly where the audio is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..models import Chapter, Clip, Cue, Script, Segment, Speech
from . import dsp, sounds
from .codec import decode_file

RATE = 44100
VOICE_LUFS = -16.0  # every spoken segment is levelled to this before mixing
COMPRESS_THRESHOLD_DB = -24.0  # RMS (10 ms) above which syllables are gently compressed
STING_LU, TRANSITION_LU, OUTRO_LU = -4.0, -11.0, -4.0  # sound levels relative to the voice
BED_LU, BED_DUCK_DB = -5.0, 16.0  # music bed alone, and how far it dips under the voice
BED_FADE_OUT = 1.5
BED_INTRO = 3.0  # seconds of bed before the first word


@dataclass(frozen=True)
class Pauses:
    """Silences and overlaps in seconds, set for an unhurried news read."""

    intro_voice: float = 2.3  # sting start -> first word (the sting's tail rings under it)
    sentence: float = 0.42
    after_headline: float = 0.55
    after_opening: float = 0.85
    before_transition: float = 0.55  # end of a story -> transition sound
    transition_voice: float = 0.45  # transition sound start -> "Next."
    after_transition: float = 0.45
    before_closing: float = 0.8
    before_outro: float = 0.45  # last word -> outro sound


class Timeline:
    """The bulletin's samples in one buffer, written in place as pieces are laid on it.

    The buffer is sized from the clips before anything is placed (an estimate that only
    errs long; untouched pages of a zeroed allocation cost no memory), so nothing is
    joined or copied afterwards: memory is one copy of the bulletin. Overlays (sounds) are
    added where they fall, also past the voice written so far.
    """

    def __init__(self, rate: int, expected_seconds: float = 60.0) -> None:
        self.rate = rate
        self.samples = np.zeros(int(expected_seconds * rate), np.float32)
        self.length = 0  # samples laid so far

    @property
    def now(self) -> float:
        return self.length / self.rate

    def _reserve(self, end: int) -> None:
        if end > self.samples.size:  # the estimate was short: grow once, by half again
            grown = np.zeros(max(end, self.samples.size * 3 // 2), np.float32)
            grown[:self.samples.size] = self.samples
            self.samples = grown

    def add(self, samples: np.ndarray) -> tuple[float, float]:
        start = self.now
        end = self.length + samples.size
        self._reserve(end)
        self.samples[self.length:end] += samples  # added: an overlay may already sound here
        self.length = end
        return start, self.now

    def pause(self, seconds: float) -> None:
        self.extend_to(self.now + seconds)

    def overlay(self, samples: np.ndarray, at: float) -> None:
        start = round(at * self.rate)
        self._reserve(start + samples.size)
        self.samples[start:start + samples.size] += samples

    def extend_to(self, seconds: float) -> None:
        """Make the timeline at least `seconds` long (silence, or what overlays put there)."""
        end = round(seconds * self.rate)
        self._reserve(end)
        self.length = max(self.length, end)

    def audio(self) -> np.ndarray:
        return self.samples[:self.length]


def _expected_seconds(speech: Speech) -> float:
    """An upper estimate of the bulletin's length: every clip untrimmed plus generous pauses."""
    voiced = sum(a.size / clip.rate for clip in speech.clips for a in clip.sentences)
    sentences = sum(len(clip.sentences) for clip in speech.clips)
    return voiced + 1.0 * sentences + 3.0 * len(speech.clips) + 30.0


def prepare_clip(clip: Clip, rate: int = RATE, target_lufs: float = VOICE_LUFS) -> list[np.ndarray]:
    """Resample, clean, trim, phase-rotate, compress and level one segment's sentences.

    One gain for the whole segment keeps the voice's own sentence-to-sentence dynamics;
    every segment lands at the same loudness, so items and voices do not jump.
    """
    sentences = [_clean(s, clip.rate, rate) for s in clip.sentences]
    voiced = [s for s in sentences if s.size]
    if not voiced:
        return sentences
    gain = dsp.gain_to(np.concatenate(voiced), rate, target_lufs)
    # levelled first, so one absolute threshold suits every voice and engine
    sentences = [dsp.compress(s * gain, rate, COMPRESS_THRESHOLD_DB) for s in sentences]
    gain = dsp.gain_to(np.concatenate([s for s in sentences if s.size]), rate, target_lufs)
    return [dsp.fade(s * gain, rate) for s in sentences]


def _clean(samples: np.ndarray, from_rate: int, rate: int) -> np.ndarray:
    """One sentence at `rate`, without rumble or leading/trailing silence, its peaks evened out."""
    finite = np.nan_to_num(np.asarray(samples, dtype=np.float32).ravel(), nan=0.0, posinf=1.0, neginf=-1.0)
    voiced = dsp.trim_silence(dsp.highpass(dsp.resample(finite, from_rate, rate), rate), rate)
    return dsp.phase_rotate(voiced, rate)


def _at_level(sound: np.ndarray, relative_lu: float, rate: int) -> np.ndarray:
    return sound * dsp.gain_to(sound, rate, VOICE_LUFS + relative_lu)


@lru_cache(maxsize=16)
def _sound(name: str, relative_lu: float, rate: int) -> np.ndarray:
    """One of the show's own sounds at its level (made once per process; read-only)."""
    sound = _at_level(getattr(sounds, name)(rate), relative_lu, rate)
    sound.flags.writeable = False
    return sound


@dataclass
class Layout:
    """The raw mix and where everything is in it."""

    mix: np.ndarray
    rate: int
    chapters: list[Chapter]
    cues: list[Cue]

    @property
    def duration(self) -> float:
        return self.mix.size / self.rate


def _speak(timeline: Timeline, segment: Segment, audio: list[np.ndarray], pauses: Pauses,
           cues: list[Cue]) -> tuple[float, float]:
    start = timeline.now
    first = True
    for sentence, samples in zip(segment.sentences, audio):
        if not samples.size:
            continue
        if not first:
            timeline.pause(pauses.sentence)
        cue_start, cue_end = timeline.add(samples)
        cues.append(Cue(cue_start, cue_end, sentence.text))
        first = False
    return start, timeline.now


def warm_up(rate: int = RATE) -> None:
    """Make the show's sounds and load the signal libraries ahead of the mix (see pipeline)."""
    from scipy.signal import sosfilt  # noqa: F401  (the import itself takes a second or two)

    for name, level in (("intro_sting", STING_LU), ("transition", TRANSITION_LU), ("outro", OUTRO_LU)):
        _sound(name, level, rate)


def lay_out(speech: Speech, pauses: Pauses = Pauses(), music_bed: Path | None = None,
            rate: int = RATE) -> Layout:
    """Place every clip and sound; return the raw mix with its chapters and cues."""
    script = speech.script
    timeline = Timeline(rate, _expected_seconds(speech))
    cues: list[Cue] = []
    stories: dict[int, list[float]] = {}
    opening: tuple[float, float] | None = None
    closing_start: float | None = None
    bed = _load_bed(music_bed, rate) if music_bed is not None else None
    if bed is None:
        timeline.overlay(_sound("intro_sting", STING_LU, rate), 0.0)
        timeline.pause(pauses.intro_voice)
    else:
        timeline.pause(BED_INTRO)
    previous = None
    for segment, clip in zip(script.segments, speech.clips):
        audio = prepare_clip(clip, rate)
        if previous is not None:
            timeline.pause(_gap(previous, segment, pauses))
        if segment.kind == "transition":
            timeline.overlay(_sound("transition", TRANSITION_LU, rate), timeline.now)
            timeline.pause(pauses.transition_voice)
        start, end = _speak(timeline, segment, audio, pauses, cues)
        if segment.kind == "opening" and opening is None:
            opening = (start, end)
        elif segment.kind == "closing":
            closing_start = start
        elif segment.kind in ("headline", "lead") and segment.item is not None:
            span = stories.setdefault(segment.item, [start, end])
            span[1] = end
        previous = segment
    timeline.pause(pauses.before_outro)
    outro = _sound("outro", OUTRO_LU, rate)
    timeline.overlay(outro, timeline.now)
    timeline.extend_to(timeline.now + outro.size / rate)
    mix = timeline.audio()
    if bed is not None:
        speech_end = opening[1] if opening else BED_INTRO
        _add_bed(mix, bed, speech_end + BED_FADE_OUT, rate)
    total = mix.size / rate
    chapters = [Chapter(_label(script, "opening"), 0.0, opening[1] if opening else 0.0)]
    for index, item in enumerate(script.items):
        if index in stories:
            chapters.append(Chapter(item.title, *stories[index]))
    if closing_start is not None:
        chapters.append(Chapter(_label(script, "closing"), closing_start, total))
    return Layout(mix=mix, rate=rate, chapters=chapters, cues=cues)


def _gap(previous: Segment, segment: Segment, pauses: Pauses) -> float:
    """The silence between two segments."""
    if segment.kind == "transition":
        return pauses.before_transition
    if previous.kind == "transition":
        return pauses.after_transition
    if previous.kind == "opening":
        return pauses.after_opening
    if segment.kind == "closing":
        return pauses.before_closing
    if previous.kind == "headline":
        return pauses.after_headline
    if segment.kind == "headline":  # a new story without a transition sound
        return pauses.before_transition + pauses.after_transition
    return pauses.sentence


def _label(script: Script, kind: str) -> str:
    labels = {"zh": {"opening": "开场", "closing": "结束"}, "en": {"opening": "Opening", "closing": "Closing"}}
    return labels.get(script.lang, labels["en"])[kind]


def _load_bed(path: Path, rate: int) -> np.ndarray:
    """The user's music, mono at `rate`, levelled; the first minute at most is read."""
    music = dsp.highpass(decode_file(path, rate, seconds=60.0), rate, cutoff=40.0)
    return _at_level(music, BED_LU, rate) if music.size else music


def _add_bed(voice: np.ndarray, bed: np.ndarray, until: float, rate: int) -> None:
    """Mix the bed from 0 to `until` (looped if short), ducked under the voice, faded out."""
    length = min(voice.size, int(until * rate))
    if bed.size == 0 or length == 0:
        return
    if bed.size < length:  # loop a short bed, with tiny fades so the loop point does not click
        looped = np.tile(dsp.fade(bed, rate), length // bed.size + 1)[:length]
    else:
        looped = bed[:length].copy()
    looped = dsp.fade(looped, rate, seconds=0.05, fade_out=False)
    looped = dsp.fade(looped, rate, seconds=BED_FADE_OUT, fade_in=False)
    voice[:length] += dsp.duck(looped, voice[:length], rate, BED_DUCK_DB)
