"""RSS and Atom feeds, local and served from 127.0.0.1, and feeds that try to expand entities."""

from __future__ import annotations

import logging
import time

import pytest
from news_server import NewsServer

from briefing.read import read_document

CONTENT_NS = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'

STORY_PAGE = """<!DOCTYPE html><html><head><title>新渡轮投入运营 - 示例新闻</title>
<script>var tracker = "SCRIPT-TEXT";</script><style>p { color: red } /* STYLE-TEXT */</style></head>
<body><nav>首页 | 本地 | 国际</nav><article><h1>新渡轮投入运营</h1>
<p>本网宁波3月2日电 一艘新建的电动渡轮2日在甬江投入运营，往返两岸的时间由二十分钟缩短到八分钟，每天可运送乘客三千人次。</p>
<script>document.write("INLINE-SCRIPT-TEXT")</script>
<p>渡轮公司介绍，新渡轮采用纯电动力，充电一次可往返十二趟，运营成本比燃油渡轮降低近一半。</p>
<p>市民可以使用公交卡乘船，早晚高峰每十分钟一班，其余时段每二十分钟一班。</p></article>
<footer>版权所有 示例新闻</footer></body></html>"""


def _rss(items: str, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>{prolog}<rss version="2.0" {CONTENT_NS}><channel>'
            f"<title>示例新闻</title><link>http://127.0.0.1/</link><description>测试</description>"
            f"{items}</channel></rss>")


def _item(title: str, link: str, description: str = "", content: str | None = None, guid: str = "") -> str:
    body = f"<content:encoded><![CDATA[{content}]]></content:encoded>" if content is not None else ""
    return (f"<item><title>{title}</title><link>{link}</link><guid isPermaLink=\"false\">{guid or title}</guid>"
            f"<pubDate>Sun, 02 Mar 2025 08:00:00 +0800</pubDate><description>{description}</description>{body}</item>")


@pytest.fixture
def server():
    with NewsServer() as news:
        yield news


def test_full_text_from_content_encoded_without_fetching(tmp_path, server):
    link = server.add("/story.html", STORY_PAGE, "text/html; charset=utf-8")
    feed = tmp_path / "feed.xml"
    feed.write_text(_rss(_item("全文条目", link, "只有一句摘要。",
                               "<p>第一段全文。</p><script>alert('SCRIPT-TEXT')</script><p>第二段全文。</p>")),
                    encoding="utf-8")
    [article] = read_document(str(feed), allow_private_links=True)
    assert article.title == "全文条目"
    assert article.paragraphs == ["第一段全文。", "第二段全文。"]
    assert article.url == link and article.published and article.id == "全文条目"
    assert server.requests == []  # the feed carried the text: no page was fetched


def test_summary_only_items_get_the_linked_page(tmp_path, server):
    link = server.add("/story.html", STORY_PAGE, "text/html; charset=utf-8")
    feed = tmp_path / "feed.xml"
    feed.write_text(_rss(_item("新渡轮投入运营", link, "一艘电动渡轮投入运营。")), encoding="utf-8")
    [article] = read_document(str(feed), allow_private_links=True)
    assert server.requests == ["/story.html"]
    assert article.dateline == "本网宁波3月2日电"
    assert article.paragraphs[0].startswith("一艘新建的电动渡轮2日在甬江投入运营")
    assert len(article.paragraphs) == 3 and article.lang == "zh"
    text = " ".join(article.paragraphs)
    assert "SCRIPT-TEXT" not in text and "STYLE-TEXT" not in text and "版权所有" not in text


def test_feed_url_served_locally(server):
    link = server.add("/story.html", STORY_PAGE, "text/html; charset=utf-8")
    url = server.add("/news.rss", _rss(_item("新渡轮投入运营", link, "摘要。") +
                                       _item("Library opens at night", server.url + "/missing.html",
                                             "The city library now stays open all night.")),
                     "application/rss+xml")
    first, second = read_document(url, allow_private_links=True)
    assert first.source == url and first.paragraphs[-1].startswith("市民可以使用公交卡乘船")
    # the second item's page is missing: its summary stands in, and the build goes on
    assert second.paragraphs == ["The city library now stays open all night."] and second.lang == "en"
    # the linked pages are fetched at once, so in either order
    assert server.requests[0] == "/news.rss" and sorted(server.requests[1:]) == ["/missing.html", "/story.html"]


def test_atom_feed(tmp_path, server):
    link = server.add("/story.html", STORY_PAGE, "text/html; charset=utf-8")
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title><id>urn:example</id>
<updated>2025-03-02T08:00:00Z</updated>
<entry><title>Bridge reopens</title><id>urn:example:1</id><link href="http://127.0.0.1:9/never"/>
<updated>2025-03-02T08:00:00Z</updated><author><name>Ann Lee</name></author>
<content type="html">&lt;p&gt;The old bridge reopened on Sunday.&lt;/p&gt;&lt;p&gt;Cars may cross again.&lt;/p&gt;</content></entry>
<entry><title>新渡轮投入运营</title><id>urn:example:2</id><link href="{link}"/>
<updated>2025-03-02T08:00:00Z</updated><summary>摘要。</summary></entry>
</feed>"""
    feed = tmp_path / "feed.atom"
    feed.write_text(atom, encoding="utf-8")
    bridge, ferry = read_document(str(feed), allow_private_links=True)
    assert (bridge.title, bridge.byline, bridge.id) == ("Bridge reopens", "Ann Lee", "urn:example:1")
    assert bridge.paragraphs == ["The old bridge reopened on Sunday.", "Cars may cross again."]
    assert ferry.paragraphs[0].startswith("一艘新建的电动渡轮") and server.requests == ["/story.html"]


def test_links_that_are_not_http_are_never_opened(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT", encoding="utf-8")
    feed = tmp_path / "feed.xml"
    feed.write_text(_rss(_item("本地链接", secret.as_uri(), "摘要一句。")), encoding="utf-8")
    [article] = read_document(str(feed), allow_private_links=True)
    assert article.paragraphs == ["摘要一句。"]


def _entity_feeds(secret_uri: str) -> dict[str, str]:
    laughs = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))

    def item(reference: str) -> str:
        return _item(f"标题{reference}", "http://127.0.0.1:9/never", f"摘要{reference}", "<p>正文。</p>")

    return {
        "external entity, DTD on one line": _rss(item("&xxe;"), f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret_uri}">]>'),
        "external entity, DTD on lines": _rss(item("&xxe;"),
                                              f'\n<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "{secret_uri}">\n]>\n'),
        "entity bomb": _rss(item("&lol9;"), f"<!DOCTYPE rss [{laughs}]>"),
        "parameter entity": _rss(item("&xxe;"),
                                 f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{secret_uri}"> %p;]>'),
        "external DTD": _rss(item("&xxe;"), f'<!DOCTYPE rss SYSTEM "{secret_uri}">'),
    }


@pytest.mark.parametrize("case", list(_entity_feeds("file:///x")))
def test_entities_are_never_expanded(tmp_path, case):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT", encoding="utf-8")
    feed = tmp_path / "feed.xml"
    feed.write_text(_entity_feeds(secret.as_uri())[case], encoding="utf-8")
    started = time.perf_counter()
    [article] = read_document(str(feed), allow_private_links=True)
    elapsed = time.perf_counter() - started
    print(f"{case}: read in {elapsed:.3f} s")  # measured for the record, not asserted
    everything = str(article.to_json())
    assert "SECRET" not in everything
    assert "lol" not in everything and "&" not in everything  # nothing expanded, not even one level
    assert article.title == "标题" and article.paragraphs == ["正文。"]


def test_feed_in_the_encoding_it_declares(tmp_path):
    feed = tmp_path / "gb.xml"
    text = _rss(_item("短讯", "http://127.0.0.1:9/never", "", "<p>春雨润物，万物生长。</p>"))
    feed.write_bytes(text.replace('encoding="utf-8"', 'encoding="gb2312"').encode("gb2312"))
    [article] = read_document(str(feed), allow_private_links=True)
    assert (article.title, article.paragraphs) == ("短讯", ["春雨润物，万物生长。"])


def test_linked_page_over_the_size_limit_is_not_read(tmp_path, server, caplog):
    from briefing.read.source import MAX_PAGE_BYTES

    caplog.set_level(logging.WARNING)  # an in-process CLI test may have left the root logger at ERROR
    big = server.add("/huge.html", "<html><body><p>" + "很长的页面。" * (MAX_PAGE_BYTES // 12) + "</p></body></html>",
                     "text/html; charset=utf-8")
    feed = tmp_path / "feed.xml"
    feed.write_text(_rss(_item("超大的网页", big, "只用摘要。")), encoding="utf-8")
    [article] = read_document(str(feed), allow_private_links=True)
    assert article.paragraphs == ["只用摘要。"]
    assert "over the input limit" in caplog.text
