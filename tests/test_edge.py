"""The online engine, for real: the edge-tts library against a local fake service."""

from __future__ import annotations

import json

from audio_probe import decode, tone_strength
from conftest import run_cli, write_news
from fake_edge import TONE_HZ


def _small_input(tmp_path):
    return write_news(tmp_path, [{"id": "1", "title": "测试新闻", "body": "今天上午说了第一句话。下午说了第二句话。"}])


def test_edge_audio_ends_up_in_the_bulletin(tmp_path, fake_edge):
    out = tmp_path / "out"
    result = run_cli("build", _small_input(tmp_path), "--engine", "edge", "--out", out, "--date", "2025-03-01")
    assert result.exit_code == 0, result.output
    assert "engine: edge" in result.stdout
    # one request for the opening and closing, one for the story (headline and lead)
    assert len(fake_edge.requests) == 2
    assert "测试新闻。\n今天上午说了第一句话。\n下午说了第二句话。" in fake_edge.requests
    (mp3,) = (out / "episodes").glob("*.mp3")
    samples = decode(mp3)
    assert tone_strength(samples, 44100, TONE_HZ) > 0.3  # the fake's tone is what is heard
    cues = (mp3.with_suffix(".vtt")).read_text("utf-8")
    assert "今天上午说了第一句话。" in cues and "下午说了第二句话。" in cues


def test_auto_uses_edge_when_the_service_answers(tmp_path, fake_edge):
    result = run_cli("build", _small_input(tmp_path), "--out", tmp_path / "out", "--date", "2025-03-01")
    assert result.exit_code == 0, result.output
    assert "engine: edge" in result.stdout


def test_edge_text_is_escaped_so_markup_is_spoken(tmp_path, fake_edge):
    news = tmp_path / "news.json"
    news.write_text(json.dumps([{"title": "A & B <break time='3s'/>", "body": "Tom & Jerry say <b>hi</b>."}]),
                    encoding="utf-8")
    result = run_cli("build", news, "--engine", "edge", "--out", tmp_path / "out", "--date", "2025-03-01")
    assert result.exit_code == 0, result.output
    assert any("<b>hi</b>" in text for text in fake_edge.requests)
