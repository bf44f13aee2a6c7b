"""The show page in a real headless browser (Debian's chromium + chromedriver, driven by
selenium), served by `briefing serve`. Skips when no browser is installed."""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest

from audio_probe import decode
from published import NEWS, build_episode, fake_edge_service, listed_episodes, serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="no headless browser (apt-get install chromium chromium-driver)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--mute-audio"]


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium must not look for drivers online
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def page(tmp_path_factory, browser):
    out = tmp_path_factory.mktemp("page") / "out"
    with fake_edge_service():
        build_episode(out, "2025-03-01")
        build_episode(out, "2025-03-02", NEWS[::-1])
    with serving(out) as (url, _):
        browser.get(url)
        yield {"out": out, "url": url, "driver": browser, "episodes": listed_episodes(out)}


def wait_for(driver, script, *args, timeout=30.0):
    """Poll a JavaScript expression until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script, *args)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


def test_page_loads_with_chinese_text_intact(page):
    driver = page["driver"]
    assert driver.execute_script("return document.characterSet") == "UTF-8"
    assert driver.title == "每日新闻简报"
    assert driver.find_element("css selector", "h1").text == "每日新闻简报"
    assert driver.execute_script("return document.documentElement.lang") == "zh-CN"
    feed_link = driver.find_element("css selector", "a[href='feed.xml']")
    assert feed_link.get_attribute("href") == page["url"] + "feed.xml"
    cover = driver.find_element("css selector", "header img")
    assert wait_for(driver, "return arguments[0].complete && arguments[0].naturalWidth", cover) >= 1400


def test_episodes_newest_first_each_with_a_player(page):
    driver = page["driver"]
    articles = driver.find_elements("css selector", "article")
    assert [a.get_attribute("id") for a in articles] == ["episode-2025-03-02", "episode-2025-03-01"]
    for article, episode in zip(articles, page["episodes"]):
        audio = article.find_element("css selector", "audio")
        assert audio.get_attribute("src").endswith("/episodes/" + episode["media"])


def test_audio_reports_the_episode_duration(page):
    driver = page["driver"]
    for episode in page["episodes"]:
        audio_id = f"audio-{episode['date']}"
        duration = wait_for(driver, "var a = document.getElementById(arguments[0]);"
                                    "return a.readyState >= 1 && isFinite(a.duration) && a.duration", audio_id)
        decoded = decode(page["out"] / "episodes" / episode["media"]).size / 44100
        assert abs(duration - decoded) <= 1.0


def test_chapter_link_seeks(page):
    driver = page["driver"]
    episode = page["episodes"][0]
    chapters = json.loads((page["out"] / "episodes" / episode["sidecars"]["chapters"]).read_text("utf-8"))["chapters"]
    links = driver.find_elements("css selector", f"#episode-{episode['date']} a.chapter")
    assert len(links) == len(chapters)
    for link, chapter in zip(links, chapters):
        assert link.text.endswith(chapter["title"])
    target = chapters[2]
    audio_id = f"audio-{episode['date']}"
    wait_for(driver, "return document.getElementById(arguments[0]).readyState >= 1", audio_id)
    assert driver.execute_script("return document.getElementById(arguments[0]).currentTime", audio_id) < 0.5
    links[2].click()
    position = driver.execute_script("return document.getElementById(arguments[0]).currentTime", audio_id)
    assert target["startTime"] - 0.05 <= position <= target["startTime"] + 1.0
    assert driver.current_url.startswith(page["url"])  # the script seeked; the page stayed


def test_transcript_shows_what_was_said(page):
    driver = page["driver"]
    episode = page["episodes"][0]
    summary = driver.find_element("css selector", f"#episode-{episode['date']} details.transcript summary")
    summary.click()
    text = driver.find_element("css selector", f"#episode-{episode['date']} details.transcript").text
    for item in NEWS:
        assert item["body"].split("。")[0] in text
