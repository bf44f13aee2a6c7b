"""The sample bulletin as a listener's app sees it: loudness, MP3 format, ID3 tags, chapters,
transcripts. Uses the shared build (conftest.sample_build); measured with ffmpeg, mutagen,
webvtt-py and srt, not with the project's own code."""

from __future__ import annotations

import json

import feedparser
import pytest
import srt
import webvtt
from audio_probe import decode, ebur128, nearest, voiced_runs
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode
from PIL import Image

from briefing.script import WORDING

OPENING, CLOSING = "开场", "结束"
TRANSITIONS = {t.strip() for t in WORDING["zh"]["transition"].split(" | ")}


pytestmark = pytest.mark.xdist_group("offline-voice")  # the shared sample build and the model: one worker

@pytest.fixture(scope="module")
def files(sample_build):
    mp3 = sample_build["mp3"]
    samples = decode(mp3)
    runs = voiced_runs(samples, 44100)
    return {
        "mp3": mp3,
        "seconds": samples.size / 44100,
        "starts": [a for a, _ in runs],
        "ends": [b for _, b in runs],
        "chapters": json.loads(mp3.with_suffix(".chapters.json").read_text("utf-8")),
        "vtt": webvtt.read(str(mp3.with_suffix(".vtt"))),
        "srt": list(srt.parse(mp3.with_suffix(".srt").read_text("utf-8"))),
    }


def test_loudness_is_broadcast_standard(files):
    measured = ebur128(files["mp3"])
    assert -17.0 <= measured["lufs"] <= -15.0, measured
    assert measured["true_peak"] <= -1.5, measured


def test_mp3_is_mono_44k_cbr_96k(files):
    info = MP3(str(files["mp3"])).info
    assert (info.sample_rate, info.channels, info.bitrate) == (44100, 1, 96000)
    assert info.bitrate_mode == BitrateMode.CBR


def test_id3v23_tags_are_all_there(files):
    tags = ID3(str(files["mp3"]))
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == "每日新闻简报 2025年2月15日"
    assert str(tags["TPE1"]) and str(tags["TALB"]) == "每日新闻简报"
    assert str(tags["TDRC"]).startswith("2025")
    assert str(tags["TCON"]) == "Podcast"
    (comment,) = tags.getall("COMM")
    assert "全国铁路春运发送旅客突破4亿人次" in comment.text[0]
    (cover,) = tags.getall("APIC")
    assert cover.mime in ("image/jpeg", "image/png") and 1000 < len(cover.data) < 200_000


def test_one_chap_per_story_matching_the_chapters_json(files):
    tags = ID3(str(files["mp3"]))
    chaps = tags.getall("CHAP")
    assert len(chaps) >= 6
    (toc,) = tags.getall("CTOC")
    in_order = [next(c for c in chaps if c.element_id == eid) for eid in toc.child_element_ids]
    assert len(in_order) == len(chaps)
    chapters = files["chapters"]
    assert chapters["version"] == "1.2.0"
    listed = chapters["chapters"]
    assert [c["startTime"] for c in listed] == sorted(c["startTime"] for c in listed)
    assert len(listed) == len(in_order)
    for chap, entry in zip(in_order, listed):
        assert str(chap.sub_frames["TIT2"]) == entry["title"]
        assert abs(chap.start_time / 1000 - entry["startTime"]) <= 0.001
        assert abs(chap.end_time / 1000 - entry["endTime"]) <= 0.001
    stories = [c for c in listed if c["title"] not in (OPENING, CLOSING)]
    assert len(stories) == 6


def test_story_chapters_start_and_end_where_the_speech_does(files):
    stories = [c for c in files["chapters"]["chapters"] if c["title"] not in (OPENING, CLOSING)]
    for chapter in stories:
        assert nearest(chapter["startTime"], files["starts"]) <= 0.1, chapter
        assert nearest(chapter["endTime"], files["ends"]) <= 0.1, chapter


def test_transcripts_parse_and_agree(files):
    vtt, subrip = files["vtt"], files["srt"]
    assert len(vtt) == len(subrip) >= 25
    for a, b in zip(vtt, subrip):
        assert a.text == b.content
        assert abs(a.start_in_seconds - b.start.total_seconds()) < 1.001
    starts = [c.start.total_seconds() for c in subrip]
    assert starts == sorted(starts)
    assert all(c.end > c.start for c in subrip)


def test_transcript_shows_the_original_text_and_covers_the_bulletin(files):
    texts = [c.content for c in files["srt"]]
    assert any("(DeepSeek)" in t for t in texts)  # the spoken form drops it; the transcript keeps it
    assert any("4亿人次" in t for t in texts)
    assert files["seconds"] - files["srt"][-1].end.total_seconds() <= 15


def test_each_cue_is_timed_to_its_sentence_in_the_decoded_audio(files):
    cues = files["srt"][1:]  # the first sentence follows the intro sound: no silence marks its start
    checked = 0
    for cue in cues:
        start, end = cue.start.total_seconds(), cue.end.total_seconds()
        assert nearest(end, files["ends"]) <= 0.25, cue
        if cue.content not in TRANSITIONS:  # "Next." follows the transition sound
            assert nearest(start, files["starts"]) <= 0.25, cue
            checked += 1
    assert checked >= 20


def test_feed_references_a_square_cover(files, sample_build):
    feed = feedparser.parse(str(sample_build["out"] / "feed.xml"))
    href = feed.feed.image.href
    assert href.endswith((".png", ".jpg"))
    with Image.open(sample_build["out"] / href.rsplit("/", 1)[1]) as cover:
        assert cover.size[0] == cover.size[1] and 1400 <= cover.size[0] <= 3000
        assert cover.mode in ("RGB", "P", "L")
