"""A daily show: no repeats across days, a time budget, editions and the flash briefing feed.

Every build uses the stand-in voice (fast, deterministic); durations and loudness are
measured on the encoded MP3 with ffmpeg (tests/audio_probe.py), not with the project's code.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from email.utils import format_datetime
from pathlib import Path

import feedparser
import pytest
from audio_probe import duration, ebur128
from conftest import (
    ENGLISH_SAMPLE,
    SAMPLE_PAGE,
    STANDIN,
    brief_build,
    build_once,
    run_cli,
    write_news,
)
from news_server import NewsServer

from briefing.leads import write_leads

# Our own stories (invented for these tests): (guid, title, body)
STORIES = {
    "a": ("湖畔公园新建步道今日开放", ("城东湖畔公园的环湖步道今天正式开放，全长六公里。步道沿途设有十二处休息点和两座观景台。"
          "管理处表示，夜间步道照明将开放到晚上十点。")),
    "b": ("市图书馆延长周末开放时间", ("市图书馆宣布，从本周起周末开放时间延长两小时。新增的时段主要面向学生自习。"
          "馆方同时增加了三百个座位。")),
    "c": ("社区菜市场完成改造重新营业", ("位于老城区的社区菜市场经过三个月改造后重新营业。摊位由八十个增加到一百二十个。"
          "市场还新设了净菜加工区和便民服务台。")),
    "d": ("本地中学机器人队获得省赛冠军", ("本市第三中学机器人队在省级比赛中获得冠军。队员们设计的分拣机器人在决赛中表现稳定。"
          "他们将代表本省参加全国比赛。")),
    "e": ("城郊果园迎来草莓采摘季", ("城郊多个果园的草莓进入成熟期，采摘季将持续到五月。果农介绍，今年的草莓甜度比往年更高。"
          "部分果园推出了亲子采摘活动。")),
    "f": ("新开通公交线路连接两大园区", ("一条新的公交线路今天开通，连接高新园区和物流园区。线路全长十八公里，设站十四个。"
          "早晚高峰发车间隔为八分钟。")),
    "g": ("老旧小区加装电梯工程启动", ("今年首批老旧小区加装电梯工程今天启动，共涉及四十栋楼。施工方承诺每部电梯工期不超过九十天。"
          "居民可以通过社区服务站了解进度。")),
    "h": ("全市举办春季义务植树活动", ("全市春季义务植树活动在西山举行，三千多名市民参加。当天共种下各类树苗一万两千株。"
          "林业部门将安排专人负责后期养护。")),
    "i": ("河道清淤工程提前完工", ("主城区河道清淤工程比计划提前十天完工。工程共清理淤泥五万立方米。"
          "河道两岸的绿化带也同步完成了修整。")),
}
UPDATED_A = ("湖畔公园新建步道今日开放", ("环湖步道开放首日接待游客超过两万人次，远超管理处此前的预计。"
             "为疏导人流，管理处临时增开了三个出入口，并在周末实行分时段预约入园。"))


def rss(keys: list[str], day: dt.date, overrides: dict[str, tuple[str, str]] | None = None) -> str:
    """An RSS feed carrying the full text of each item (content:encoded): no page is fetched."""
    items = []
    for key in keys:
        title, body = (overrides or {}).get(key, STORIES[key])
        paragraphs = "".join(f"<p>{sentence}。</p>" for sentence in body.rstrip("。").split("。"))
        items.append(f"<item><title>{title}</title><link>https://news.example.org/{key}.html</link>"
                     f"<guid>https://news.example.org/{key}</guid>"
                     f"<pubDate>{format_datetime(dt.datetime.combine(day, dt.time(5, 0), dt.UTC))}</pubDate>"
                     f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>本地新闻</title>'
            f'<link>https://news.example.org/</link><description>测试</description>{"".join(items)}</channel></rss>')


def headlines(out: Path, date: str) -> list[str]:
    episodes = json.loads((out / "episodes.json").read_text("utf-8"))["episodes"]
    return next(e["headlines"] for e in episodes if e["date"] == date)


def build(feed_url: str, out: Path, date: str, *extra: str):
    result = brief_build(out.parent, feed_url, "--out", out, "--date", date,
                         "--item-seconds", "8", *extra)  # short leads: which stories are read is tested
    assert result.exit_code == 0, result.output
    return result


def test_the_next_day_reads_only_new_stories_unless_repeats_are_allowed(tmp_path):
    out = tmp_path / "out"
    titles = {key: STORIES[key][0] for key in STORIES}
    with NewsServer() as server:
        url = server.add("/feed.xml", rss(list("abcdef"), dt.date(2025, 3, 1)), "application/rss+xml")
        build(url, out, "2025-03-01")
        assert set(headlines(out, "2025-03-01")) == {titles[k] for k in "abcdef"}

        # the feed keeps half of yesterday's items and adds three new ones
        server.add("/feed.xml", rss(list("ghiabc"), dt.date(2025, 3, 2)), "application/rss+xml")
        second = build(url, out, "2025-03-02")
        assert sorted(headlines(out, "2025-03-02")) == sorted(titles[k] for k in "ghi")
        assert "left out 3 already broadcast in the last 3 days" in second.stdout
        for key in "abc":
            assert f"{titles[key]} (2025-03-01)" in second.stdout

        again = build(url, out, "2025-03-02", "--allow-repeats")
        assert sorted(headlines(out, "2025-03-02")) == sorted(titles[k] for k in "ghiabc")
        assert "left out" not in again.stdout

        # a story that changed substantially comes back, marked as an update; the rest stay out
        server.add("/feed.xml", rss(list("ab"), dt.date(2025, 3, 3), {"a": UPDATED_A}), "application/rss+xml")
        build(url, out, "2025-03-03")
        assert headlines(out, "2025-03-03") == ["更新：" + titles["a"]]

    memory = json.loads((out / "broadcast.json").read_text("utf-8"))["stories"]
    assert {(s["date"], s["title"]) for s in memory if s["date"] == "2025-03-03"} == {("2025-03-03", titles["a"])}
    assert all(s["identity"].startswith("https://news.example.org/") for s in memory)


def test_the_same_story_under_another_title_and_link_is_still_a_repeat(tmp_path):
    out = tmp_path / "out"
    first = write_news(tmp_path, [{"id": "x1", "title": STORIES["d"][0], "body": STORIES["d"][1]},
                                  {"id": "x2", "title": STORIES["e"][0], "body": STORIES["e"][1]}], "day1.json")
    brief_build(tmp_path, first, "--out", out, "--date", "2025-04-01")
    retold = STORIES["d"][1].replace("本市", "我市")  # the same lead, lightly edited, new title and id
    second = write_news(tmp_path, [{"id": "y1", "title": "三中机器人队夺得省赛第一", "body": retold},
                                   {"id": "y2", "title": STORIES["f"][0], "body": STORIES["f"][1]}], "day2.json")
    result = brief_build(tmp_path, second, "--out", out, "--date", "2025-04-02")
    assert result.exit_code == 0, result.output
    assert headlines(out, "2025-04-02") == [STORIES["f"][0]]
    assert "三中机器人队夺得省赛第一 (2025-04-01)" in result.stdout


def test_a_build_that_fails_leaves_the_memory_of_the_last_episode(tmp_path):
    out = tmp_path / "out"
    news = write_news(tmp_path, [{"id": "1", "title": STORIES["g"][0], "body": STORIES["g"][1]}], "day1.json")
    assert brief_build(tmp_path, news, "--out", out, "--date", "2025-05-01").exit_code == 0
    before = (out / "broadcast.json").read_bytes()
    unreadable = write_news(tmp_path, [{"id": "2", "title": STORIES["h"][0], "body": STORIES["h"][1]},
                                       {"id": "3", "title": "☀️☀️", "body": "🌧️🌧️🌧️"}], "day2.json")
    failed = brief_build(tmp_path, unreadable, "--out", out, "--date", "2025-05-02")
    assert failed.exit_code == 4
    assert (out / "broadcast.json").read_bytes() == before


def test_nothing_new_is_a_clear_error(tmp_path):
    out = tmp_path / "out"
    news = write_news(tmp_path, [{"id": "1", "title": STORIES["i"][0], "body": STORIES["i"][1]}])
    assert brief_build(tmp_path, news, "--out", out, "--date", "2025-06-01").exit_code == 0
    result = brief_build(tmp_path, news, "--out", out, "--date", "2025-06-02")
    assert result.exit_code == 2
    assert "--allow-repeats" in result.stderr and "Traceback" not in result.output


def _page_titles() -> list[str]:
    result = run_cli("articles", SAMPLE_PAGE, "--json")
    return [a["title"] for a in json.loads(result.stdout)]


def _chapter_titles(out: Path) -> list[str]:
    chapters = json.loads(next((out / "episodes").glob("*.chapters.json")).read_text("utf-8"))["chapters"]
    return [c["title"] for c in chapters[1:-1]]


def test_three_minutes_of_the_most_important_stories(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", SAMPLE_PAGE, ENGLISH_SAMPLE, *STANDIN, "--out", out, "--date", "2025-02-15",
                     "--minutes", "3")
    assert result.exit_code == 0, result.output
    seconds = duration(next((out / "episodes").glob("*.mp3")))
    assert 0.9 * 180 <= seconds <= 1.1 * 180, seconds
    page = _page_titles()
    read = _chapter_titles(out)
    assert read[0] == page[0]  # the top of the front page leads
    dropped = re.search(r"dropped (\d+) for the 3-minute budget: (.*)", result.stdout)
    assert dropped, result.stdout
    left_out = dropped.group(2).split("; ")
    assert len(left_out) == int(dropped.group(1)) and not set(left_out) & set(read)
    assert set(left_out) <= set(page[len(page) // 2:])  # what goes is from the bottom of the page
    # within the page, the bulletin keeps the page's order
    assert [t for t in read if t in page] == [t for t in page if t in read]


def test_one_minute_keeps_the_most_important_story_and_says_what_was_dropped(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", SAMPLE_PAGE, ENGLISH_SAMPLE, *STANDIN, "--out", out, "--date", "2025-02-15",
                     "--minutes", "1")
    assert result.exit_code == 0, result.output
    page = _page_titles()
    assert _chapter_titles(out) == [page[0]]
    assert "dropped 6 for the 1-minute budget" in result.stdout
    for title in page[1:]:
        assert title in result.stdout
    assert 0.9 * 60 <= duration(next((out / "episodes").glob("*.mp3"))) <= 1.1 * 60  # its lead grown to fill the minute


def test_a_story_in_two_sources_is_read_once_from_its_fullest_copy_and_ranks_higher(tmp_path):
    short_copy = STORIES["c"][1].split("。")[0] + "。"
    first = write_news(tmp_path, [{"id": "1", "title": STORIES["a"][0], "body": STORIES["a"][1]},
                                  {"id": "2", "title": STORIES["b"][0], "body": STORIES["b"][1]},
                                  {"id": "3", "title": STORIES["c"][0], "body": short_copy}], "one.json")
    second = write_news(tmp_path, [{"id": "4", "title": STORIES["c"][0], "body": STORIES["c"][1]},
                                   {"id": "5", "title": STORIES["e"][0], "body": STORIES["e"][1]}], "two.json")
    out = tmp_path / "out"
    result = brief_build(tmp_path, first, second, "--out", out, "--date", "2025-07-01")
    assert result.exit_code == 0, result.output
    read = _chapter_titles(out)
    assert read.count(STORIES["c"][0]) == 1
    assert read.index(STORIES["c"][0]) < read.index(STORIES["b"][0])  # two sources carry it
    transcript = next((out / "episodes").glob("*.vtt")).read_text("utf-8")
    assert "净菜加工区" in transcript  # from the fuller copy


EDITIONS = '''
[publish]
base_url = "http://127.0.0.1:8000/"
out_dir = "out"

[build]
engine = "standin"
offline_engine = "standin"

[[sources]]
path = "{page}"

[[sources]]
path = "{english}"

[[editions]]
name = "brief"
title = "两分钟新闻"
minutes = 2

[[editions]]
name = "full"
title = "新闻全览"
minutes = 10

[[editions]]
name = "speaker"
title = "智能音箱简报"
minutes = 3
format = "flash"
'''


@pytest.fixture(scope="session")
def editions_build(tmp_path_factory):
    """The three editions built once for the whole run (shared by the workers, like sample_build)."""
    return build_once(tmp_path_factory, "editions-build", "build", "--date", "2025-02-15",
                      config=EDITIONS.format(page=SAMPLE_PAGE, english=ENGLISH_SAMPLE))


def _episode(out: Path) -> dict:
    return json.loads((out / "episodes.json").read_text("utf-8"))["episodes"][0]


def _mp3(out: Path) -> Path:
    return next((out / "episodes").glob("*.mp3"))


def test_editions_share_their_clips_and_each_is_a_podcast(editions_build):
    out, stdout = editions_build
    brief, full = headlines(out / "brief", "2025-02-15"), headlines(out / "full", "2025-02-15")
    speaker = headlines(out / "speaker", "2025-02-15")
    assert 1 <= len(brief) < len(full) == 7
    speech = dict(re.findall(r"^(\w+): speech: (\d+) of \d+ stor", stdout, re.MULTILINE))
    cached = dict(re.findall(r"^(\w+): speech: .*clips: (\d+) of \d+ from the cache", stdout, re.MULTILINE))
    seconds = {name: duration(_mp3(out / name)) for name in ("brief", "full", "speaker")}
    print("synthesized", speech, "clips from the cache", cached, "seconds", seconds)
    assert int(speech["brief"]) == len(brief)
    # a story keeps the lead the first edition to read it gave it (the brief's last story too, whose lead
    # was lengthened to fill its two minutes): each edition synthesizes only the stories none before it read
    assert int(speech["full"]) == len(set(full) - set(brief))
    assert set(speaker) <= set(brief) | set(full)
    assert int(speech["speaker"]) == 0
    assert int(cached["full"]) >= 2 * len(brief)  # headline and lead of every story the brief read
    # each edition lasts its minutes within 10 %, decoded; all the news runs under 10 minutes, and the
    # full edition (every story, as long as the other editions read it) says so
    assert 0.9 * 120 <= seconds["brief"] <= 1.1 * 120
    assert 0.9 * 180 <= seconds["speaker"] <= 1.1 * 180
    assert seconds["full"] < 0.9 * 600
    assert re.search(r"^full: only about [\d.]+ minutes of news for the 10-minute budget", stdout, re.MULTILINE)
    for name in ("brief", "full", "speaker"):
        feed = feedparser.parse((out / name / "feed.xml").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.feed.title == {"brief": "两分钟新闻", "full": "新闻全览", "speaker": "智能音箱简报"}[name]
        for entry in feed.entries:
            for enclosure in entry.enclosures:
                assert enclosure.href.startswith(f"http://127.0.0.1:8000/{name}/episodes/")
                local = out / name / "episodes" / enclosure.href.rsplit("/", 1)[1]
                assert local.is_file() and local.stat().st_size == int(enclosure.length)
    page = (out / "index.html").read_text("utf-8")
    for name in ("brief", "full", "speaker"):
        assert f'href="{name}/feed.xml"' in page and f'href="{name}/index.html"' in page


def _spoken(out: Path, title: str) -> list[str]:
    """What the published episode says for the story `title`: its headline, then its lead, sentence by sentence."""
    episode = _episode(out)
    start, end = next((start, end) for start, end, chapter in episode["chapters"] if chapter == title)
    return [text for at, _, text in episode["cues"] if start <= at < end]


def test_a_story_another_edition_read_keeps_its_lead(editions_build):
    from briefing.config import load_config
    from briefing.context import Context
    from briefing.editions import edition_settings
    from briefing.read import read_articles

    out, stdout = editions_build
    settings = load_config(out.parent / "briefing.toml").with_overrides(date=dt.date(2025, 2, 15))
    values, _ = edition_settings(settings, settings.editions[0])
    ctx = Context(values)
    as_is = {item.title: item.lead for item in write_leads(read_articles(list(values.read.sources), ctx), ctx)}
    filled = headlines(out / "brief", "2025-02-15")[-1]
    said = _spoken(out / "brief", filled)
    # the brief lengthened its last story's lead to fill its two minutes ...
    assert said[0].rstrip("。") == filled and "".join(said[1:]) != as_is[filled]
    assert len("".join(said[1:])) > len(as_is[filled])
    # ... and every edition after it reads that story word for word as the brief did
    assert _spoken(out / "full", filled) == said and _spoken(out / "speaker", filled) == said
    for title in headlines(out / "brief", "2025-02-15")[:-1]:
        assert _spoken(out / "full", title) == _spoken(out / "brief", title)
    # the speaker edition's stories were all read before: it fits its three minutes with whole stories
    speaker = headlines(out / "speaker", "2025-02-15")
    for title in speaker:
        assert _spoken(out / "speaker", title) == _spoken(out / "full", title)
    assert headlines(out / "full", "2025-02-15")[:len(speaker)] == speaker  # the most important first
    assert 0.9 * 180 <= duration(_mp3(out / "speaker")) <= 1.1 * 180
    assert "speaker: about" not in stdout


class _Notes:
    """Progress that keeps the notes a stage writes for the build summary."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass

    def note(self, message: str) -> None:
        self.notes.append(message)


def test_an_edition_whose_stories_were_all_read_keeps_their_leads_and_says_when_it_misses(tmp_path):
    from briefing.context import Context, SharedLeads
    from briefing.read import read_articles
    from briefing.selection import select_stories
    from briefing.selection.budget import Estimator
    from briefing.settings import Settings

    def edition(minutes: float, **values) -> Settings:
        return Settings.make(engine="standin", offline_engine="standin", out_dir=tmp_path / str(minutes),
                             date=dt.date(2025, 2, 15), minutes=minutes, **values)

    def select(settings: Settings, shared: SharedLeads) -> tuple[list, float, list[str]]:
        progress = _Notes()
        ctx = Context(settings, progress, leads=shared)
        items = write_leads(select_stories(articles, ctx), ctx)  # the leads stage, as a build runs it
        return items, Estimator("standin").bulletin(items, settings), progress.notes

    articles = read_articles([str(SAMPLE_PAGE), str(ENGLISH_SAMPLE)], Context(edition(10)))
    _, alone_seconds, _ = select(edition(1.5), SharedLeads())
    assert abs(alone_seconds - 90) <= 0.08 * 90  # on its own, its last story's lead fills the slot

    shared = SharedLeads()
    full, _, notes = select(edition(10), shared)
    assert len(full) == 7 and "only about" in notes[0]
    short, seconds, notes = select(edition(1.5), shared)  # after the full edition: every story is read
    leads = {item.title: item.lead for item in full}
    assert [item.title for item in short] == [item.title for item in full][:len(short)]
    assert all(item.lead == leads[item.title] for item in short)
    assert seconds < 0.9 * 90
    assert f"about {seconds / 60:.1f} minutes for the 1.5-minute budget: every story it keeps" in notes[-1]
    # an edition whose stories are read at another length has leads of its own, and fills its slot
    other, other_seconds, notes = select(edition(1.5, item_seconds=20), shared)
    assert any(item.lead != leads[item.title] for item in other)
    assert abs(other_seconds - 90) <= 0.08 * 90 and not any("every story" in note for note in notes)


def test_the_flash_edition_feed_and_its_loudness(editions_build):
    out, _ = editions_build
    items = json.loads((out / "speaker" / "flash.json").read_text("utf-8"))
    assert isinstance(items, list) and len(items) == 1
    item = items[0]
    assert set(item) == {"uid", "updateDate", "titleText", "mainText", "streamUrl", "redirectionUrl"}
    assert all(isinstance(value, str) and value for value in item.values())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.0Z", item["updateDate"])
    assert item["titleText"].startswith("智能音箱简报")
    assert item["redirectionUrl"] == "http://127.0.0.1:8000/speaker/index.html"
    assert item["streamUrl"].startswith("http://127.0.0.1:8000/speaker/episodes/")
    mp3 = out / "speaker" / "episodes" / item["streamUrl"].rsplit("/", 1)[1]
    measured = ebur128(mp3)
    assert -15.0 <= measured["lufs"] <= -13.0, measured
    assert measured["true_peak"] <= -2.0, measured
    assert duration(mp3) <= 600
    podcast = ebur128(next((out / "brief" / "episodes").glob("*.mp3")))
    assert -17.0 <= podcast["lufs"] <= -15.0  # the podcast editions keep -16


def test_a_flash_edition_longer_than_ten_minutes_is_cut_and_says_so(tmp_path):
    from briefing.config import settings_from_mapping
    from briefing.editions import edition_settings

    settings = settings_from_mapping({"editions": [{"name": "alexa", "title": "Flash", "minutes": 15,
                                                    "format": "flash"}]}, base=tmp_path)
    values, notes = edition_settings(settings, settings.editions[0])
    assert values.select.minutes <= 10 and values.assemble.loudness_lufs == -14.0
    assert "at most 10 minutes" in notes[0]


@pytest.mark.parametrize("entry, message", [
    ({"name": "Brief!", "title": "x", "minutes": 2}, "lower-case letters"),
    ({"name": "brief", "minutes": 2}, "needs title"),
    ({"name": "brief", "title": "x", "minutes": 2, "format": "video"}, "format must be one of"),
    ({"name": "brief", "title": "x", "minutes": 0}, "minutes must be between"),
    ({"name": "brief", "title": "x", "minutes": 2, "colour": "red"}, "unknown key 'colour'"),
])
def test_a_bad_edition_is_named_with_the_fix(tmp_path, entry, message):
    config = tmp_path / "briefing.toml"
    lines = "\n".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in entry.items())
    config.write_text(f"[[editions]]\n{lines}\n", encoding="utf-8")
    result = run_cli("--config", config, "build", "x.txt")
    assert result.exit_code == 3, result.output
    assert message in result.stderr and "Traceback" not in result.output


ENGLISH = [
    {"id": "e1", "title": "Harbour ferry adds a night crossing",
     "body": "The harbour ferry will run a late crossing every night from next Monday. The last boat leaves "
             "the north pier at half past eleven, an hour later than now. Tickets cost the same as by day."},
    {"id": "e2", "title": "School gardens win a city prize",
     "body": "Four primary schools won the city's green prize for the vegetable gardens their pupils keep. "
             "The prize money will pay for rain barrels and tools."},
]


def test_english_repeats_are_found_by_their_lead_and_the_window_is_repeat_days(tmp_path):
    out = tmp_path / "out"
    assert brief_build(tmp_path, write_news(tmp_path, ENGLISH, "d1.json"), "--out", out,
                   "--date", "2025-08-01").exit_code == 0
    retitled = [{"id": "n1", "title": "Late ferry for night owls",
                 "body": ENGLISH[0]["body"].replace("next Monday", "Monday")},
                {"id": "n2", "title": "Market hall reopens", "body": "The old market hall reopened after a year of "
                 "repairs, with forty stalls and a new roof that lets in daylight."}]
    day2 = brief_build(tmp_path, write_news(tmp_path, retitled, "d2.json"), "--out", out,
                       "--date", "2025-08-02", debug=True)
    assert day2.exit_code == 0, day2.output
    assert headlines(out, "2025-08-02") == ["Market hall reopens"]
    assert "left out: Late ferry for night owls (already read on 2025-08-01)" in day2.stderr  # the --debug log
    # four days later the school story is old enough to be read again (repeat_days = 3)
    day5 = brief_build(tmp_path, write_news(tmp_path, ENGLISH[1:], "d5.json"), "--out", out,
                   "--date", "2025-08-05")
    assert day5.exit_code == 0, day5.output
    assert headlines(out, "2025-08-05") == [ENGLISH[1]["title"]]
