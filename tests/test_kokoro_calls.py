"""Kokoro reads a story in as few model calls as its token window allows, cut back into sentences,
with an audible pause at every clause mark inside a sentence."""

from __future__ import annotations

import numpy as np
import pytest

from briefing.speak.kokoro import (
    SAMPLE_RATE,
    ClauseMark,
    clause_marks,
    lengthen_pauses,
    longest_silence,
    model_calls,
    quietest_point,
    sentence_pauses,
)
from briefing.speak.phonemes import MAX_TOKENS


def test_consecutive_sentences_share_a_call_up_to_the_token_limit():
    units = [(0, [5] * 200), (1, [6] * 200), (2, [7] * 150), (3, [8] * 400), (3, [9] * 90)]
    calls = model_calls(units, MAX_TOKENS)
    assert [[number for number, _ in call] for call in calls] == [[0, 1], [2], [3, 3]]
    assert all(sum(len(ids) for _, ids in call) + len(call) - 1 <= MAX_TOKENS for call in calls)
    assert [len(call) for call in model_calls(units, 0)] == [1, 1, 1, 1, 1]  # no durations: one call per piece


def test_the_pause_between_sentences_runs_from_the_last_sound_to_the_next_sentence():
    period, space = 4, 16
    first, second = [21, 51, period], [65, 57]
    # tokens: pad, 21, 51, '.', ' ', 65, 57, pad
    frames = np.array([10, 3, 4, 8, 2, 3, 3, 5])
    (start, end), = sentence_pauses([first, second], frames, {period, space})
    assert (start, end) == (10 + 3 + 4, 10 + 3 + 4 + 8 + 2)


def test_the_cut_falls_in_the_longest_quiet_stretch_of_the_pause():
    rng = np.random.default_rng(1)
    step = SAMPLE_RATE // 100
    audio = np.concatenate([rng.standard_normal(30 * step), np.zeros(4 * step), rng.standard_normal(2 * step),
                            np.zeros(12 * step), rng.standard_normal(30 * step)]).astype(np.float32)
    cut = quietest_point(audio, 30 * step, 48 * step)
    assert 36 * step + 4 * step <= cut <= 36 * step + 8 * step  # inside the 12-step silence, near its middle
    assert np.all(audio[cut - 3 * step:cut + 3 * step] == 0)


def test_a_clause_mark_spans_the_last_sound_before_it_to_the_first_sound_after_it():
    comma, space = 3, 16
    first, second = [21, 51, comma, space, 65, 57, 4], [70, comma, 71]
    # tokens: pad, 21, 51, ',', ' ', 65, 57, '.', ' ', 70, ',', 71, pad
    frames = np.array([10, 3, 4, 2, 1, 5, 3, 8, 2, 3, 2, 3, 5])
    marks = clause_marks([first, second], frames, {comma}, {comma, space, 4})
    assert marks == [((10 + 3) * 600, (10 + 3 + 4 + 2 + 1 + 5) * 600),  # from 51 to 65
                     ((10 + 3 + 4 + 2 + 1 + 5 + 3 + 8 + 2) * 600, (10 + 3 + 4 + 2 + 1 + 5 + 3 + 8 + 2 + 3 + 2 + 3) * 600)]
    # a unit that ends at a comma leaves that pause to the cut between units
    assert clause_marks([[21, comma], [65]], np.array([1, 3, 2, 1, 3, 1]), {comma}, {comma, space}) == []


def test_silence_is_spliced_in_where_the_model_ran_a_clause_into_the_next():
    step = SAMPLE_RATE // 100
    t = np.arange(60 * step) / SAMPLE_RATE
    audio = (0.5 * np.sin(2 * np.pi * 150 * t)).astype(np.float32)  # a voiced sound with no break at all
    audio[40 * step:43 * step] = 0  # ... but for a 30 ms gap at the second mark
    audio[50 * step:58 * step] = 0  # ... and 80 ms at the third
    marks = [ClauseMark(10 * step, 20 * step, 0.0), ClauseMark(38 * step, 46 * step, 0.03),
             ClauseMark(50 * step, 60 * step, 0.08)]
    spoken = lengthen_pauses(audio, [45 * step], marks, 0.05)  # 50 ms wanted: the third is left alone
    assert [round(m.added, 3) for m in marks] == [0.05, 0.02, 0.0]
    assert spoken.audio.size == audio.size + int(0.07 * SAMPLE_RATE)
    assert spoken.cuts == [45 * step + int(0.07 * SAMPLE_RATE)]  # the cut moved with the audio
    for mark in marks:  # every mark now has its pause, measured where it moved to
        assert longest_silence(spoken.audio, mark.low, mark.high)[1] >= 0.05 * SAMPLE_RATE - step
    # no click: next to the spliced silence the sound fades, it does not jump
    jumps = np.abs(np.diff(spoken.audio))
    assert jumps.max() <= np.abs(np.diff(audio)).max() * 1.01


@pytest.mark.slow
def test_a_short_story_is_one_model_call_cut_in_silence():
    """A real Kokoro run (about 10 s of audio): one call for three sentences, every cut in a pause."""
    from briefing.speak.kokoro import KokoroEngine, load_runtime

    runtime = load_runtime()
    if not runtime.durations:
        pytest.skip("the onnx package is not installed: the model's durations are not available")
    calls = []
    run = runtime.session.run

    def counted(*args, **kwargs):
        calls.append(1)
        return run(*args, **kwargs)

    sentences = ["湖边的新码头今天启用，游船每半小时一班。", "码头旁边新建了停车场。", "管理方提醒游客注意安全。"]
    runtime.session.run = counted
    try:
        clip = KokoroEngine().synthesize(sentences, "zm_yunxi", "zh", "+0%")
    finally:
        del runtime.session.run
    assert len(calls) == 1
    peak = max(float(np.abs(a).max()) for a in clip.sentences)
    edge = int(0.03 * SAMPLE_RATE)
    for number, audio in enumerate(clip.sentences):
        assert audio.size > SAMPLE_RATE  # each sentence has its speech
        for side in (audio[:edge], audio[-edge:]):  # 30 ms at each cut: no sound was cut through
            assert 20 * np.log10(np.sqrt(np.mean(side ** 2)) / peak + 1e-12) < -45, number


def _silent_runs(audio: np.ndarray, step: int = SAMPLE_RATE // 100) -> list[tuple[float, float]]:
    """(start, end) seconds of each run of 10 ms steps 50 dB below the peak."""
    count = audio.size // step
    level = np.sqrt(np.mean(audio[:count * step].reshape(count, step) ** 2, axis=1))
    quiet = list(level < 10 ** (-50 / 20) * float(np.abs(audio).max()))
    runs, start = [], None
    for index, flag in enumerate([*quiet, False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            runs.append((start * step / SAMPLE_RATE, index * step / SAMPLE_RATE))
            start = None
    return runs


@pytest.mark.slow
def test_every_comma_of_a_sentence_gets_an_audible_pause():
    """A real Kokoro run (about 5 s of audio): a silence of at least 0.15 s at each of its three commas,
    in order, where the commas stand in the text; the model alone leaves at least one of them out."""
    from briefing.speak.kokoro import KokoroEngine, load_runtime

    if not load_runtime().durations:
        pytest.skip("the onnx package is not installed: the model's durations are not available")
    sentence = "春运期间，铁路、公路、民航客流持续增长。"
    (_call, spoken), = list(KokoroEngine().spoken_calls([sentence], "zm_yunxi", "zh", "+0%"))
    audio = np.concatenate(spoken.units())
    runs = _silent_runs(audio)
    speech_start, speech_end = runs[0][1], runs[-1][0]  # the leading and trailing silence
    pauses = [(a, b) for a, b in runs[1:-1] if b - a >= 0.15]
    chars = [c for c in sentence if c not in "，、。"]
    commas = [len([c for c in sentence[:i] if c not in "，、。"]) / len(chars)
              for i, c in enumerate(sentence) if c in "，、"]
    assert len(pauses) == len(commas), (pauses, runs)
    for (a, b), share in zip(pauses, commas):  # each pause near its comma's place in the text
        expected = speech_start + share * (speech_end - speech_start)
        assert abs((a + b) / 2 - expected) < 0.4, ((a, b), expected)
    assert any(mark.silence < 0.15 for mark in spoken.marks), "the model pauses at every comma by itself now"
