"""The published feed, read the way podcast apps read it (feedparser, and the raw XML for
tags feedparser folds together), over an episode history of small real builds."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import uuid

import feedparser
import pytest
from audio_probe import decode
from lxml import etree
from published import NEWS, build_episode, copy_folder, listed_episodes

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
NS = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM}


@pytest.fixture(scope="module")
def first_day(tmp_path_factory):
    """One build of 2025-03-01: tests about what later builds do start from a copy of it."""
    out = tmp_path_factory.mktemp("first-day") / "out"
    build_episode(out, "2025-03-01")
    return out


@pytest.fixture(scope="module")
def two_days(first_day, tmp_path_factory):
    """Two builds on different dates into one output folder (the second reads the news in another order)."""
    out = copy_folder(first_day, tmp_path_factory.mktemp("feed") / "out")
    build_episode(out, "2025-03-02", NEWS[::-1])
    return out


@pytest.fixture(scope="module")
def first_two_days(first_day, tmp_path_factory):
    """The same news built again for 2025-03-02 into a copy of first_day."""
    out = copy_folder(first_day, tmp_path_factory.mktemp("first-two-days") / "out")
    build_episode(out, "2025-03-02")
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
    assert channel.findtext("itunes:author", namespaces=NS) == "每日新闻简报"  # the show's author: by default its title
    owner = channel.find("itunes:owner", NS)
    assert owner.findtext("itunes:name", namespaces=NS) == "每日新闻简报"
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


def test_rebuilding_a_date_keeps_its_guid_under_a_new_media_name(tmp_path, first_two_days):
    out = copy_folder(first_two_days, tmp_path / "out")
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


def test_keep_retires_the_oldest_episode_and_its_files(tmp_path, first_two_days):
    out = copy_folder(first_two_days, tmp_path / "out")
    oldest = listed_episodes(out)[-1]
    build_episode(out, "2025-03-03", NEWS, "--keep", "2")
    feed = _feed(out)
    assert [e.enclosures[0]["href"].rsplit("/", 1)[1][:10] for e in feed.entries] == ["2025-03-03", "2025-03-02"]
    assert [e["date"] for e in listed_episodes(out)] == ["2025-03-03", "2025-03-02"]
    for name in [oldest["media"], *oldest["sidecars"].values()]:
        assert not (out / "episodes" / name).exists()
    assert "2025-03-01" not in (out / "index.html").read_text("utf-8")


def test_a_failed_feed_write_loses_nothing_published_before(tmp_path, monkeypatch, first_day):
    """The disk refuses the new feed (the outside world fails): the old feed stands, every
    file it lists is still there, no temporary file is left, and the error is one line."""
    import os

    from conftest import run_cli

    out = copy_folder(first_day, tmp_path / "out")
    before = (out / "feed.xml").read_bytes()
    real_replace = os.replace

    def refuse_feed(source, target, *args, **kwargs):
        if str(target).endswith("feed.xml"):
            raise OSError(28, "No space left on device", str(target))
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refuse_feed)
    news = tmp_path / "later.json"
    news.write_text(json.dumps(NEWS, ensure_ascii=False), encoding="utf-8")
    result = run_cli("build", news, "--engine", "standin", "--offline-engine", "standin", "--out", out,
                     "--date", "2025-03-02", "--keep", "1", "--allow-repeats")
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
    build_episode(out, today)
    build_episode(out, "2025-03-01")
    now = dt.datetime.now(dt.UTC)
    published = {e["date"]: dt.datetime.fromisoformat(e["published"]) for e in listed_episodes(out)}
    assert abs((now - published[today]).total_seconds()) < 3600
    assert published["2025-03-01"].astimezone().date() == dt.date(2025, 3, 1)


def test_feedparser_reads_episode_type_link_itunes_title_copyright_and_author(two_days):
    feed = _feed(two_days)
    assert feed.feed.author == "每日新闻简报"
    assert feed.feed.rights == "© 2025 每日新闻简报"
    for entry in feed.entries:
        date = entry.enclosures[0]["href"].rsplit("/", 1)[1][:10]
        assert entry.itunes_episodetype == "full"
        assert entry.link == f"http://127.0.0.1:8000/#episode-{date}"
        year, month, day = map(int, date.split("-"))
        assert entry.itunes_title == f"{year}年{month}月{day}日"  # the show's name is not repeated
        assert "每日新闻简报" in entry.title and "每日新闻简报" not in entry.itunes_title
        assert entry.author == "每日新闻简报"
    page = (two_days / "index.html").read_text("utf-8")
    for entry in feed.entries:
        assert f'id="{entry.link.split("#")[1]}"' in page  # the link leads to the episode on the page


def _podcast_guid(out):
    return _xml(out).find("channel").findtext("podcast:guid", namespaces=NS)


def test_podcast_guid_stays_when_the_show_moves_to_another_url(tmp_path, first_day):
    out = copy_folder(first_day, tmp_path / "out")
    first = _podcast_guid(out)
    assert json.loads((out / "episodes.json").read_text("utf-8"))["podcast_guid"] == first
    build_episode(out, "2025-03-02", NEWS, "--base-url", "https://news.example.net/daily/")
    assert _xml(out).find("channel").findtext("link") == "https://news.example.net/daily/"
    assert _podcast_guid(out) == first
    build_episode(out, "2025-03-02", NEWS[::-1], "--base-url", "https://elsewhere.example.com/")
    assert _podcast_guid(out) == first


def test_a_folder_without_a_kept_guid_keeps_the_one_its_feed_published(tmp_path, first_day):
    out = copy_folder(first_day, tmp_path / "out")
    first = _podcast_guid(out)
    history = json.loads((out / "episodes.json").read_text("utf-8"))
    del history["podcast_guid"]  # as written by a version that did not keep it
    (out / "episodes.json").write_text(json.dumps(history), encoding="utf-8")
    build_episode(out, "2025-03-02", NEWS, "--base-url", "https://news.example.net/")
    assert _podcast_guid(out) == first


def test_the_guid_and_copyright_set_in_briefing_toml_win(tmp_path, first_day):
    out = copy_folder(first_day, tmp_path / "out")
    chosen = "0f6a1c7e-58a3-5b49-9d6e-2c1d0e8b7a41"
    config = tmp_path / "briefing.toml"
    config.write_text(f'[show]\nguid = "{chosen}"\ncopyright = "© 2025 Harbour Radio"\nauthor = "Harbour Radio"\n',
                      encoding="utf-8")
    build_episode(out, "2025-03-02", config=config)
    assert _podcast_guid(out) == chosen
    feed = _feed(out)
    assert feed.feed.rights == "© 2025 Harbour Radio" and feed.feed.author == "Harbour Radio"
    assert json.loads((out / "episodes.json").read_text("utf-8"))["podcast_guid"] == chosen


def test_a_guid_that_is_no_uuid_is_a_one_line_error(tmp_path):
    from conftest import run_cli

    config = tmp_path / "briefing.toml"
    config.write_text('[show]\nguid = "my-show"\n', encoding="utf-8")
    news = tmp_path / "news.json"
    news.write_text(json.dumps(NEWS, ensure_ascii=False), encoding="utf-8")
    result = run_cli("--config", config, "build", news, "--engine", "standin", "--out", tmp_path / "out")
    assert result.exit_code != 0
    assert "guid must be a UUID" in result.stderr and "Traceback" not in result.output


def test_the_build_warns_about_the_placeholder_owner_email_until_it_is_set(tmp_path):
    out = tmp_path / "out"
    result = build_episode(out, "2025-03-01")
    assert "briefing@example.org" in result.output and "owner_email" in result.output
    config = tmp_path / "briefing.toml"
    config.write_text('[show]\nowner_email = "desk@harbour-radio.example"\n', encoding="utf-8")
    result = build_episode(out, "2025-03-02", config=config)
    assert "owner_email" not in result.output and "example.org" not in result.output
    owner = _xml(out).find("channel").find("itunes:owner", NS)
    assert owner.findtext("itunes:email", namespaces=NS) == "desk@harbour-radio.example"


def test_doctor_warns_about_the_placeholder_owner_email_until_it_is_set():
    from briefing.doctor import CHECKS, check_owner_email
    from briefing.settings import Settings, Show

    assert check_owner_email in CHECKS
    placeholder = check_owner_email(Settings())
    assert not placeholder.ok and not placeholder.needed  # a warning: builds still work
    assert "briefing@example.org" in placeholder.detail and "owner_email" in placeholder.detail
    assert check_owner_email(Settings(show=Show(owner_email="desk@harbour-radio.example"))).ok


@pytest.mark.parametrize("title", ["每日新闻简报", "Harbour Radio Morning Briefing", "城市晚报 Evening Edition 今日要闻"])
def test_the_drawn_cover_shows_the_title_inside_the_safe_area(title):
    import io

    from PIL import Image, ImageChops

    from briefing.artwork import GENERATED_SIZE, TEXT_BOX, cover_font_path, draw_cover

    if cover_font_path() is None:
        pytest.skip("the font package (manimgx-fonts-cjk) is not installed: covers are drawn without text")
    with Image.open(io.BytesIO(draw_cover(title))) as image:
        drawn = image.convert("RGB")
        assert image.format == "PNG" and image.size == (3000, 3000) and image.mode == "RGB"
    with Image.open(io.BytesIO(draw_cover(title, with_text=False))) as image:
        bare = image.convert("RGB")
    box = ImageChops.difference(drawn, bare).getbbox()  # where the title's pixels are
    assert box is not None
    left, top, right, bottom = (f * GENERATED_SIZE for f in TEXT_BOX)
    assert left <= box[0] and top <= box[1] and box[2] <= right and box[3] <= bottom
    assert box[3] <= 0.75 * GENERATED_SIZE  # nothing in the bottom band players may cover
    assert (box[2] - box[0]) >= 0.4 * GENERATED_SIZE  # large enough to read as a thumbnail


def test_the_cover_is_redrawn_when_the_title_changes(tmp_path):
    from briefing.artwork import cover_file, drawn_title
    from briefing.settings import Settings, Show

    first = cover_file(Settings(out_dir=tmp_path))
    assert drawn_title(first) == "每日新闻简报"
    before = first.read_bytes()
    assert cover_file(Settings(out_dir=tmp_path)).read_bytes() == before  # drawn once, then kept
    again = cover_file(Settings(out_dir=tmp_path, show=Show(title="Harbour Radio")))
    assert drawn_title(again) == "Harbour Radio" and again.read_bytes() != before


def test_a_drawn_cover_is_kept_for_the_next_folder_and_a_damaged_copy_is_drawn_again(tmp_path, monkeypatch):
    from PIL import Image

    from briefing.artwork import cover_file, draw_cover, drawn_title
    from briefing.settings import Settings

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = cover_file(Settings(out_dir=tmp_path / "one")).read_bytes()
    (kept,) = (tmp_path / "cache" / "briefing" / "covers").iterdir()
    assert kept.read_bytes() == first == draw_cover("每日新闻简报")
    kept.write_bytes(first[: len(first) // 2])  # cut short, as a full disk or a crash leaves it
    second = cover_file(Settings(out_dir=tmp_path / "two"))
    assert second.read_bytes() == first and drawn_title(second) == "每日新闻简报"
    with Image.open(second) as image:
        image.load()
    assert kept.read_bytes() == first  # drawn again and kept whole


def test_show_page_lists_every_episode_with_a_download_and_a_subscribe_block(two_days):
    """The page as any client gets it (no browser): tests/test_browser.py drives it in one."""
    from lxml import html

    page = html.fromstring((two_days / "index.html").read_bytes())
    episodes = listed_episodes(two_days)
    articles = page.xpath("//main/article")
    assert [a.get("id") for a in articles] == [f"episode-{e['date']}" for e in episodes]  # newest first
    for article, episode in zip(articles, episodes):
        (download,) = article.xpath(".//p[@class='download']/a[@download]")
        assert download.get("href") == "episodes/" + episode["media"]
        assert f"({round(episode['length'] / 1000)} KB)" in article.text_content()
        assert article.xpath(".//audio[@controls]") and article.xpath(".//details[@class='transcript']")
        assert len(article.xpath(".//a[@class='chapter']")) == len(NEWS) + 2
    feed_url = "http://127.0.0.1:8000/feed.xml"
    assert page.get_element_by_id("feed-url").get("value") == feed_url
    assert page.get_element_by_id("copy-feed").get("hidden") is not None  # shown by the script only
    hrefs = [a.get("href") for a in page.xpath("//ul[@class='apps']//a")]
    assert "podcast://127.0.0.1:8000/feed.xml" in hrefs and "feed.xml" in hrefs
    assert len(hrefs) == 6
    (code,) = page.xpath("//figure[@class='qr']/svg[@role='img']")
    assert code.get("aria-label") and code.xpath(".//path")
    assert page.get("lang") == "zh-CN"
    assert {a.get("lang") for a in page.xpath("//ul[@class='apps']//a")[:4]} == {"en"}


def test_the_history_holds_each_episodes_chapters_and_cues_and_the_page_is_made_from_it(tmp_path, first_day):
    import srt

    out = copy_folder(first_day, tmp_path / "out")
    [episode] = json.loads((out / "episodes.json").read_text("utf-8"))["episodes"]
    chapters = json.loads((out / "episodes" / episode["sidecars"]["chapters"]).read_text("utf-8"))["chapters"]
    assert [title for _, _, title in episode["chapters"]] == [c["title"] for c in chapters]
    assert [start for start, _, _ in episode["chapters"]] == pytest.approx([c["startTime"] for c in chapters], abs=1e-3)
    cues = list(srt.parse((out / "episodes" / episode["sidecars"]["srt"]).read_text("utf-8")))
    assert [text for _, _, text in episode["cues"]] == [c.content for c in cues]
    for name in episode["sidecars"].values():  # the page reads no sidecar file back
        (out / "episodes" / name).unlink()
    build_episode(out, "2025-03-02", NEWS[::-1])
    page = (out / "index.html").read_text("utf-8")
    assert page.count('class="chapter"') == len(episode["chapters"]) * 2
    assert escape_html(cues[-1].content) in page


def escape_html(text):
    from html import escape

    return escape(text)
