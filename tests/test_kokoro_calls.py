"""Kokoro reads a story in as few model calls as its token window allows, cut back into sentences."""

from __future__ import annotations

import numpy as np
import pytest

from briefing.speak.kokoro import (
    SAMPLE_RATE,
    model_calls,
    quietest_point,
    sentence_pauses,
)
from briefing.speak.phonemes import MAX_TOKENS

pytestmark = pytest.mark.xdist_group("offline-voice")  # the model loads once, on the worker that has it

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
