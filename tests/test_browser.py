"""The show page in a real headless browser (Debian's chromium + chromedriver, driven by
selenium), served by `briefing serve`: layout at desktop and phone widths, playing, seeking,
downloading, the QR code of the feed (decoded with zxing-cpp) and axe-core's accessibility
checks (axe-core from npm, in tests/.node: .ci/run installs it). Skips when no browser is
installed."""

from __future__ import annotations

import io
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from audio_probe import decode
from published import NEWS, build_episode, listed_episodes, serving

ENGLISH_STORY = {"id": "3", "title": "Harbour ferry adds a night service", "lang": "en",
                 "body": "The harbour ferry runs until midnight from Monday. Tickets cost the same as by day.",
                 "url": "https://news.example.org/ferry-night-service"}

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="no headless browser (apt-get install chromium chromium-driver)")
AXE = Path(__file__).parent / ".node" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 900, False), "phone": (390, 844, True)}
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
    build_episode(out, "2025-03-01", [*NEWS, ENGLISH_STORY])
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


def at_width(driver, url, name):
    """Load `url` in the viewport of a desktop browser or a phone (device emulation)."""
    width, height, mobile = WIDTHS[name]
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    driver.get(url)
    wait_for(driver, "return document.readyState === 'complete'")
    assert driver.execute_script("return window.innerWidth") == width


@pytest.fixture
def reset_viewport(page):
    yield
    page["driver"].execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    page["driver"].execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    page["driver"].get(page["url"])


@pytest.mark.parametrize("width", WIDTHS)
def test_no_horizontal_scroll_and_the_feed_address_whole(page, reset_viewport, width):
    driver = page["driver"]
    at_width(driver, page["url"], width)
    scroll, client = driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, f"the page is {scroll} px wide in a {client} px viewport"
    wide = driver.execute_script("""return Array.from(document.querySelectorAll('body *')).filter(function (e) {
        var r = e.getBoundingClientRect(); return r.width > 0 && (r.right > innerWidth + 1 || r.left < -1)
          && !e.closest('.skip'); }).map(function (e) { return e.tagName + '.' + e.className; });""")
    assert wide == []
    field = driver.find_element("css selector", "#feed-url")
    assert field.get_attribute("value") == "http://127.0.0.1:8000/feed.xml"
    assert driver.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth", field), \
        "the feed address does not fit its field"
    assert field.rect["height"] < 60  # one line, not broken mid-address


def test_download_link_fetches_the_exact_mp3(page, tmp_path):
    driver = page["driver"]
    episode = page["episodes"][0]
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    link = driver.find_element("css selector", f"#episode-{episode['date']} .download a[download]")
    size_shown = driver.find_element("css selector", f"#episode-{episode['date']} .download .meta").text
    assert size_shown == f"({round(episode['length'] / 1000)} KB)"
    link.click()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done = [p for p in tmp_path.iterdir() if not p.name.endswith(".crdownload")]
        if done:
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"no download arrived in {tmp_path}")
    (downloaded,) = done
    time.sleep(0.3)
    assert downloaded.read_bytes() == (page["out"] / "episodes" / episode["media"]).read_bytes()


def test_qr_code_decodes_to_the_feed_url(page):
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp is not installed (pip install zxing-cpp)")
    from PIL import Image

    driver = page["driver"]
    driver.get(page["url"])
    code = driver.find_element("css selector", "figure.qr svg")
    assert code.get_attribute("role") == "img" and code.get_attribute("aria-label")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", code)
    image = Image.open(io.BytesIO(driver.get_screenshot_as_png()))  # the code as the screen shows it
    (found,) = zxingcpp.read_barcodes(image)
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    assert found.text == "http://127.0.0.1:8000/feed.xml"


def test_subscribe_links_open_the_feed_in_podcast_apps(page):
    driver = page["driver"]
    links = {a.text: a.get_attribute("href") for a in driver.find_elements("css selector", "ul.apps a")}
    assert links["Apple Podcasts"] == "podcasts://127.0.0.1:8000/feed.xml"
    assert links["Pocket Casts"] == "pktc://subscribe/127.0.0.1:8000/feed.xml"
    assert links["Overcast"] == "overcast://x-callback-url/add?url=http%3A%2F%2F127.0.0.1%3A8000%2Ffeed.xml"
    assert links["AntennaPod"].endswith("subscribe?url=http%3A%2F%2F127.0.0.1%3A8000%2Ffeed.xml")
    assert "podcast://127.0.0.1:8000/feed.xml" in links.values()


def test_copy_button_copies_the_feed_address(page):
    driver = page["driver"]
    button = driver.find_element("css selector", "#copy-feed")
    assert button.is_displayed()  # the script shows it; without JavaScript it stays hidden
    driver.execute_cdp_cmd("Browser.grantPermissions", {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
                                                         "origin": page["url"].rstrip("/")})
    button.click()
    wait_for(driver, "return document.getElementById('copy-status').textContent")
    copied = driver.execute_async_script("var done = arguments[0];"
                                         "navigator.clipboard.readText().then(done, function (e) { done('' + e); });")
    assert copied == "http://127.0.0.1:8000/feed.xml"


def test_works_without_javascript(page, reset_viewport):
    driver = page["driver"]
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        driver.get(page["url"])
        assert not driver.find_element("css selector", "#copy-feed").is_displayed()
        assert driver.find_element("css selector", "#feed-url").get_attribute("value").endswith("/feed.xml")
        episode = page["episodes"][0]
        chapter = driver.find_elements("css selector", f"#episode-{episode['date']} a.chapter")[1]
        assert "/episodes/" + episode["media"] + "#t=" in chapter.get_attribute("href")  # opens the audio there
        assert driver.find_element("css selector", f"#episode-{episode['date']} audio").get_attribute("controls")
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_story_source_links_and_english_marked(page):
    driver = page["driver"]
    oldest = page["episodes"][1]
    sources = driver.find_elements("css selector", f"#episode-{oldest['date']} ol.chapters a.source")
    assert [a.get_attribute("href") for a in sources] == [ENGLISH_STORY["url"]]
    english = driver.find_element("xpath", f"//*[@id='episode-{oldest['date']}']//a[@class='chapter']"
                                           f"/span[text()='{ENGLISH_STORY['title']}']")
    assert english.get_attribute("lang") == "en"
    assert driver.find_element("css selector", "ul.apps a").get_attribute("lang") == "en"


@pytest.mark.parametrize("width, scheme", [("desktop", "light"), ("phone", "light"), ("phone", "dark")])
def test_axe_finds_no_serious_accessibility_violation(page, reset_viewport, width, scheme):
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed ({AXE} missing: npm install --prefix tests/.node axe-core)")
    driver = page["driver"]
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    at_width(driver, page["url"], width)
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(20, 22, 26)")
    driver.execute_script(AXE.read_text("utf-8"))
    driver.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; });")
    result = driver.execute_async_script("""var done = arguments[0];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
          .then(function (r) { done({violations: r.violations.map(function (v) {
              return {id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help}; }),
            passes: r.passes.map(function (v) { return v.id; })}); },
            function (e) { done({error: '' + e}); });""")
    assert "error" not in result, result
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    assert {"color-contrast", "label", "html-has-lang", "valid-lang"} <= set(result["passes"])
