"""Faults of the voice service, the clip cache, concurrent and killed builds.

The online voice is the real edge-tts library talking to a local fake service that
answers per request with audio, 403, 503, a close without audio, or a stall.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest
from conftest import ROOT, SAMPLE_PAGE, STANDIN, briefing_process, run_cli, write_news

from briefing import Context, Settings
from briefing.errors import VoiceError
from briefing.pipeline import build

STORIES = [
    {"id": "1", "title": "江河水位回落", "body": "多地江河水位今天回落。防汛部门继续值守。"},
    {"id": "2", "title": "新线路开通", "body": "新的地铁线路今天开通。乘客可以免费试乘一周。"},
]


def news(tmp_path: Path, stories=STORIES) -> str:
    return str(write_news(tmp_path, stories))


def settings(tmp_path: Path, **values) -> Settings:
    defaults = {"out_dir": tmp_path / "out", "engine": "edge", "offline_engine": "standin", "concurrency": 1,
                    "edge_timeout": 2.0, "edge_retries": 2}
    return Settings().with_overrides(**{**defaults, **values})


def run(tmp_path, stories=STORIES, **values):
    return build([news(tmp_path, stories)], Context(settings(tmp_path, **values)))


@pytest.mark.parametrize("concurrency", [2, 6])
def test_online_requests_run_as_many_at_once_as_asked(tmp_path, fake_edge, concurrency):
    fake_edge.delay = 0.3  # long enough that requests overlap when they may
    topics = ["江河水位回落", "新的地铁线路开通", "图书馆延长开放", "春季植树开始", "机场新航站楼启用",
              "博物馆推出夜场", "农民开始春耕", "高铁增开列车"]
    stories = [{"id": str(n), "title": topic, "body": f"{topic}的消息今天发布。"} for n, topic in enumerate(topics, 1)]
    result = run(tmp_path, stories, concurrency=concurrency)
    assert result.items == 8 and len(fake_edge.requests) == 9  # each story, plus the opening and closing
    assert fake_edge.most_in_flight == concurrency


@pytest.mark.parametrize("fault", ["403", "503", "close", "stall"])
def test_a_transient_fault_is_retried_with_a_new_request(tmp_path, fake_edge, fault):
    fake_edge.plan = [fault]
    result = run(tmp_path)
    assert result.engine == "edge" and result.fallbacks == []
    requests = 3  # opening + closing, story 1 (headline, lead), story 2 (transition, headline, lead)
    assert fake_edge.connections == requests + 1  # the failed attempt was retried with a new request
    assert len(fake_edge.requests) == requests + (fault in ("close", "stall"))
    assert feedparser.parse(str(tmp_path / "out" / "feed.xml")).entries


def test_a_story_the_service_keeps_failing_is_read_offline_and_reported(tmp_path, fake_edge):
    fake_edge.by_text = {"新的地铁线路": "close"}  # every attempt for this story's lead ends without audio
    result = run(tmp_path)
    assert result.fallbacks == ["新线路开通"]
    attempts = [t for t in fake_edge.requests if "新的地铁线路" in t]
    assert len(attempts) == 3  # the first try and 2 retries, each a new request
    out = tmp_path / "out"
    cli = run_cli("build", news(tmp_path), "--engine", "edge", "--offline-engine", "standin", "--out", out / "again",
                  "--date", "2025-01-02")
    assert "fell back to offline for: 新线路开通" in cli.stdout


def test_a_story_no_voice_can_read_fails_the_build_naming_it(tmp_path, fake_edge):
    unreadable = STORIES + [{"id": "3", "title": "☀️☀️☀️", "body": "🌧️🌧️🌧️", "lang": "zh"}]
    fake_edge.by_text = {"🌧️": "close", "☀️": "close"}
    with pytest.raises(VoiceError, match="story 3 .*--skip-failed"):
        run(tmp_path, unreadable)
    assert not (tmp_path / "out" / "feed.xml").exists()


def test_skip_failed_drops_the_story_and_says_so(tmp_path, fake_edge):
    unreadable = [STORIES[0], {"id": "3", "title": "☀️☀️☀️", "body": "🌧️🌧️🌧️", "lang": "zh"}, STORIES[1]]
    fake_edge.by_text = {"🌧️": "close", "☀️": "close"}
    out = tmp_path / "out"
    result = run_cli("build", news(tmp_path, unreadable), "--engine", "edge", "--out", out, "--skip-failed",
                     "--date", "2025-01-02")
    assert result.exit_code == 0, result.output
    assert "dropped story 2 (☀️☀️☀️)" in result.stdout
    chapters = json.loads(next((out / "episodes").glob("*.chapters.json")).read_text("utf-8"))["chapters"]
    assert [c["title"] for c in chapters][1:3] == ["江河水位回落", "新线路开通"]


def test_an_unchanged_rebuild_synthesizes_nothing(tmp_path, fake_edge):
    first = run(tmp_path)
    assert first.synthesized_items == 2
    requests = len(fake_edge.requests)
    second = run(tmp_path, date=None)
    assert second.synthesized == 0 and second.synthesized_items == 0
    assert len(fake_edge.requests) == requests  # nothing was sent to the service
    assert "mastering" in first.timings and "mastering" not in second.timings  # the bulletin was recalled
    assert second.episode.media == first.episode.media  # the very same audio, under the same name


def test_a_corrupt_cache_entry_is_detected_and_redone(tmp_path, fake_edge):
    run(tmp_path)
    entries = sorted((tmp_path / "out" / ".cache").rglob("*.npz"))
    assert len(entries) == 7  # one per segment: opening, 2 x (headline, lead), transition, closing
    entries[0].write_bytes(entries[0].read_bytes()[:100])  # truncated, as by a crash or a full disk
    entries[1].write_bytes(b"garbage")
    requests = len(fake_edge.requests)
    result = run(tmp_path)
    assert result.synthesized == 2
    # only the two damaged entries were spoken again (one request when they belong to one story)
    assert requests + 1 <= len(fake_edge.requests) <= requests + 2


def test_the_sample_page_rebuilt_from_its_cache_synthesizes_nothing(sample_build, tmp_path):
    result = run_cli("build", SAMPLE_PAGE, *STANDIN, "--out", tmp_path / "out", "--date", "2025-02-15",
                     "--cache", sample_build["out"] / ".cache")
    assert result.exit_code == 0, result.output
    assert "speech: 0 of 6 stories synthesized, the rest from the cache" in result.stdout


def _spawn_build(out: Path, news_file: str, date: str, fake) -> subprocess.Popen:
    """A real `briefing build` process using the fake online voice (which answers slowly)."""
    env = {**os.environ, "BRIEFING_EDGE_WSS_URL": fake.url}
    return subprocess.Popen([sys.executable, "-m", "briefing", "build", news_file, "--engine", "edge",
                             "--concurrency", "1", "--out", str(out), "--date", date], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(condition, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _published(out: Path) -> dict[str, bytes]:
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
             if p.is_file() and not p.relative_to(out).as_posix().startswith(".")}
    return files


def test_a_build_killed_mid_synthesis_loses_nothing(tmp_path, fake_edge):
    out = tmp_path / "out"
    run(tmp_path)  # a published episode to protect
    before = _published(out)
    feed_before = feedparser.parse(str(out / "feed.xml"))
    longer = [{"id": str(i), "title": f"第{i}条", "body": "这是一条用来测试的新闻。" * 6} for i in range(4)]
    fake_edge.delay = 0.3
    proc = _spawn_build(out, news(tmp_path, longer), "2025-01-03", fake_edge)
    cache = out / ".cache"
    cached_now = len(list(cache.rglob("*.npz")))
    _wait_for(lambda: len(list(cache.rglob("*.npz"))) > cached_now)  # synthesis is under way
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert _published(out) == before  # feed, history, episodes: byte for byte
    for entry in feed_before.entries:
        name = entry.enclosures[0]["href"].rsplit("/", 1)[1]
        assert (out / "episodes" / name).stat().st_size == int(entry.enclosures[0]["length"])
    fake_edge.delay = 0
    again = _spawn_build(out, news(tmp_path, longer), "2025-01-03", fake_edge)
    _stdout, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr
    feed = feedparser.parse(str(out / "feed.xml"))
    assert not feed.bozo and len(feed.entries) == 2


def test_two_builds_at_once_on_one_folder(tmp_path, fake_edge):
    out = tmp_path / "out"
    fake_edge.answering.clear()  # the first build waits on the service until the second has run
    first = _spawn_build(out, news(tmp_path), "2025-01-04", fake_edge)
    _wait_for(lambda: fake_edge.in_flight > 0 or first.poll() is not None)  # it holds the folder now
    assert first.poll() is None, first.communicate()
    second = briefing_process("build", news(tmp_path), "--engine", "edge", "--out", out, "--date", "2025-01-05",
                              env={**os.environ, "BRIEFING_EDGE_WSS_URL": fake_edge.url})
    fake_edge.answering.set()
    assert second.returncode == 7
    assert "another build is writing" in second.stderr and len(second.stderr.strip().splitlines()) == 1
    _stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    feed = feedparser.parse(str(out / "feed.xml"))
    assert not feed.bozo and len(feed.entries) == 1
    assert os.path.exists(out / "episodes" / feed.entries[0].enclosures[0]["href"].rsplit("/", 1)[1])
