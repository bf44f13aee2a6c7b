"""The read stage against a hostile server on 127.0.0.1, FIFOs, devices, symlinks, long
numbers and large feeds (issue 19, items 4-9, 14 and 15's symlinks): every fetch ends by
its deadline, one bad item or answer never aborts the input, and every error is one line."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from conftest import brief_build, briefing_process, run_cli
from conftest import briefing_in_process as briefing
from hostile_server import HostileServer

from briefing.errors import InputError
from briefing.read import feed, fetch, read_document
from briefing.read.fetch import is_public

ARTICLE = ("<html><head><title>新桥通车</title></head><body><article><h1>新桥通车</h1>"
           "<p>一座跨江大桥今天正式通车，两岸往返时间由一小时缩短到十分钟。</p>"
           "<p>大桥全长三公里，设计时速八十公里，每天可通行车辆五万辆次。</p></article></body></html>")


def _rss(items: list[tuple[str, str, str]]) -> str:
    body = "".join(f"<item><title>{t}</title><link>{link}</link><description>{d}</description></item>"
                   for t, link, d in items)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'


def one_line_error(proc, code: int) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


@pytest.fixture
def bad():
    with HostileServer() as server:
        yield server


@pytest.fixture
def short_deadlines(monkeypatch):
    monkeypatch.setattr(fetch, "FETCH_DEADLINE", 2.0)
    monkeypatch.setattr(feed, "INPUT_DEADLINE", 4.0)


# ---------------------------------------------------------------- item 4: deadlines

@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-headers", "/never"])
def test_a_slow_server_meets_the_deadline_named_in_one_line(bad, short_deadlines, path):
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        read_document(bad.url + path)
    assert time.monotonic() - started < 4  # the 2 s deadline holds for headers and body alike
    message = str(caught.value)
    assert bad.url + path in message and "within 2 s" in message and "\n" not in message


def test_the_cli_gives_up_on_a_trickling_url(bad):
    started = time.monotonic()
    line = one_line_error(briefing_process("articles", bad.url + "/trickle-headers", timeout=fetch.FETCH_DEADLINE + 20), 2)
    assert time.monotonic() - started < fetch.FETCH_DEADLINE + 10
    assert "/trickle-headers" in line and "too slow" in line


def test_fifty_linked_pages_that_never_answer_take_one_input_deadline(bad, short_deadlines, tmp_path):
    items = [(f"第{n}条新闻", f"{bad.url}/never?{n}", f"第{n}条新闻的摘要。") for n in range(50)]
    path = tmp_path / "feed.xml"
    path.write_text(_rss(items), encoding="utf-8")
    started = time.monotonic()
    articles = read_document(str(path), allow_private_links=True)
    assert time.monotonic() - started < 4.0 + 3  # one input deadline (concurrent fetches), not 50 x 2 s
    assert len(articles) == 50 and articles[7].paragraphs == ["第7条新闻的摘要。"]
    assert len(bad.requests) >= feed.LINKED_PAGES_AT_ONCE  # fetched in parallel, not one after another


def test_a_hung_fetch_does_not_keep_the_lock_for_ever(bad, tmp_path, monkeypatch):
    """A build stuck on a hung URL ends by the deadline, so the next one gets the folder."""
    monkeypatch.setattr(fetch, "FETCH_DEADLINE", 2.0)
    out = tmp_path / "out"
    result = run_cli("build", bad.url + "/never", "--engine", "standin", "--offline-engine", "standin", "--out", out)
    assert result.exit_code == 2
    from briefing.publish.lock import build_lock

    with build_lock(out, wait=0):
        pass


# ---------------------------------------------------------------- item 5: FIFOs and devices

def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "news.md"
    os.mkfifo(fifo)
    line = one_line_error(briefing("articles", fifo, timeout=30), 2)
    assert "not a regular file" in line


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_or_a_txt_link_to_one_is_refused(tmp_path, device):
    link = tmp_path / "today.txt"
    link.symlink_to(device)
    for target in (device, link):
        assert "not a regular file" in one_line_error(briefing("articles", target, timeout=30), 2)


def test_the_size_cap_holds_while_reading(tmp_path, monkeypatch):
    """A file that grows past the cap after its size was looked at is still cut at the cap."""
    from briefing.read import source

    path = tmp_path / "growing.txt"
    path.write_text("# 标题\n\n" + "正文。" * 100, encoding="utf-8")
    monkeypatch.setattr(source, "MAX_INPUT_BYTES", 1000)
    with path.open("ab") as f:
        f.write(b"x" * 5000)
    with pytest.raises(InputError, match="limit"):
        source._read_file(str(path), limit=1000)


# ---------------------------------------------------------------- item 6: links inside feeds

def test_links_to_private_hosts_are_refused_unless_allowed(bad, tmp_path, caplog):
    caplog.set_level("WARNING")
    bad.pages["/internal"] = ARTICLE.encode()
    path = tmp_path / "feed.xml"
    path.write_text(_rss([("新桥通车", bad.url + "/internal", "摘要一句。")]), encoding="utf-8")
    [article] = read_document(str(path))
    assert article.paragraphs == ["摘要一句。"] and bad.requests == []  # never even connected
    assert "private or local address" in caplog.text and "allow_private_links" in caplog.text
    [article] = read_document(str(path), allow_private_links=True)
    assert article.paragraphs[0].startswith("一座跨江大桥")


def test_allow_private_links_in_briefing_toml(bad, tmp_path):
    bad.pages["/internal"] = ARTICLE.encode()
    path = tmp_path / "feed.xml"
    path.write_text(_rss([("新桥通车", bad.url + "/internal", "摘要一句。")]), encoding="utf-8")
    for table in ("build", "publish"):
        config = tmp_path / f"{table}.toml"
        config.write_text(f"[{table}]\nallow_private_links = true\n", encoding="utf-8")
        proc = briefing("--config", config, "articles", path, "--json")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)[0]["paragraphs"][0].startswith("一座跨江大桥")


def test_redirects_from_a_public_host_to_a_private_one_are_refused(monkeypatch):
    """127.0.0.2 plays a private host and 127.0.0.1 a public one (the only fake: which
    addresses count as public); the first hop is fetched, the redirect is not followed."""
    monkeypatch.setattr(fetch, "is_public", lambda address: address == "127.0.0.1")
    with HostileServer("127.0.0.2") as private, HostileServer() as public:
        private.pages["/secret"] = ARTICLE.encode()
        public.pages["/story"] = ARTICLE.encode()
        assert fetch.fetch(public.url + "/story", 10_000, public_only=True)[0] == ARTICLE.encode()
        with pytest.raises(InputError, match="private or local address"):
            fetch.fetch(f"{public.url}/redirect?to={private.url}/secret", 10_000, public_only=True)
        assert private.requests == []


def test_redirects_to_ftp_and_loops_are_refused_in_one_line(bad):
    with pytest.raises(InputError, match="only http and https") as caught:
        fetch.fetch(bad.url + "/redirect?to=ftp://127.0.0.1/x", 10_000)
    with pytest.raises(InputError, match="redirects") as loop:
        fetch.fetch(bad.url + "/loop", 10_000)
    for exc in (caught, loop):
        assert "\n" not in str(exc.value)


@pytest.mark.parametrize("address, public", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.1.1", False), ("172.16.0.1", False),
    ("169.254.169.254", False), ("::1", False), ("fe80::1", False), ("fc00::1", False),
    ("::ffff:127.0.0.1", False), ("0.0.0.0", False), ("100.64.0.1", False), ("224.0.0.1", False),
    ("93.184.216.34", True), ("2606:4700::1111", True)])
def test_which_addresses_count_as_public(address, public):
    assert is_public(address) is public


# ---------------------------------------------------------------- item 7: one bad item or answer

BAD_ANSWERS = ["/many-headers", "/long-header", "/bad-status", "/bad-chunked", "/loop"]


def test_bad_answers_and_broken_links_skip_the_item_only(bad, tmp_path, caplog):
    caplog.set_level("WARNING")
    bad.pages["/good"] = ARTICLE.encode()
    links = [bad.url + p for p in BAD_ANSWERS] + [
        "http://[::1", "http://example.org/a page", "http://example.org/a\nline", "http://127.0.0.1:8x/",
        f"{bad.url}/redirect?to=http://[::1", "ftp://127.0.0.1/x"]
    items = [(f"坏条目{n}", link.replace("&", "&amp;"), f"坏条目{n}的摘要。") for n, link in enumerate(links)]
    items.append(("新桥通车", bad.url + "/good", "好条目的摘要。"))
    path = tmp_path / "feed.xml"
    path.write_text(_rss(items), encoding="utf-8")
    articles = read_document(str(path), allow_private_links=True)
    assert len(articles) == len(links) + 1
    assert articles[-1].paragraphs[0].startswith("一座跨江大桥")  # the good item still got its page
    assert all(a.paragraphs == [f"坏条目{n}的摘要。"] for n, a in enumerate(articles[:-1]))
    for record in caplog.records:
        assert "\n" not in record.getMessage()


@pytest.mark.parametrize("path", BAD_ANSWERS)
def test_a_bad_answer_to_the_users_url_is_one_line(bad, path):
    line = one_line_error(briefing("articles", bad.url + path), 2)
    assert len(line) < 400


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:8x/", "http://example.org/a b"])
def test_a_bad_url_given_by_the_user_is_exit_2(url):
    assert "URL" in one_line_error(briefing("articles", url), 2)


# ---------------------------------------------------------------- item 8: long numbers

@pytest.mark.parametrize("digits", [200, 400, 5000])
def test_long_digit_runs_are_read_as_a_very_long_number(tmp_path, digits):
    english = tmp_path / "en.md"
    english.write_text(f"# Record number\n\nThe code {'7' * digits} was printed on every ticket today.\n",
                       encoding="utf-8")
    chinese = tmp_path / "zh.json"
    chinese.write_text('[{"title": "长数字", "id": ' + "9" * digits + ', "body": "编号' + "3" * digits
                       + '的车票今天售出。"}]', encoding="utf-8")
    for path, words in ((english, "a very long number"), (chinese, "一个很长的数字")):
        proc = briefing("leads", path, "--json")
        assert proc.returncode == 0, proc.stderr
        [item] = json.loads(proc.stdout)
        assert words in item["speakable"] if "speakable" in item else True
        assert len(proc.stdout) < 4 * digits + 3000  # not thousands of characters of words


def test_speakable_long_numbers_both_languages():
    from briefing.text.speakable import speakable

    assert speakable("We counted " + "4" * 400 + " grains.", "en") == "We counted a very long number grains."
    assert speakable("共" + "4" * 400 + "粒", "zh") == "共一个很长的数字粒"
    assert speakable("Serial 12345678901234567890", "en").count(" ") == 20  # digit by digit
    assert "quintillion" not in speakable("Serial 12345678901234567890", "en")


# ---------------------------------------------------------------- item 9: duplicates

_WORDS = ["城市", "道路", "学校", "医院", "公园", "工厂", "农田", "河流", "桥梁", "车站", "机场", "港口", "市场", "银行", "书店", "剧院", "球场", "社区", "村庄", "山区", "开通", "修建", "启用", "关闭", "扩建", "改造", "检查", "发布", "举办", "完成", "增加", "减少", "提高", "降低", "支持", "推动"]


def _stories(count: int, opening: str = "") -> list[dict]:
    """Distinct stories (each its own random words), after an optional shared opening."""
    import random

    stories = []
    for n in range(count):
        pick = random.Random(n).choice
        body = "".join(pick(_WORDS) + pick(_WORDS) + pick(_WORDS) + "。" for _ in range(25))
        stories.append({"id": str(n), "title": f"新闻标题第{n}号", "body": opening + body})
    return stories


def test_a_five_thousand_item_feed_is_checked_in_seconds(tmp_path):
    items = [(f"Story {n} about topic {n * 31 % 1000}", "", (f"<![CDATA[<p>Report {n}: the council of district "
              f"{n % 400} approved plan {n * 13} on road {n * 7 % 900}, work starts in week {n % 52}.</p>]]>"))
             for n in range(5000)]
    items += items[:5]  # five repeats
    path = tmp_path / "big.xml"
    path.write_text(_rss(items).replace("<link></link>", ""), encoding="utf-8")
    started = time.monotonic()
    proc = briefing("--debug", "articles", path, "--json", "--format", "feed", timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert time.monotonic() - started < 60
    assert len(json.loads(proc.stdout)) == 5000
    assert proc.stderr.count("is the same story as") == 5  # every merge named under --debug


def test_max_items_is_applied_before_the_check(tmp_path):
    from briefing.models import Article
    from briefing.read.dedupe import drop_duplicates

    articles = [Article(title=f"t{n}", paragraphs=[f"body number {n} " * 20], lang="en") for n in range(5000)]
    started = time.monotonic()
    kept, merged = drop_duplicates(articles, limit=10)
    assert len(kept) == 10 and merged == 0 and time.monotonic() - started < 0.5


def test_stories_sharing_a_template_opening_are_not_merged(tmp_path):
    opening = "本报讯 据市政府新闻办公室今天上午召开的新闻发布会消息，全市各区县积极落实各项工作部署，取得明显成效。"
    stories = _stories(30, opening) + [dict(s, id=s["id"] + "b") for s in _stories(3, opening)]  # 3 true repeats
    path = tmp_path / "page.json"
    path.write_text(json.dumps(stories, ensure_ascii=False), encoding="utf-8")
    proc = briefing("--debug", "articles", path, "--json")
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 30
    assert proc.stderr.count("is the same story as") == 3


def test_merges_are_counted_in_the_build_summary(tmp_path):
    stories = _stories(4) + [dict(_stories(1)[0], id="again")]
    path = tmp_path / "news.json"
    path.write_text(json.dumps(stories, ensure_ascii=False), encoding="utf-8")
    result = brief_build(tmp_path, path, "--out", tmp_path / "out",
                     "--item-seconds", "5")  # short: the summary, not the audio, is tested
    assert result.exit_code == 0, result.output
    assert "1 duplicate story read once" in result.output


# ---------------------------------------------------------------- item 14: messages; 15: symlinks

def test_markdown_without_a_title_gets_a_hint(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("#\n\n---\n", encoding="utf-8")
    line = one_line_error(briefing("articles", path), 2)
    assert "--format markdown" in line or "Title" in line


def test_a_folder_input_follows_no_symlink_out_of_it(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "today.md").write_text("# 新桥通车\n\n一座跨江大桥今天正式通车。\n", encoding="utf-8")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "inside.md").symlink_to(folder / "today.md")  # a link within the folder is fine
    proc = briefing("articles", folder, "--json")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "root:" not in text and json.loads(text)[0]["title"] == "新桥通车"


def test_no_thread_is_left_behind(bad, short_deadlines, tmp_path):
    before = threading.active_count()
    path = tmp_path / "feed.xml"
    path.write_text(_rss([(f"条目{n}", f"{bad.url}/never?{n}", "摘要。") for n in range(5)]), encoding="utf-8")
    read_document(str(path), allow_private_links=True)
    assert threading.active_count() <= before + 6  # only the server's handlers, which stop with it
