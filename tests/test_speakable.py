"""Speakable text: each normalisation rule on examples; displayed text stays as written."""

from __future__ import annotations

import re

import pytest
from conftest import SAMPLE_PAGE

from briefing.context import Context, LogProgress
from briefing.leads import write_leads
from briefing.read import read_articles
from briefing.script import write_script
from briefing.settings import Settings
from briefing.text.speakable import speakable

ZH_CASES = {
    "years": [("2025年春节", "二零二五年春节"), ("1998年至2005年", "一九九八年至二零零五年"),
              ("86年8月18日", "八六年八月十八日"), ("近20年来", "近二十年来"), ("20世纪90年代", "二十世纪九十年代")],
    "decimals with 万/亿": [("达4.13亿人次", "达四点一三亿人次"), ("发送旅客1359.6万人次", "发送旅客一千三百五十九点六万人次"),
                          ("人口13.95亿", "人口十三点九五亿"), ("0.5个百分点", "零点五个百分点")],
    "percentages": [("占60%", "占百分之六十"), ("增长5.2%", "增长百分之五点二"), ("2.5%至3%", "百分之二点五到百分之三"),
                    ("占64.3％", "占百分之六十四点三")],
    "dates and times": [("2月15日", "二月十五日"), ("2025-02-15", "二零二五年二月十五日"), ("10:30开始", "十点三十分开始"),
                        ("8:00出发", "八点出发")],
    "counts and ranges": [("14条", "十四条"), ("1145列", "一千一百四十五列"), ("2000多人", "两千多人"), ("2个", "两个"),
                          ("15—59岁", "十五到五十九岁"), ("4-5颗", "四到五颗"), ("1,234,567人", "一百二十三万四千五百六十七人"),
                          ("比分3:2", "比分三比二"), ("1/3的观众", "三分之一的观众")],
    "units and currency": [("30km/h", "三十千米每小时"), ("15kg", "十五千克"), ("-5℃", "零下五摄氏度"),
                           ("$5亿", "五亿美元"), ("￥100", "一百元")],
    "acronyms and brands": [("深度求索(DeepSeek)推出", "深度求索推出"), ("国际货币基金组织（IMF）预测", "国际货币基金组织预测"),
                            ("GDP增长5.2%", "国内生产总值增长百分之五点二"), ("G20峰会", "二十国集团峰会"),
                            ("A380客机", "A三八零客机"), ("COVID-19疫情", "COVID十九疫情"), ("AI来煤矿", "AI来煤矿")],
    "brackets, book titles, dashes, ellipses": [
        ("《哪吒之魔童闹海》（简称《哪吒2》）14日上映", "哪吒之魔童闹海十四日上映"),
        ("华润微电子(重庆)有限公司", "华润微电子重庆有限公司"),
        ("印发《意见》（以下简称《意见》）。", "印发意见。"),
        ("与龙头企业深度绑定——研究院与4家企业签约", "与龙头企业深度绑定，研究院与四家企业签约"),
        ("项目4个……去年底揭牌", "项目四个，去年底揭牌"), ("再穿……", "再穿。")],
}


@pytest.mark.parametrize("written, spoken", [case for cases in ZH_CASES.values() for case in cases],
                         ids=[f"{rule}: {w}" for rule, cases in ZH_CASES.items() for w, _ in cases])
def test_chinese_normalisation(written, spoken):
    assert speakable(written, "zh") == spoken


EN_CASES = [
    ("The grant was 2.5 million dollars.", "The grant was two point five million dollars."),
    ("It cost $2.5m, up 30%.", "It cost two point five million dollars, up thirty percent."),
    ("In 2024, 1,234 people came.", "In twenty twenty-four, one thousand two hundred and thirty-four people came."),
    ("On February 15, the 3rd day", "On February fifteenth, the third day"),
    ("After 10:30 and 9:05", "After ten thirty and nine oh five"),
    ("In the 1990s, 5-10 days", "In the nineteen nineties, five to ten days"),
    ("The No. 1 seed", "The number one seed"),
]


@pytest.mark.parametrize("written, spoken", EN_CASES)
def test_english_normalisation(written, spoken):
    assert speakable(written, "en") == spoken


@pytest.fixture(scope="module")
def sample_script():
    ctx = Context(Settings(), LogProgress())
    return write_script(write_leads(read_articles([str(SAMPLE_PAGE)], ctx), ctx), ctx)


def test_spoken_chinese_leaves_no_digits_for_the_voice_to_guess(sample_script):
    # misaki's G2P (offline voice) runs cn2an on any digits left; after speakable() there are none,
    # so nothing is converted twice and every number is read by the rules above.
    for segment in sample_script.segments:
        for sentence in segment.sentences:
            assert not re.search(r"\d", sentence.spoken), sentence.spoken
            assert "《" not in sentence.spoken and "(DeepSeek)" not in sentence.spoken


def test_display_text_is_kept_as_written(sample_script):
    texts = "".join(s.text for seg in sample_script.segments for s in seg.sentences)
    assert "1359.6万人次" in texts and "4.13亿人次" in texts and "深度求索(DeepSeek)" in texts
    leads = [seg for seg in sample_script.segments if seg.kind == "lead"]
    for segment, item in zip(leads, sample_script.items):
        assert segment.text == item.lead


def test_transcripts_of_a_build_keep_the_original_text(sample_build):
    vtt = sample_build["mp3"].with_suffix(".vtt").read_text("utf-8")
    assert "1359.6万人次" in vtt and "2025年" in vtt
    assert "一千三百五十九点六万" not in vtt and "二零二五年" not in vtt
