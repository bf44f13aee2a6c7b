"""The assemble stage on synthetic clips: mixed sample rates and levels in, a mastered MP3 out.

The clips are made here (a buzzy vowel-like tone with syllable rhythm), so the voice
engines are not involved; everything after them is the real code, measured with ffmpeg.
"""

from __future__ import annotations

import datetime as dt
import wave

import numpy as np
import pytest
from audio_probe import decode, ebur128, nearest, tone_strength, voiced_runs
from mutagen.mp3 import MP3, BitrateMode

from briefing.assemble import assemble, lay_out, prepare_clip
from briefing.context import Context
from briefing.models import Clip, Item, Script, Segment, Sentence, Speech
from briefing.settings import Settings


def voice_like(seconds: float, rate: int, f0: float = 120.0, seed: int = 0) -> np.ndarray:
    """A harmonic buzz under 3.5 kHz, gliding in pitch, in syllables, with silence either side."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    pitch = f0 * (1 + 0.15 * np.sin(2 * np.pi * 0.7 * t + seed))
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    buzz = sum(np.sin(k * phase) / k for k in range(1, int(3500 / (f0 * 1.2))))
    syllables = np.clip(np.sin(2 * np.pi * 4.0 * t + rng.uniform(0, 6)), 0, None) ** 0.6
    syllables *= 0.6 + 0.4 * rng.random(int(seconds * 4) + 2)[(t * 4).astype(int)]
    pad = np.zeros(int(0.2 * rate))
    return np.concatenate([pad, buzz * syllables, pad]).astype(np.float32)


def at_level(samples: np.ndarray, peak: float) -> np.ndarray:
    return (samples * peak / np.max(np.abs(samples))).astype(np.float32)


def clipping(samples: np.ndarray) -> np.ndarray:
    return np.clip(samples / np.max(np.abs(samples)) * 8.0, -1.0, 1.0).astype(np.float32)


# (rate, level) of each story's clips: normal, very quiet, clipping, normal at another rate
STORIES = [(24000, lambda x: at_level(x, 0.5)), (16000, lambda x: at_level(x, 0.003)),
           (48000, clipping), (44100, lambda x: at_level(x, 0.9))]


def _segment(kind, texts, item=None):
    return Segment(kind=kind, sentences=[Sentence(text=t, spoken=t) for t in texts], lang="en", item=item)


def synthetic_speech(stories=STORIES) -> Speech:
    segments, clips, items = [], [], []

    def add(segment, rate, shape, seed):
        segments.append(segment)
        sentences = [shape(voice_like(1.2 + 0.4 * k, rate, f0=110 + 15 * (seed % 4), seed=seed + k))
                     for k in range(len(segment.sentences))]
        clips.append(Clip(sentences=sentences, rate=rate, engine="test", voice="test"))

    add(_segment("opening", ["Welcome to the test show.", "Here are the stories."]), 24000,
        lambda x: at_level(x, 0.4), 1)
    for index, (rate, shape) in enumerate(stories):
        items.append(Item(id=str(index), title=f"Story {index}", lead="", lang="en", seconds=5))
        if index:
            add(_segment("transition", ["Next."], index), 24000, lambda x: at_level(x, 0.4), 10 + index)
        add(_segment("headline", [f"Story {index}."], index), rate, shape, 20 + index)
        add(_segment("lead", [f"First sentence of story {index}.", f"Second sentence of {index}."], index),
            rate, shape, 30 + index)
    add(_segment("closing", ["That was the test show."]), 22050, lambda x: at_level(x, 0.4), 2)
    script = Script(show_title="Test show", date=dt.date(2025, 3, 1), lang="en", items=items, segments=segments)
    return Speech(script=script, clips=clips)


def _assemble(tmp_path, **settings):
    ctx = Context(Settings.make(out_dir=tmp_path / "out", date=dt.date(2025, 3, 1), **settings))
    return assemble(synthetic_speech(), ctx)


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory):
    return _assemble(tmp_path_factory.mktemp("assemble"))


def test_mixed_rates_and_levels_come_out_at_target_loudness_and_peak(bulletin):
    measured = ebur128(bulletin.audio)
    assert -16.5 <= measured["lufs"] <= -15.5, measured
    assert measured["true_peak"] <= -1.5, measured


def test_every_story_is_level_matched(bulletin):
    stories = [c for c in bulletin.chapters if c.title.startswith("Story")]
    assert len(stories) == len(STORIES)
    levels = [ebur128(bulletin.audio, c.start, c.end - c.start)["lufs"] for c in stories]
    assert max(levels) - min(levels) <= 1.5, levels  # the very quiet and the clipping story included
    assert all(-18 <= level <= -14 for level in levels), levels


def test_output_is_mono_44k_cbr_mp3_of_the_laid_out_length(bulletin):
    info = MP3(bulletin.audio).info
    assert (info.sample_rate, info.channels, info.bitrate) == (44100, 1, 96000)
    assert info.bitrate_mode == BitrateMode.CBR
    assert abs(decode(bulletin.audio).size / 44100 - bulletin.duration) < 0.005  # encoder delay is trimmed


def test_cues_and_chapters_sit_on_the_speech_in_the_decoded_file(bulletin):
    runs = voiced_runs(decode(bulletin.audio), 44100)
    starts, ends = [a for a, _ in runs], [b for _, b in runs]
    spoken = [c for c in bulletin.cues if c.text not in ("Welcome to the test show.", "Next.")]  # after a sound
    assert len(spoken) == 1 + 3 * len(STORIES) + 1
    for cue in spoken:
        assert nearest(cue.start, starts) <= 0.1 and nearest(cue.end, ends) <= 0.1, cue
    for chapter in bulletin.chapters[1:-1]:
        assert nearest(chapter.start, starts) <= 0.1 and nearest(chapter.end, ends) <= 0.1, chapter


def test_sound_design_is_heard_before_the_first_word_and_after_the_last(bulletin):
    samples = decode(bulletin.audio)
    first_word, last_word = bulletin.cues[0].start, bulletin.cues[-1].end
    assert first_word >= 1.5 and bulletin.duration - last_word >= 2.0
    intro = samples[: int(first_word * 44100)]
    outro = samples[int((last_word + 0.3) * 44100):]
    for sound in (intro, outro):
        assert np.sqrt(np.mean(sound ** 2)) > 0.01  # audible, not silence


def test_cues_are_exactly_where_each_prepared_sentence_lies_in_the_mix():
    speech = synthetic_speech(STORIES[:2])
    layout = lay_out(speech)
    prepared = [s for clip in speech.clips for s in prepare_clip(clip)]
    assert len(layout.cues) == len(prepared)
    for cue, audio in zip(layout.cues, prepared):
        start = round(cue.start * layout.rate)
        assert round(cue.end * layout.rate) - start == audio.size
    headline = next(k for k, c in enumerate(layout.cues) if c.text == "Story 1.")  # no sound overlaps it
    start = round(layout.cues[headline].start * layout.rate)
    assert np.array_equal(layout.mix[start:start + prepared[headline].size], prepared[headline])


def test_prepared_clips_are_trimmed_and_start_and_end_at_zero():
    clip = Clip(sentences=[clipping(voice_like(1.0, 48000))], rate=48000, engine="test", voice="test")
    (audio,) = prepare_clip(clip)
    assert abs(audio[0]) < 1e-6 and abs(audio[-1]) < 1e-6  # no step where it meets silence: no click
    assert audio.size / 44100 < 1.0 + 0.2  # the 0.2 s of silence either side was trimmed (30 ms kept)


def test_bitrate_setting_sets_the_mp3_bitrate(tmp_path):
    speech = synthetic_speech(STORIES[:1])
    ctx = Context(Settings.make(out_dir=tmp_path / "out", date=dt.date(2025, 3, 1), bitrate_kbps=64))
    info = MP3(assemble(speech, ctx).audio).info
    assert (info.bitrate, info.sample_rate, info.channels) == (64000, 44100, 1)


def _write_wav(path, samples, rate):
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())


def test_music_bed_plays_before_the_voice_and_ducks_under_it(tmp_path):
    bed_hz = 5000.0  # above everything the synthetic voice has
    t = np.arange(8 * 22050) / 22050
    bed = tmp_path / "bed.wav"
    _write_wav(bed, 0.3 * np.sin(2 * np.pi * bed_hz * t), 22050)
    speech = synthetic_speech(STORIES[:1])
    ctx = Context(Settings.make(out_dir=tmp_path / "out", date=dt.date(2025, 3, 1), music_bed=bed))
    bulletin = assemble(speech, ctx)
    samples = decode(bulletin.audio)
    opening = [c for c in bulletin.cues if c.text.startswith(("Welcome", "Here are"))]

    def bed_level(start, end):
        part = samples[int(start * 44100):int(end * 44100)]
        return np.sqrt(tone_strength(part, 44100, bed_hz) * np.mean(part.astype(np.float64) ** 2))

    alone = bed_level(0.3, opening[0].start - 0.2)
    under_voice = bed_level(opening[0].start + 0.3, opening[0].end - 0.2)
    later = bed_level(bulletin.cues[-1].start, bulletin.cues[-1].end)
    assert alone > 0.01
    assert 20 * np.log10(under_voice / alone) <= -10  # ducked
    assert later < alone / 100  # gone after the opening
    assert ebur128(bulletin.audio)["true_peak"] <= -1.5


def test_timeline_grows_when_its_estimate_is_short_and_keeps_every_piece():
    from briefing.assemble.layout import Timeline

    rate = 1000
    timeline = Timeline(rate, expected_seconds=0.5)  # far too short: it must grow, twice
    first, second = np.full(400, 0.25, np.float32), np.full(700, -0.5, np.float32)
    timeline.overlay(np.full(300, 0.1, np.float32), at=0.2)  # under the first piece's end and the pause
    assert timeline.add(first) == (0.0, 0.4)
    timeline.pause(0.3)
    assert timeline.add(second) == (0.7, 1.4)
    audio = timeline.audio()
    expected = np.concatenate([first, np.zeros(300, np.float32), second])
    expected[200:500] += 0.1
    assert audio.size == 1400 and np.allclose(audio, expected)


def test_the_show_sounds_are_kept_and_a_damaged_or_outdated_copy_is_made_again(tmp_path, monkeypatch):
    from briefing.assemble import sounds

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "briefing" / "sounds"
    folder.mkdir(parents=True)
    (folder / "intro_sting-22050-0123456789abcdef.npy").write_bytes(b"an earlier version")
    sounds.intro_sting.cache_clear()
    made = sounds.intro_sting(22050)
    (kept,) = folder.iterdir()  # the earlier version's copy is gone
    assert np.array_equal(np.load(kept), made) and 2.5 < made.size / 22050 < 3.5
    kept.write_bytes(kept.read_bytes()[:1000])  # cut short
    sounds.intro_sting.cache_clear()
    assert np.array_equal(sounds.intro_sting(22050), made)
    assert np.array_equal(np.load(kept), made)
    sounds.intro_sting.cache_clear()
