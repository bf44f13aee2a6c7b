"""The published feed, read the way podcast apps read it (feedparser, and the raw XML for
tags feedparser folds together), over an episode history of small real builds."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import uuid

import feedparser
import pytest
from lxml import etree

from audio_probe import decode
from published import NEWS, build_episode, fake_edge_service, listed_episodes

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
NS = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM}


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    """Two builds on different dates into one output folder."""
    out = tmp_path_factory.mktemp("feed") / "out"
    with fake_edge_service():
        build_episode(out, "2025-03-01")
        build_episode(out, "2025-03-02", NEWS[::-1])
    return out


def _feed(out):
    feed = feedparser.parse(str(out / "feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    return feed


def _xml(out):
    return etree.parse(str(out / "feed.xml")).getroot()


def _file_of(out, url):
    assert url.startswith("http://127.0.0.1:8000/episodes/")
    return out / "episodes" / url.rsplit("/", 1)[1]


def test_feedparser_reads_every_item_with_transcript_chapters_and_exact_length(two_days):
    feed = _feed(two_days)
    assert feed.version == "rss20" and feed.encoding.lower() == "utf-8"
    assert len(feed.entries) == 2
    for entry in feed.entries:
        (enclosure,) = entry.enclosures
        assert enclosure["type"] == "audio/mpeg"
        assert int(enclosure["length"]) == _file_of(two_days, enclosure["href"]).stat().st_size
        transcript, chapters = entry.podcast_transcript, entry.podcast_chapters
        assert transcript["rel"] == "captions" and transcript["language"] == "zh"
        assert chapters["type"] == "application/json+chapters"
        data = json.loads(_file_of(two_days, chapters["url"]).read_text("utf-8"))
        assert data["version"] == "1.2.0"
        starts = [c["startTime"] for c in data["chapters"]]
        assert starts == sorted(starts) and len(starts) == len(NEWS) + 2  # opening, stories, closing
        assert "WEBVTT" in _file_of(two_days, transcript["url"]).read_text("utf-8")


def test_each_item_lists_a_vtt_and_an_srt_transcript(two_days):
    for item in _xml(two_days).iter("item"):
        transcripts = {t.get("type"): t for t in item.findall("podcast:transcript", NS)}
        assert set(transcripts) == {"text/vtt", "application/x-subrip"}
        srt = _file_of(two_days, transcripts["application/x-subrip"].get("url")).read_text("utf-8")
        assert "-->" in srt and "," in srt.splitlines()[1]
        for t in transcripts.values():
            assert t.get("language") == "zh" and t.get("rel") == "captions"


def test_channel_has_every_apple_tag(two_days):
    channel = _xml(two_days).find("channel")
    assert channel.findtext("title") == "每日新闻简报"
    assert channel.findtext("description")
    assert channel.findtext("language") == "zh"
    assert channel.findtext("link") == "http://127.0.0.1:8000/"
    self_link = channel.find("atom:link[@rel='self']", NS)
    assert self_link.get("href") == "http://127.0.0.1:8000/feed.xml"
    assert self_link.get("type") == "application/rss+xml"
    assert channel.find("itunes:image", NS).get("href") == "http://127.0.0.1:8000/cover.png"
    assert (two_days / "cover.png").is_file()
    category = channel.find("itunes:category", NS)
    assert category.get("text") == "News"
    assert category.find("itunes:category", NS).get("text") == "Daily News"
    assert [e.text for e in channel.findall("itunes:explicit", NS)] == ["false"]
    assert channel.findtext("itunes:author", namespaces=NS) == "briefing"
    owner = channel.find("itunes:owner", NS)
    assert owner.findtext("itunes:name", namespaces=NS) == "briefing"
    assert owner.findtext("itunes:email", namespaces=NS) == "briefing@example.org"


def test_channel_has_podcasting_2_tags(two_days):
    channel = _xml(two_days).find("channel")
    expected = uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "127.0.0.1:8000/feed.xml")
    assert channel.findtext("podcast:guid", namespaces=NS) == str(expected)
    locked = channel.find("podcast:locked", NS)
    assert locked.text == "yes" and locked.get("owner") == "briefing@example.org"
    assert channel.find("podcast:updateFrequency", NS).get("rrule") == "FREQ=DAILY"


def test_podcast_guid_matches_the_spec_examples():
    from briefing.publish.feed import podcast_guid

    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast_guid("http://podnews.net/rss////") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_items_have_every_apple_tag(two_days):
    episodes = {e["guid"]: e for e in listed_episodes(two_days)}
    for item in _xml(two_days).iter("item"):
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "false" and guid.text in episodes
        episode = episodes[guid.text]
        assert item.findtext("title") == episode["title"]
        published = email.utils.parsedate_to_datetime(item.findtext("pubDate"))  # RFC 2822
        assert published.tzinfo is not None
        mp3 = _file_of(two_days, item.find("enclosure").get("url"))
        duration = item.findtext("itunes:duration", namespaces=NS)
        assert duration.isdigit() and abs(int(duration) - decode(mp3).size / 44100) <= 1.0
        assert item.find("itunes:image", NS).get("href") == "http://127.0.0.1:8000/cover.png"
        description = item.findtext("description")
        for headline in episode["headlines"]:
            assert headline in description
        assert set(episode["headlines"]) == {n["title"] for n in NEWS}


def test_two_dates_list_two_episodes_newest_first_with_distinct_guids(two_days):
    feed = _feed(two_days)
    newest, oldest = feed.entries
    assert "2025-03-02" in newest.enclosures[0]["href"] and "2025-03-01" in oldest.enclosures[0]["href"]
    assert newest.published_parsed > oldest.published_parsed
    assert newest.id != oldest.id


def test_rebuilding_a_date_keeps_its_guid_under_a_new_media_name(tmp_path):
    out = tmp_path / "out"
    with fake_edge_service():
        build_episode(out, "2025-03-01")
        build_episode(out, "2025-03-02")
        first = {e.id: e.enclosures[0]["href"] for e in _feed(out).entries}
        build_episode(out, "2025-03-01", [NEWS[0]])  # the same day again, with other news
    feed = _feed(out)
    after = {e.id: e.enclosures[0]["href"] for e in feed.entries}
    assert set(after) == set(first)  # the same two guids: a rebuild changes no guid
    newest, rebuilt = feed.entries
    assert after[newest.id] == first[newest.id]
    assert after[rebuilt.id] != first[rebuilt.id]  # never new audio at an old URL
    assert NEWS[1]["title"] not in rebuilt.description
    old_file = _file_of(out, first[rebuilt.id])
    assert not old_file.exists() and not old_file.with_suffix(".vtt").exists()
    names = sorted(p.name for p in (out / "episodes").iterdir())
    assert len(names) == 2 * 4  # mp3, chapters, vtt and srt of the two listed episodes, nothing else
    for entry in feed.entries:
        assert int(entry.enclosures[0]["length"]) == _file_of(out, entry.enclosures[0]["href"]).stat().st_size


def test_keep_retires_the_oldest_episode_and_its_files(tmp_path):
    out = tmp_path / "out"
    with fake_edge_service():
        for day in ("2025-03-01", "2025-03-02"):
            build_episode(out, day)
        oldest = listed_episodes(out)[-1]
        build_episode(out, "2025-03-03", NEWS, "--keep", "2")
    feed = _feed(out)
    assert [e.enclosures[0]["href"].rsplit("/", 1)[1][:10] for e in feed.entries] == ["2025-03-03", "2025-03-02"]
    assert [e["date"] for e in listed_episodes(out)] == ["2025-03-03", "2025-03-02"]
    for name in [oldest["media"], *oldest["sidecars"].values()]:
        assert not (out / "episodes" / name).exists()
    assert "2025-03-01" not in (out / "index.html").read_text("utf-8")


def test_a_failed_feed_write_loses_nothing_published_before(tmp_path, monkeypatch):
    """The disk refuses the new feed (the outside world fails): the old feed stands, every
    file it lists is still there, no temporary file is left, and the error is one line."""
    import os

    from conftest import run_cli

    out = tmp_path / "out"
    with fake_edge_service():
        build_episode(out, "2025-03-01")
        before = (out / "feed.xml").read_bytes()
        real_replace = os.replace

        def refuse_feed(source, target, *args, **kwargs):
            if str(target).endswith("feed.xml"):
                raise OSError(28, "No space left on device", str(target))
            return real_replace(source, target, *args, **kwargs)

        monkeypatch.setattr(os, "replace", refuse_feed)
        news = tmp_path / "later.json"
        news.write_text(json.dumps(NEWS, ensure_ascii=False), encoding="utf-8")
        result = run_cli("build", news, "--engine", "edge", "--out", out, "--date", "2025-03-02", "--keep", "1",
                         "--allow-repeats")
        monkeypatch.setattr(os, "replace", real_replace)
    assert result.exit_code == 6
    assert "No space left on device" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (out / "feed.xml").read_bytes() == before
    for entry in _feed(out).entries:
        assert _file_of(out, entry.enclosures[0]["href"]).is_file()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_today_is_published_now_and_a_past_date_in_its_morning(tmp_path):
    out = tmp_path / "out"
    today = dt.date.today().isoformat()
    with fake_edge_service():
        build_episode(out, today)
        build_episode(out, "2025-03-01")
    now = dt.datetime.now(dt.timezone.utc)
    published = {e["date"]: dt.datetime.fromisoformat(e["published"]) for e in listed_episodes(out)}
    assert abs((now - published[today]).total_seconds()) < 3600
    assert published["2025-03-01"].astimezone().date() == dt.date(2025, 3, 1)
