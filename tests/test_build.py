"""End to end: the sample page becomes a published episode (one shared offline build)."""

from __future__ import annotations

import json
import shutil

import feedparser
from audio_probe import decode, voiced_seconds
from conftest import ENGLISH_SAMPLE, run_cli


def test_bulletin_is_minutes_of_audible_speech(sample_build):
    samples = decode(sample_build["mp3"])
    seconds = samples.size / 44100
    assert 90 <= seconds <= 420
    assert voiced_seconds(samples, 44100) > 0.6 * seconds


def test_one_chapter_per_article(sample_build):
    chapters = json.loads(sample_build["mp3"].with_suffix(".chapters.json").read_text("utf-8"))["chapters"]
    stories = [c for c in chapters if c["title"] not in ("开场", "结束")]
    assert len(stories) == 6
    assert stories[1]["title"] == "全国铁路春运发送旅客突破4亿人次"


def test_build_reports_episode_duration_and_engine(sample_build):
    output = sample_build["stdout"]
    assert str(sample_build["mp3"]) in output
    assert "duration:" in output and "engine: standin" in output


def test_feed_enclosure_and_duration_match_the_file(sample_build):
    feed = feedparser.parse(str(sample_build["out"] / "feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    (entry,) = feed.entries
    (enclosure,) = entry.enclosures
    mp3 = sample_build["mp3"]
    assert int(enclosure["length"]) == mp3.stat().st_size
    assert enclosure["href"] == f"http://127.0.0.1:8000/episodes/{mp3.name}"
    assert enclosure["type"] == "audio/mpeg"
    decoded = decode(mp3).size / 44100
    assert abs(int(entry.itunes_duration) - decoded) <= 1.0


def test_another_date_adds_an_episode_and_keeps_the_first(sample_build, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(sample_build["out"], out)  # the shared build stays as it is for the other tests
    before = feedparser.parse(str(out / "feed.xml")).entries[0]
    result = run_cli("build", ENGLISH_SAMPLE, "--engine", "standin", "--out", out, "--date", "2025-02-16",
                     "--item-seconds", "8")
    assert result.exit_code == 0, result.output
    feed = feedparser.parse(str(out / "feed.xml"))
    assert not feed.bozo
    assert len(feed.entries) == 2
    newest, oldest = feed.entries
    assert "2025-02-16" in newest.enclosures[0]["href"]
    assert oldest.id == before.id and oldest.enclosures[0]["href"] == before.enclosures[0]["href"]
    assert newest.id != oldest.id
    for entry in feed.entries:
        name = entry.enclosures[0]["href"].rsplit("/", 1)[1]
        assert (out / "episodes" / name).stat().st_size == int(entry.enclosures[0]["length"])
