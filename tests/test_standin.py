"""The stand-in voice: deterministic, length follows the text, silent for nothing to say."""

from __future__ import annotations

import numpy as np
from conftest import run_cli, write_news

from briefing.speak import create_engine


def test_same_text_same_audio_and_longer_text_lasts_longer():
    engine = create_engine("standin")
    short, long_, again = engine.synthesize(["今天天气很好。", "今天天气很好，我们去公园散步吧。", "今天天气很好。"],
                                            "standin-zh", "zh", "+0%").sentences
    assert np.array_equal(short, again)
    assert long_.size > 1.8 * short.size
    assert 0.8 < short.size / 24000 / 6 * 5 < 1.6  # about five characters a second


def test_nothing_to_say_is_no_audio_and_rate_changes_length():
    engine = create_engine("standin")
    empty, = engine.synthesize(["……"], "standin-zh", "zh", "+0%").sentences
    normal, = engine.synthesize(["A quick test of the voice."], "standin-en", "en", "+0%").sentences
    fast, = engine.synthesize(["A quick test of the voice."], "standin-en", "en", "+50%").sentences
    assert empty.size == 0
    assert abs(fast.size / normal.size - 1 / 1.5) < 0.02


def test_unknown_standin_voice_lists_the_valid_ones(tmp_path):
    news = write_news(tmp_path, [{"title": "测试", "body": "这是一条测试新闻。"}])
    result = run_cli("build", news, "--engine", "standin", "--voice", "zm_yunxi", "--out", tmp_path / "out")
    assert result.exit_code == 0  # a voice of another engine is not the stand-in's: its preset reads
    result = run_cli("build", news, "--engine", "standin", "--out", tmp_path / "out", "--offline-engine", "edge")
    assert result.exit_code == 3 and "offline engine must be one of kokoro, standin" in result.output
