"""Single web pages holding one article: local files and URLs served from 127.0.0.1."""

from __future__ import annotations

import pytest
from news_server import NewsServer

from briefing.errors import InputError
from briefing.read import read_document

ENGLISH_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Night buses return to the valley | Example Times</title>
<meta name="author" content="Sam Ortiz"><meta property="article:published_time" content="2025-03-02">
<script>window.analytics = "SCRIPT-TEXT";</script>
<style>.story p { margin: 0 } /* STYLE-TEXT */</style></head>
<body><header><a href="/">Example Times</a> <a href="/world">World</a> <a href="/sport">Sport</a></header>
<main><article class="story"><h1>Night buses return to the valley</h1>
<p>Night buses will run again between the valley towns from Monday, the transport board said, after a
two-year pause caused by a shortage of drivers.</p>
<script>document.write("INLINE-SCRIPT-TEXT");</script>
<p>The board has hired forty new drivers since the autumn. Buses will leave every half hour between
midnight and five in the morning.</p>
<p>Shift workers at the hospital had campaigned for the service, saying taxis cost them a day's pay
each week.</p></article></main>
<footer>Copyright Example Times. All rights reserved.</footer></body></html>"""

CHINESE_PAGE = """<html><head><meta charset="gbk"><title>山区学校用上远程课堂</title></head><body>
<div class="content"><h1>山区学校用上远程课堂</h1>
<p>本报贵阳3月2日电（记者 吴蕾）新学期开学，黔东南州的二十所山区学校用上了远程课堂，城里名师的课实时传到了山村教室。</p>
<p>当地教育部门介绍，远程课堂覆盖语文、数学、英语和音乐等科目，每周上课三十多节。</p>
<p>一名四年级学生说，以前音乐课只能听老师唱，现在能跟着屏幕里的老师学乐器了。</p>
<script>var ad = "SCRIPT-TEXT";</script></div></body></html>"""


def test_local_html_page(tmp_path):
    page = tmp_path / "buses.html"
    page.write_text(ENGLISH_PAGE, encoding="utf-8")
    [article] = read_document(str(page))
    assert article.title == "Night buses return to the valley"
    assert article.lang == "en" and article.byline == "Sam Ortiz" and article.published == "2025-03-02"
    assert len(article.paragraphs) == 3
    assert article.paragraphs[0].startswith("Night buses will run again between the valley towns from Monday")
    assert "two-year pause" in article.paragraphs[0]  # the line break inside the paragraph became a space
    text = " ".join(article.paragraphs)
    for noise in ("SCRIPT-TEXT", "STYLE-TEXT", "Copyright", "Sport"):
        assert noise not in text


def test_html_page_url_in_another_encoding():
    with NewsServer() as server:
        url = server.add("/school.html", CHINESE_PAGE.encode("gbk"), "text/html")
        [article] = read_document(url)
    assert article.title == "山区学校用上远程课堂" and article.lang == "zh"
    assert article.dateline == "本报贵阳3月2日电（记者 吴蕾）"
    assert article.paragraphs[0].startswith("新学期开学，黔东南州的二十所山区学校用上了远程课堂")
    assert len(article.paragraphs) == 3 and "SCRIPT-TEXT" not in "".join(article.paragraphs)
    assert article.source == url


def test_html_with_entity_declarations_expands_nothing(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT", encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text(ENGLISH_PAGE.replace(
        "<!DOCTYPE html>", f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>').replace(
        "a day's pay", "a day's pay &xxe;"), encoding="utf-8")
    [article] = read_document(str(page))
    assert "SECRET" not in str(article.to_json())


def test_page_without_an_article(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>Nothing</title></head><body><nav>Home</nav></body></html>",
                    encoding="utf-8")
    with pytest.raises(InputError, match="no article text"):
        read_document(str(page))
