"""The bulletin script: opening (show, date), a transition between stories, a closing."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.context import Context, LogProgress
from briefing.errors import ConfigError
from briefing.models import Item
from briefing.script import write_script
from briefing.settings import Settings, Show

ZH_ITEMS = [Item("a", "全国铁路春运发送旅客突破4亿人次", "2月14日，全国铁路发送旅客1359.6万人次。", "zh", 10.0),
            Item("b", "《哪吒2》登陆北美", "《哪吒之魔童闹海》14日在北美上映。", "zh", 10.0),
            Item("c", "AI来煤矿“值班”", "智能化采煤机可自动调整割煤速度。", "zh", 10.0)]


def _script(items, **settings):
    values = {"date": dt.date(2025, 2, 15), **settings}
    return write_script(items, Context(Settings.make(**values), LogProgress()))


def test_opening_names_the_show_and_date_and_a_closing_ends_it():
    script = _script(ZH_ITEMS)
    kinds = [s.kind for s in script.segments]
    assert kinds[0] == "opening" and kinds[-1] == "closing"
    opening = script.segments[0]
    assert "每日新闻简报" in opening.text and "2025年2月15日，星期六" in opening.text and "3条" in opening.text
    assert "二零二五年二月十五日" in "".join(s.spoken for s in opening.sentences)
    assert "每日新闻简报" in script.segments[-1].text


def test_a_transition_comes_before_every_story_after_the_first():
    script = _script(ZH_ITEMS)
    kinds = [s.kind for s in script.segments]
    assert kinds == ["opening", "headline", "lead", "transition", "headline", "lead", "transition", "headline", "lead",
                     "closing"]
    transitions = [s for s in script.segments if s.kind == "transition"]
    assert [t.item for t in transitions] == [1, 2]
    assert transitions[0].text != transitions[1].text  # the anchor does not say the same words every time


def test_english_show_wording():
    items = [Item("e", "Library opens all night", "The library opened a reading room on Saturday.", "en", 5.0),
             Item("f", "Buses run late", "Buses will run until 2 a.m. from Monday.", "en", 5.0)]
    script = _script(items, show=Show(title="Morning Brief", language="en"))
    assert script.segments[0].text.startswith("Welcome to Morning Brief. It is Saturday, February 15, 2025")
    assert "February fifteenth, twenty twenty-five" in " ".join(s.spoken for s in script.segments[0].sentences)
    assert [s.kind for s in script.segments].count("transition") == 1
    assert script.segments[-1].text.startswith("That was Morning Brief.")


def test_wording_can_be_overridden_in_settings():
    script = _script(ZH_ITEMS, opening_words="早上好，这里是{show}，{date}。", transition_words="再看一条。",
                     closing_words="{show}播送完毕。")
    assert script.segments[0].text == "早上好，这里是每日新闻简报，2025年2月15日，星期六。"
    assert {s.text for s in script.segments if s.kind == "transition"} == {"再看一条。"}
    assert script.segments[-1].text == "每日新闻简报播送完毕。"


def test_an_unknown_placeholder_is_a_setting_error():
    with pytest.raises(ConfigError, match="{weather}"):
        Settings.make(opening_words="今天{weather}")


def test_headline_is_said_once_and_before_its_lead():
    untitled = Item("u", "Sony says it will release The Interview",
                    "Sony says it will release The Interview after all. Cinemas had been threatened.", "en", 5.0)
    script = _script([untitled], show=Show(title="Brief", language="en"))
    headline, lead = [s for s in script.segments if s.item == 0]
    assert headline.kind == "headline" and headline.text == "Sony says it will release The Interview after all."
    assert lead.text == "Cinemas had been threatened."
