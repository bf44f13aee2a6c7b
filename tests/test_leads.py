"""Leads: clean, timed, cut only at sentence ends, chosen by salience, Chinese and English."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ENGLISH_SAMPLE, SAMPLE_PAGE, run_cli

from briefing.context import Context, LogProgress
from briefing.leads import lead_of, speaking_seconds, write_leads
from briefing.leads.clean import clean_paragraph
from briefing.leads.summarize import shorten
from briefing.models import Article
from briefing.read import read_articles
from briefing.settings import Settings
from briefing.text.sentences import split_sentences, word_ends

FURNITURE = re.compile(r"新华社|本报|中新社|■|记者\s*\S{2,4}\s*摄|新华社发|[（(]\s*记者|^\s*\d{4}年\d{1,2}月\d{1,2}日[,，]"
                       r"|编者按|责任编辑|By\s|PUBLISHED|UPDATED|\(CNN\)")
SENTENCE_END = re.compile(r"[。！？!?.][”’」』)）\"']*$")


def _items(path, seconds=30.0):
    ctx = Context(Settings.make(item_seconds=seconds), LogProgress())
    return write_leads(read_articles([str(path)], ctx), ctx)


@pytest.fixture(scope="module")
def sample_items():
    return _items(SAMPLE_PAGE)


def test_sample_page_leads_are_clean_and_end_at_sentence_ends(sample_items):
    assert len(sample_items) == 6
    for item in sample_items:
        assert item.lead, item.title
        assert not FURNITURE.search(item.lead), item.lead
        assert SENTENCE_END.search(item.lead), item.lead
        assert not item.lead.startswith(item.title)


def test_sample_page_leads_fit_the_time_budget(sample_items):
    for item in sample_items:
        assert 10 <= speaking_seconds(item.lead, "zh") <= 30.0, item.lead
    assert sample_items[1].lead.startswith("记者15日从中国国家铁路集团有限公司获悉")  # dateline gone


def test_item_seconds_sets_the_lead_length():
    short, long = _items(SAMPLE_PAGE, 12.0), _items(SAMPLE_PAGE, 60.0)
    for a, b in zip(short, long):
        assert len(a.lead) < len(b.lead)
        assert speaking_seconds(a.lead, "zh") <= 12.0 or len(split_sentences(a.lead, "zh")) == 1
        assert SENTENCE_END.search(a.lead)


@pytest.mark.parametrize("dirty, clean", [
    ("新华社北京2月15日电（记者 樊曦）记者15日从国铁集团获悉，客流创新高。", "记者15日从国铁集团获悉，客流创新高。"),
    ("新华社北京2月15日电  经国务院同意，意见印发。", "经国务院同意，意见印发。"),
    ("本报讯（记者 王明 通讯员 李四）昨天，市里召开会议。", "昨天，市里召开会议。"),
    ("中新网北京2月15日电 今天降温。", "今天降温。"),
    ("（记者 张三）今天上午，会议召开。", "今天上午，会议召开。"),
    # the reader's datelines (briefing/text/news.py): names alone after one, undated ones, 本报记者…报道
    ("本报北京5月8日电（本报记者 冯春梅）全国政协8日召开会议。", "全国政协8日召开会议。"),
    ("新华社北京2月15日电（丁一、宋二）今天降温。", "今天降温。"),
    ("据新华社电 今天降温。", "今天降温。"),
    ("本报记者 张三 李四报道 今天降温。", "今天降温。"),
    ("人民日报消息，今天降温。", "今天降温。"),
    ("本报讯：今天降温。", "今天降温。"),
    ("（十二）加强组织领导。", "（十二）加强组织领导。"),  # a bracket of two characters alone is no reporter
    ("接受本报记者采访的专家表示。", "接受记者采访的专家表示。"),
    (("By . Jill Reilly . PUBLISHED: . 08:06 EST, 5 November 2012 . | . UPDATED: . 09:38 EST, 5 November 2012 . "
     "An American tabloid has published a cover."), "An American tabloid has published a cover."),
    ("(CNN) -- Louisiana authorities said Tuesday they found her.", "Louisiana authorities said Tuesday they found her."),
    ("LONDON, England (CNN) -- The prime minister said no.", "The prime minister said no."),
    ("WASHINGTON (Reuters) - The Fed raised rates.", "The Fed raised rates."),
])
def test_datelines_and_bylines_are_taken_off_the_opening(dirty, clean):
    lang = "en" if dirty.isascii() else "zh"
    assert clean_paragraph(dirty, lang) == clean


@pytest.mark.parametrize("line", [
    "■新华社记者 严赋憬 宋晨 魏弘毅", "本报记者 李舸", "2025年1月24日，机器人在户外奔跑。新华社记者 李鑫 摄",
    "图为机器人在户外奔跑。", "编者按：今年是改革开放四十周年。", "（新华社记者 张三 摄）", "By Jane Doe, Associated Press",
    "Editor's note: This story contains graphic details.", "（责任编辑：王五）",
])
def test_bylines_captions_credits_and_notes_are_dropped(line):
    assert clean_paragraph(line, "en" if line.isascii() else "zh") == ""


def test_json_body_with_dateline_and_byline_gives_a_clean_lead(tmp_path):
    rows = [
        {"id": "x-1", "title": "春运客流创新高", "body": "■新华社记者 樊曦\n新华社北京2月15日电（记者 樊曦）"
         "记者15日从国铁集团获悉，春运累计发送旅客突破4亿人次。\n2025年2月14日，旅客在北京站候车。新华社记者 李鑫 摄\n"
         "各地铁路部门多措并举，增加运力投放。"},
        {"id": "y-2", "title": "", "body": "By . Daily Mail Reporter . PUBLISHED: . 01:15 EST, 30 November 2013 . "
         "More than two decades after he announced that he had HIV, the player says he is still surprised. "
         "He has spent his life raising awareness about the disease."},
    ]
    data = tmp_path / "news.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = run_cli("leads", data, "--json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert [i["id"] for i in items] == ["x-1", "y-2"]
    assert all({"id", "title", "lead", "seconds"} <= set(i) for i in items)
    assert items[0]["lead"].startswith("记者15日从国铁集团获悉") and "摄" not in items[0]["lead"]
    assert items[1]["lead"].startswith("More than two decades")
    assert items[1]["title"]  # an untitled article still gets a title for chapters and lists


def test_an_over_long_opening_ends_at_a_clause_break_and_is_closed():
    sentence = ("2月14日，全国铁路发送旅客1359.6万人次，自1月14日春运启动以来累计发送旅客突破4亿人次，"
                "各地铁路部门多措并举，在热门方向、时段和区间增加运力投放，加大站车服务保障力度，"
                "确保旅客安全有序出行，并将继续加开夜间高铁和临时旅客列车。")
    article = Article(title="春运", paragraphs=[sentence, "第二段很短。"], lang="zh")
    lead = lead_of(article, 10.0)
    assert lead.endswith("。") and sentence.startswith(lead[:-1])
    assert lead[-2] not in "，、；"
    assert sentence[len(lead) - 1] in "，；"  # the cut was at a clause mark
    assert speaking_seconds(lead, "zh") <= 10.0


def test_a_cut_never_falls_inside_quotes_or_brackets():
    sentence = "他说“我们今天要去北京，明天去上海，后天再回来，大后天还要出发”，然后离开了会场，回到了家中。"
    lead = shorten(sentence, 4.0, "zh")
    assert lead.count("“") == lead.count("”")


def test_without_a_clause_mark_the_cut_is_at_a_word_boundary():
    sentence = "中国人工智能企业深度求索推出的国产大模型以小成本办大事的高性能惊艳全球并成为中国科技创新体系持续深化的生动写照。"
    lead = shorten(sentence, 5.0, "zh")
    assert lead.endswith("。")
    assert len(lead) - 1 in word_ends(sentence, "zh")


def test_sentences_keep_closing_quotes_and_do_not_split_inside_quotes():
    text = "“4月份我们要参加比赛！今年一定赢。”魏嘉星说。展览正在改变……人们发现，观众更多了。彩妆YES!IC很受欢迎。"
    assert split_sentences(text, "zh") == [
        "“4月份我们要参加比赛！今年一定赢。”魏嘉星说。", "展览正在改变……人们发现，观众更多了。", "彩妆YES!IC很受欢迎。"]
    assert split_sentences('"We won. It was great," he said. Mr. Smith left at 5 p.m. on Monday. It rained.', "en") == [
        '"We won. It was great," he said.', "Mr. Smith left at 5 p.m. on Monday.", "It rained."]


def test_the_lead_prefers_the_story_over_filler_and_keeps_story_order():
    article = Article(title="新地铁线路开通运营", lang="zh", paragraphs=[
        "15日上午，本市地铁12号线正式开通运营，全长40公里，设站28座。",
        "当天天气晴朗，气温适宜。",
        "街边的小店照常营业，老人们在公园里下棋。",
        "12号线开通运营后，本市地铁运营里程达到800公里，地铁线路连接城市东西两端，沿线居民出行时间大幅缩短。",
        "记者看到，不少市民带着孩子前来体验。",
    ])
    lead = lead_of(article, 20.0)
    sentences = split_sentences(lead, "zh")
    assert sentences[0].startswith("15日上午")
    assert any(s.startswith("12号线开通运营后") for s in sentences)
    assert "下棋" not in lead
    order = [next(i for i, p in enumerate(article.paragraphs) if s in p) for s in sentences]
    assert order == sorted(order)


def test_the_lead_does_not_repeat_the_headline():
    article = Article(title="全国铁路春运发送旅客突破4亿人次", lang="zh", paragraphs=[
        "全国铁路春运发送旅客突破4亿人次。", "记者15日从国铁集团获悉，自1月14日春运启动以来累计发送旅客4.13亿人次。"])
    assert lead_of(article, 20.0).startswith("记者15日")


def test_english_lead_is_whole_sentences_within_budget():
    (item,) = _items(ENGLISH_SAMPLE, 20.0)
    assert item.lead.startswith("The Riverside public library opened")
    assert SENTENCE_END.search(item.lead)
    assert speaking_seconds(item.lead, "en") <= 20.0
    assert "By the briefing project" not in item.lead
