"""JSON, JSONL, Markdown and plain text; folders, several inputs, duplicates, limits and errors."""

from __future__ import annotations

import json

import pytest
from conftest import ENGLISH_SAMPLE, SAMPLE_PAGE, run_cli

from briefing.context import Context, LogProgress
from briefing.errors import InputError
from briefing.read import FORMATS, read_articles, read_document
from briefing.read.source import MAX_INPUT_BYTES
from briefing.settings import Settings


def _read(*sources, **settings):
    return read_articles([str(s) for s in sources], Context(Settings().with_overrides(**settings), LogProgress()))


def test_json_list_with_body_or_paragraphs(tmp_path):
    data = [{"id": "a1", "title": "Storm closes schools", "body": "Schools closed on Monday.\n\nBuses stopped.",
             "url": "https://example.org/a1", "published": "2025-03-02"},
            {"title": "新线路开通", "paragraphs": ["新华社北京3月2日电 新的地铁线路今天开通。", "乘客可以免费试乘。"]}]
    path = tmp_path / "news.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    storm, metro = read_document(str(path))
    assert (storm.id, storm.lang, storm.paragraphs) == ("a1", "en", ["Schools closed on Monday.", "Buses stopped."])
    assert (storm.url, storm.published) == ("https://example.org/a1", "2025-03-02")
    assert metro.id == "news-02" and metro.lang == "zh"
    assert metro.dateline == "新华社北京3月2日电" and metro.paragraphs[0] == "新的地铁线路今天开通。"


def test_json_object_holding_articles_and_jsonl(tmp_path):
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"articles": [{"title": "One", "body": "First story text."}]}), encoding="utf-8")
    lines = tmp_path / "news.jsonl"
    lines.write_text("\n".join(json.dumps({"id": f"n{i}", "title": f"Story {i}", "body": f"Text number {i}."})
                               for i in range(3)), encoding="utf-8")
    assert [a.title for a in read_document(str(wrapped))] == ["One"]
    assert [a.id for a in read_document(str(lines))] == ["n0", "n1", "n2"]


@pytest.mark.parametrize("content,needle", [
    ('[{"title": "x", "body": "y"', "not valid JSON"),
    ('[{"title": "no body"}]', "no body"),
    ('[{"title": ["a", "list"], "body": "y"}]', "title"),
])
def test_bad_json_is_a_clear_error(tmp_path, content, needle):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=needle) as caught:
        read_document(str(path))
    assert "\n" not in str(caught.value)


def test_json_article_without_a_title_is_read(tmp_path):
    path = tmp_path / "untitled.json"
    path.write_text('[{"body": "A story with no headline of its own."}]', encoding="utf-8")
    [article] = read_document(str(path))
    assert article.title == "" and article.paragraphs == ["A story with no headline of its own."]


def test_markdown_article():
    [article] = read_document(str(ENGLISH_SAMPLE))
    assert article.title == "Riverside library opens a reading room that never closes"
    assert article.lang == "en" and article.byline.startswith("By the briefing project")
    assert len(article.paragraphs) == 3


def test_markdown_is_read_as_markdown_defines_it(tmp_path):
    path = tmp_path / "story.md"
    path.write_text("Storm warning for the coast\n===========================\n\nBy Jane Doe\n\n"
                    "The file_name_here stays and 2*3*4 is a product; **bold**, *emphasis* and `code`\n"
                    "read plainly, and [a link](http://example.org) keeps its words.\n\n"
                    "## What happens next\n\n- Ferries stop at noon.\n", encoding="utf-8")
    [article] = read_document(str(path))
    assert article.title == "Storm warning for the coast" and article.byline == "By Jane Doe"
    assert article.paragraphs == [
        ("The file_name_here stays and 2*3*4 is a product; bold, emphasis and code read plainly, "
        "and a link keeps its words."), "What happens next", "Ferries stop at noon."]


def test_markdown_line_breaks_inside_chinese_text_vanish(tmp_path):
    path = tmp_path / "story.md"
    path.write_text("# 暴雨预警\n\n今天下午沿海\n地区将有大雨。\n", encoding="utf-8")
    [article] = read_document(str(path))
    assert article.paragraphs == ["今天下午沿海地区将有大雨。"] and article.lang == "zh"


def test_folder_is_read_in_name_order_and_skips_other_files(tmp_path):
    folder = tmp_path / "today"
    folder.mkdir()
    (folder / "b-second.md").write_text("# Second story\n\nThe second story's text.\n", encoding="utf-8")
    (folder / "a-first.json").write_text(json.dumps([{"title": "First story", "body": "The first one."}]),
                                         encoding="utf-8")
    (folder / "photo.jpg").write_bytes(bytes(range(256)))
    (folder / ".hidden.md").write_text("# Hidden\n\nNot news.\n", encoding="utf-8")
    articles = _read(folder)
    assert [a.title for a in articles] == ["First story", "Second story"]
    assert [a.id for a in articles] == ["a-first-01", "b-second-01"]


def test_empty_folder_is_a_clear_error(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match="no news files"):
        _read(tmp_path)


def test_same_story_from_two_sources_appears_once(tmp_path):
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps([{"title": "AI来煤矿“值班”", "body": "另一家媒体转载的同一篇报道。"},
                                {"title": "Another story", "body": "Something else entirely."}],
                               ensure_ascii=False), encoding="utf-8")
    articles = _read(SAMPLE_PAGE, copy)
    titles = [a.title for a in articles]
    assert titles.count("AI来煤矿“值班”") == 1 and "Another story" in titles and len(articles) == 7


def test_input_over_the_size_limit_is_refused(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as f:
        f.truncate(MAX_INPUT_BYTES + 1)  # sparse: nothing is written or read
    with pytest.raises(InputError, match="MB input limit"):
        read_document(str(big))


def test_format_can_be_forced_and_must_be_known(tmp_path):
    text = tmp_path / "story.md"
    text.write_text("# 标题\n\n正文第一段。\n", encoding="utf-8")
    [as_page] = read_document(str(text), "page")
    assert as_page.title == "# 标题" or as_page.paragraphs  # read as a page dump, not as Markdown
    with pytest.raises(InputError, match="choose one of: feed, html, json, jsonl, markdown, page"):
        read_document(str(text), "pdf")


@pytest.mark.parametrize("name,content,expected", [
    ("feed.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>', "feed"),
    ("atom", '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>', "feed"),
    ("page.htm", "<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
    ("list.json", '[{"title": "t", "body": "b"}]', "json"),
    ("story.md", "# Title\n\nBody.", "markdown"),
    ("page.txt", "标题\n\n正文。", "page"),
])
def test_formats_are_detected_by_content(tmp_path, name, content, expected):
    from briefing.read import detect_format
    from briefing.read.source import load

    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert detect_format(load(str(path))).name == expected
    assert expected in FORMATS


def test_cli_reads_several_inputs_and_reports_bad_ones_in_one_line(tmp_path):
    result = run_cli("articles", SAMPLE_PAGE)
    assert result.exit_code == 0 and result.stdout.count("[zh,") == 6
    missing = run_cli("articles", tmp_path / "nope.xml")
    assert missing.exit_code == 2 and "no such file" in missing.stderr and len(missing.stderr.splitlines()) == 1
