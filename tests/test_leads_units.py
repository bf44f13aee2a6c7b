"""Leads a listener can follow: a quote goes with its speaker, captions, labels, subheads and
list markers are never read as news, a pronoun keeps its sentence, no quote is left open."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from briefing.context import Context, LogProgress
from briefing.leads import choose_lead, write_leads
from briefing.leads.clean import clean_paragraph, clean_paragraphs
from briefing.leads.summarize import shorten
from briefing.leads.units import (
    NEWS,
    has_open_quote,
    is_caption,
    is_speaker_tag,
    units_of,
)
from briefing.models import Article
from briefing.read import read_articles
from briefing.settings import Settings
from briefing.text.sentences import en_quote_marks

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "leads-units.jsonl"
CHECKER = ROOT / "tools" / "check_leads.py"
BUDGETS = (8.0, 12.0, 20.0, 30.0, 45.0)


def _articles() -> dict[str, Article]:
    ctx = Context(Settings(), LogProgress())
    return {a.id: a for a in read_articles([str(FIXTURE)], ctx)}


@pytest.fixture(scope="module")
def articles():
    return _articles()


def _units(article: Article):
    return units_of(clean_paragraphs(article.paragraphs, article.lang), article.lang)


def _unit(units, start: str):
    return next(u for u in units if u.text.startswith(start))


# ------------------------------------------------------------ quotes and their speakers

def test_a_chinese_quote_and_its_attribution_are_one_unit(articles):
    units = _units(articles["zh-bridge"])
    long_tag = _unit(units, "“以前赶集")
    assert long_tag.text.endswith("村民周德明对记者说。") and long_tag.role == NEWS
    split = _unit(units, "“大桥设计使用年限")
    assert split.text.endswith("安全巡检。”") and "唐海峰说" in split.text and split.role == NEWS
    before = _unit(units, "唐海峰表示：")
    assert before.text.endswith("方便更多村民出行。”")
    # a quote alone in its paragraph takes the "如是说" tag of the next one
    joined = _unit(units, "“大家盼这座桥")
    assert joined.text.endswith("罗晓燕如是说。") and joined.role == NEWS
    assert not any(u.text.startswith("江北村党支部书记") for u in units)


def test_a_speaker_tag_without_its_quote_is_only_context(articles):
    units = _units(articles["zh-bridge"])
    tag = _unit(units, "县交通运输局局长唐海峰介绍。")
    assert tag.role == "speaker tag without its quote"
    en_tag = next(u for u in _units(articles["en-shop"]) if u.text == "He said.")
    assert en_tag.role == "speaker tag without its quote"


@pytest.mark.parametrize("text, lang, expected", [
    ("苏海说。", "zh", True), ("省篮球协会会长陈立群介绍。", "zh", True), ("一位等车的乘客王先生如是说。", "zh", True),
    ("苏海说，今年的比赛比往年更激烈。", "zh", False), ("“我们准备好了。”苏海说。", "zh", False),
    ("he said.", "en", True), ("Ms Ward told the paper.", "en", True),
    ("He said the road would reopen on Friday.", "en", False),
])
def test_speaker_tags_are_told_from_sentences_that_report_speech(text, lang, expected):
    assert is_speaker_tag(text, lang) is expected


def test_an_english_quote_in_single_quotes_stays_whole_despite_apostrophes(articles):
    units = _units(articles["en-shop"])
    quote = _unit(units, "Mr Hadley said:")
    assert quote.text.endswith("in forty years.'") and quote.role == NEWS
    assert _unit(units, "'We have to treat").text.endswith("a council spokesman said.")
    assert en_quote_marks("'I couldn't go,' she said.").count("‘") == 1


def test_a_quotation_never_closed_is_not_read(articles):
    article = Article(title="夜市开张", lang="zh", paragraphs=[
        "5日晚，临河街夜市正式开张，一百二十个摊位全部坐满，当晚接待市民超过一万人次。",
        "“夜市让老街又热闹起来了。我家的小吃摊一晚上能卖出三百多份。",
        "“希望夜市能一直办下去。”摊主郑秋云说。",
        "街道办事处表示，夜市每周五至周日开放，营业到晚上十一点，周边新增三百个停车位。",
    ])
    for seconds in BUDGETS:
        lead = choose_lead(article, seconds).lead
        assert lead.count("“") == lead.count("”"), lead
    assert has_open_quote("“夜市让老街又热闹起来了。", "zh")
    assert has_open_quote("She said: 'It was the best day of my life.", "en")
    assert not has_open_quote("She said: 'It wasn't easy.'", "en")


# ------------------------------------------------------------ captions and labels

@pytest.mark.parametrize("text, lang", [
    ("Pictured: The painted sign above the bakery on Mill Street.", "en"),
    ("Scam: A retired teacher lost her savings to a caller posing as her bank.", "en"),
    ("Happy together: Tom and his wife at the counter.", "en"),
    ("The couple, left, with their grandchildren at the village fete last summer.", "en"),
    ("The mayor is pictured at the opening of the new library.", "en"),
    ("图为通车当天过桥的村民。", "zh"), ("志愿者（左二）在社区门口为居民测量体温。", "zh"),
])
def test_captions_and_photo_labels_are_recognised(text, lang):
    assert is_caption(text, lang)


@pytest.mark.parametrize("text, lang", [
    ("Mr Hadley said: 'I couldn't believe it.'", "en"),
    ("She told the paper: 'It was the best day of my life.'", "en"),
    ("The council left the decision to the planning committee.", "en"),
    ("唐海峰表示：“明年还将修建两座桥梁。”", "zh"), ("数据显示：全市客流同比增长三成。", "zh"),
])
def test_speech_and_plain_sentences_are_not_captions(text, lang):
    assert not is_caption(text, lang)


def test_picture_references_are_taken_out_of_the_kept_text():
    assert clean_paragraph("Tom Hadley (pictured) said he was stunned.", "en") == "Tom Hadley said he was stunned."
    assert clean_paragraph("The shop (pictured left) opened in 1984.", "en") == "The shop opened in 1984."
    assert clean_paragraph("（资料图）大桥主塔高六十米。", "zh") == "大桥主塔高六十米。"
    assert clean_paragraph("图为通车当天过桥的村民。", "zh") == ""


def test_no_caption_label_or_picture_reference_reaches_an_english_lead(articles):
    for seconds in BUDGETS:
        lead = choose_lead(articles["en-shop"], seconds).lead
        assert "(pictured)" not in lead
        assert "Pictured:" not in lead and "Happy together:" not in lead and ", left," not in lead


# ------------------------------------------------------------ subheads, list markers, questions

def test_subheads_list_markers_and_head_questions_are_context(articles):
    roles = {u.text: u.role for u in _units(articles["zh-bridge"])}
    assert roles["一、通车之后怎么管？"] != NEWS
    assert roles["（二）下一步建设计划"] != NEWS
    first = _units(articles["zh-subhead-first"])
    assert first[0].role != NEWS and first[0].text.startswith("1.")


def test_a_lead_never_opens_on_a_subhead_or_list_marker(articles):
    for seconds in BUDGETS:
        lead = choose_lead(articles["zh-subhead-first"], seconds).lead
        assert lead.startswith("入冬以来"), lead
        assert "（三）" not in lead and "1." not in lead


def test_a_question_is_kept_only_with_its_answer():
    article = Article(title="Ferry service returns", lang="en", paragraphs=[
        "The island ferry will run again from Monday after a six-month break for repairs to the harbour wall.",
        "Why did the repairs take so long?",
        "Engineers found the old wall was in far worse condition than surveys had shown and needed new foundations.",
        "Tickets can be bought at the harbour office or online, and prices have not changed since last year.",
    ])
    for seconds in BUDGETS:
        choice = choose_lead(article, seconds)
        kept = [u.order for u in choice.considered if u.kept]
        if 1 in kept:
            assert 2 in kept, choice.lead
        assert not choice.lead.startswith("Why")


# ------------------------------------------------------------ a lead that reads alone

def _kept_units_are_whole(choice) -> bool:
    kept = [u.text for u in choice.considered if u.kept]
    joiner = "" if any("\u4e00" <= ch <= "\u9fff" for ch in choice.lead) else " "
    return joiner.join(kept) == choice.lead


@pytest.mark.parametrize("article_id", ["zh-bridge", "zh-subhead-first", "en-shop"])
def test_leads_are_whole_units_of_news_at_every_budget(articles, article_id):
    article = articles[article_id]
    for seconds in BUDGETS:
        choice = choose_lead(article, seconds)
        kept = [u for u in choice.considered if u.kept]
        assert kept and all(u.role == NEWS for u in kept), choice.lead
        if not any(u.reason.startswith("opens the lead, cut") for u in kept):
            assert _kept_units_are_whole(choice), choice.lead
        assert choice.lead.count("“") == choice.lead.count("”")
        assert not has_open_quote(choice.lead, article.lang), choice.lead


@pytest.mark.parametrize("article_id", ["zh-bridge", "en-shop"])
def test_a_sentence_pointing_back_is_kept_only_with_the_sentence_before_it(articles, article_id):
    for seconds in BUDGETS:
        choice = choose_lead(articles[article_id], seconds)
        for unit in choice.considered:
            if unit.kept and unit.text.startswith(("她说", "对此", "It was", "He ")):
                assert choice.considered[unit.order - 1].kept, choice.lead


def test_a_pronoun_sentence_gives_way_when_its_antecedent_is_left_out():
    article = Article(title="Library opens on Sundays", lang="en", paragraphs=[
        "The central library will open on Sundays from next month, the city council announced on Tuesday.",
        "The new hours follow a survey of more than three thousand readers across the city and its suburbs.",
        "It was the largest survey the library has run in its hundred-year history of public service.",
        "Opening on Sundays will cost the council about forty thousand pounds a year in staff and heating.",
    ])
    choice = choose_lead(article, 12.0)
    kept = {u.order for u in choice.considered if u.kept}
    assert 2 not in kept or 1 in kept, choice.lead


@pytest.mark.parametrize("sentence, seconds, lang, bad_end", [
    (("虽然今年冬天来得比往年早，气温也比往年低很多，但是全市供暖没有出现一起大的故障，居民满意率达到百分之九十五以上，"
      "供热公司还将继续做好冬季服务工作。"), 5.0, "zh", "气温也比往年低很多。"),
    (("Although the storm closed the main road for two whole days, the village school stayed open all week, "
      "and teachers walked in from nearby farms to take their classes as usual."), 5.0, "en", "two whole days."),
])
def test_a_cut_opening_keeps_its_meaning(sentence, seconds, lang, bad_end):
    lead = shorten(sentence, seconds, lang)
    assert not lead.endswith(bad_end), lead
    assert sentence.startswith(lead[:-1])


# ------------------------------------------------------------ --explain and the checker

def test_leads_explain_shows_scores_and_reasons():
    result = run_cli("leads", FIXTURE, "--explain", "--item-seconds", "20")
    assert result.exit_code == 0, result.output
    assert "KEPT" in result.stdout
    assert "context: speaker tag without its quote: 县交通运输局局长唐海峰介绍。" in result.stdout
    assert "context: caption or photo label: Pictured:" in result.stdout
    assert "over the time budget" in result.stdout
    as_json = run_cli("leads", FIXTURE, "--explain", "--json")
    rows = json.loads(as_json.stdout)
    assert [r["id"] for r in rows] == ["zh-bridge", "zh-subhead-first", "en-shop"]
    considered = rows[0]["considered"]
    assert {"text", "score", "kept", "reason", "role"} <= set(considered[0])
    assert any(c["kept"] for c in considered) and any(not c["kept"] for c in considered)
    assert "".join(c["text"] for c in considered if c["kept"]) == rows[0]["lead"]


def _check(tmp_path, items) -> subprocess.CompletedProcess:
    leads = tmp_path / "leads.json"
    leads.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return subprocess.run([sys.executable, str(CHECKER), str(leads), str(FIXTURE)], capture_output=True, text=True, check=False)


def test_the_checker_passes_the_project_leads(tmp_path):
    for seconds in BUDGETS:
        ctx = Context(Settings.make(item_seconds=seconds), LogProgress())
        items = [i.to_json() for i in write_leads(read_articles([str(FIXTURE)], ctx), ctx)]
        result = _check(tmp_path, items)
        assert result.returncode == 0, result.stdout


def test_the_checker_reports_each_problem_and_fails(tmp_path):
    items = [
        {"id": "zh-bridge", "lang": "zh", "lead": "青川县第一座索道桥建成通车。县交通运输局局长唐海峰介绍。"},
        {"id": "en-shop", "lang": "en", "lead": "Tom Hadley (pictured) said he was stunned. Pictured: The sign."},
        {"id": "zh-subhead-first", "lang": "zh", "lead": "1.冬季供暖怎么保障？入冬以来，“全市小区按时供暖。"},
    ]
    result = _check(tmp_path, items)
    assert result.returncode == 1
    summary = result.stdout.strip().splitlines()[-1]
    assert summary == ("checked 3 leads: speaker tag only 1, caption or photo label 1, picture reference 1, "
                       "opens on a subhead 1, unclosed quote 1")


def test_a_picture_pointer_is_not_spoken():
    from briefing.text.speakable import speakable

    assert speakable("Tom Hadley (pictured) said 20 people came to the shop (left).", "en") == (
        "Tom Hadley said twenty people came to the shop.")


def test_dash_list_items_and_very_short_sentences_do_not_open_a_lead():
    article = Article(title="全市防汛能力提升", lang="zh", paragraphs=[
        "周明说明来意。",
        "今年以来，全市新建防汛物资仓库十二座，储备沙袋五十万条，组建应急抢险队伍八十支，防汛能力明显提升。",
        "——预警能力持续增强。",
        "全市新建自动雨量站三百个，暴雨预警信息可在十分钟内发送到每一位村组干部的手机上。",
    ])
    units = units_of(article.paragraphs, "zh")
    assert _unit(units, "——预警").role == "list marker"
    for seconds in BUDGETS:
        lead = choose_lead(article, seconds).lead
        assert not lead.startswith(("周明说明来意", "——")), lead
