"""Cue timing and options for the online voice, through the real edge-tts library and a fake service."""

from __future__ import annotations

import srt
from audio_probe import decode, ebur128, nearest, voiced_runs
from conftest import run_cli, write_news
from fake_edge import TONE_SECONDS
from mutagen.mp3 import MP3


def _news(tmp_path):
    return write_news(tmp_path, [{"id": "1", "title": "测试新闻", "body": "第一句话。第二句话。第三句话。"}])


def test_online_cues_follow_the_service_sentence_boundaries(tmp_path, fake_edge):
    out = tmp_path / "out"
    result = run_cli("build", _news(tmp_path), "--engine", "edge", "--out", out, "--date", "2025-03-01")
    assert result.exit_code == 0, result.output
    (mp3,) = (out / "episodes").glob("*.mp3")
    cues = list(srt.parse(mp3.with_suffix(".srt").read_text("utf-8")))
    assert [c.content for c in cues if "句话" in c.content] == ["第一句话。", "第二句话。", "第三句话。"]
    runs = voiced_runs(decode(mp3), 44100)
    starts, ends = [a for a, _ in runs], [b for _, b in runs]
    for cue in cues[1:]:  # the first follows the intro sound
        start, end = cue.start.total_seconds(), cue.end.total_seconds()
        assert nearest(start, starts) <= 0.1 and nearest(end, ends) <= 0.1, cue
        assert abs((end - start) - TONE_SECONDS) <= 0.1, cue  # one tone burst each, none cut into two
    measured = ebur128(mp3)
    assert -17 <= measured["lufs"] <= -15 and measured["true_peak"] <= -1.5, measured


def test_bitrate_option(tmp_path, fake_edge):
    out = tmp_path / "out"
    result = run_cli("build", _news(tmp_path), "--engine", "edge", "--out", out, "--date", "2025-03-01",
                     "--bitrate", "64")
    assert result.exit_code == 0, result.output
    (mp3,) = (out / "episodes").glob("*.mp3")
    assert MP3(str(mp3)).info.bitrate == 64000


def test_impossible_bitrate_is_a_one_line_error(tmp_path):
    result = run_cli("build", _news(tmp_path), "--out", tmp_path / "out", "--bitrate", "100")
    assert result.exit_code == 3
    assert "bitrate must be an MP3 bit rate" in result.stderr and "96" in result.stderr


def test_missing_music_bed_is_a_one_line_error(tmp_path):
    result = run_cli("build", _news(tmp_path), "--out", tmp_path / "out", "--music-bed", tmp_path / "nope.mp3")
    assert result.exit_code == 3
    assert "music bed" in result.stderr and "nope.mp3" in result.stderr


def test_unreadable_music_bed_fails_cleanly_and_publishes_nothing(tmp_path, fake_edge):
    bed = tmp_path / "bed.mp3"
    bed.write_text("not audio at all", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", _news(tmp_path), "--engine", "edge", "--out", out, "--music-bed", bed)
    assert result.exit_code == 5
    assert "cannot decode" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (out / "feed.xml").exists()


def test_split_puts_each_sentence_whole_in_its_own_piece():
    from fake_edge import decoded_seconds, tone_mp3

    from briefing.assemble.codec import decode_mp3
    from briefing.speak.edge import _Boundary, _split_at_sentences

    burst = tone_mp3()
    audio, rate = decode_mp3(burst * 3)  # one stream of three sentences, as the service sends
    step = decoded_seconds(burst)
    sentences = ["第一句话。", "第二句话。", "第三句话。"]
    boundaries = [_Boundary(k * step, TONE_SECONDS, s) for k, s in enumerate(sentences)]
    pieces = _split_at_sentences(audio, rate, sentences, boundaries)
    assert len(pieces) == 3
    for piece in pieces:
        (run,) = voiced_runs(piece, rate, threshold_db=-40, window=0.002, bridge=0.01)  # no neighbour's sliver
        assert abs(run[1] - run[0] - TONE_SECONDS) <= 0.01  # and none of its own sound cut off
