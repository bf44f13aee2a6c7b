"""How Mandarin is read: polyphones in context, tone sandhi, letters, the lexicon, and what the voice gets."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, briefing_process, run_cli

from briefing.errors import ConfigError
from briefing.leads.summarize import (
    SPEAKING_RATES,
    ZH_CHARS_PER_SECOND,
    speaking_seconds,
)
from briefing.speak.kokoro import KokoroEngine, _vocab
from briefing.speak.mandarin import parse_lexicon, pronounce, respell
from briefing.speak.phonemes import Phonemizer, _ipa


def spoken(text: str, word: str) -> list[str]:
    """The spoken pinyin of the first `word` in `text`."""
    reading = pronounce([text])[0]
    start = text.index(word)
    return reading.spoken[start:start + len(word)]


def lexical(text: str, word: str) -> list[str]:
    reading = pronounce([text])[0]
    start = text.index(word)
    return reading.pinyin[start:start + len(word)]


# --- tone sandhi -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "word", "expected"), [
    ("他们不吃早饭。", "不吃", ["bu4", "chi1"]),      # before tone 1
    ("客人今天不来了。", "不来", ["bu4", "lai2"]),    # before tone 2
    ("这个办法不好。", "不好", ["bu4", "hao3"]),      # before tone 3
    ("这不是问题。", "不是", ["bu2", "shi4"]),        # before tone 4
    ("价格不断上涨。", "不断", ["bu2", "duan4"]),
])
def test_bu_changes_before_a_fourth_tone_only(text, word, expected):
    assert spoken(text, word) == expected
    assert lexical(text, word)[0] == "bu4"


@pytest.mark.parametrize(("text", "word", "expected"), [
    ("我们一天就能到。", "一天", ["yi4", "tian1"]),    # before tone 1
    ("这里一年四季如春。", "一年", ["yi4", "nian2"]),  # before tone 2
    ("大家一起努力。", "一起", ["yi4", "qi3"]),        # before tone 3
    ("台上来了一位老师。", "一位", ["yi2", "wei4"]),   # before tone 4
])
def test_yi_changes_by_the_next_tone(text, word, expected):
    assert spoken(text, word) == expected
    assert lexical(text, word)[0] == "yi1"


@pytest.mark.parametrize(("text", "word"), [
    ("她是第一个到场的。", "第一"),
    ("会议定在一月召开。", "一月"),
    ("展会将于十一日开幕。", "十一"),
    ("这座桥建于一九九一年。", "一九九一"),
    ("我们要统一思想。", "统一"),
])
def test_yi_keeps_its_first_tone_in_ordinals_dates_numbers_and_word_ends(text, word):
    assert all(s == "yi1" for c, s in zip(word, spoken(text, word)) if c == "一")


def test_third_tone_pairs_and_chains():
    assert spoken("你好，朋友们。", "你好") == ["ni2", "hao3"]
    assert spoken("天气很好。", "很好") == ["hen2", "hao3"]
    assert spoken("我们去展览馆参观。", "展览馆") == ["zhan2", "lan2", "guan3"]
    assert lexical("你好，朋友们。", "你好") == ["ni3", "hao3"]  # the lexical reading stays


# --- polyphones in news contexts -----------------------------------------------------------------

@pytest.mark.parametrize(("text", "word", "expected"), [
    ("央行行长在会上发言。", "行长", ["hang2", "zhang3"]),
    ("重庆的火锅很有名。", "重庆", ["chong2", "qing4"]),
    ("借款人应按时还款。", "还款", ["huan2", "kuan3"]),
    ("仪仗队员身着礼服。", "身着", ["shen1", "zhuo2"]),
    ("警方正在调查此事。", "调查", ["diao4", "cha2"]),
    ("企业需要调整结构。", "调整", ["tiao2", "zheng3"]),
    ("这场比赛大家看得很开心。", "看得", ["kan4", "de5"]),
    ("她说自己“看得一会哭一会笑”。", "看得", ["kan4", "de5"]),  # the sample page's sentence
    ("现场观众看得十分紧张。", "看得", ["kan4", "de5"]),
    ("老人慢慢地走过来。", "慢慢地", ["man4", "man4", "de5"]),
    ("他还在公司加班。", "还在", ["hai2", "zai4"]),
    ("孩子们长大了。", "长大", ["zhang3", "da4"]),
    ("我们要重视安全。", "重视", ["zhong4", "shi4"]),
])
def test_polyphones_in_news_contexts(text, word, expected):
    assert lexical(text, word) == expected


def test_pinyin_and_spoken_have_one_entry_per_character_and_null_for_the_rest():
    text = "5G网络覆盖了99%的县城，OK？"
    (reading,) = pronounce([text])
    assert len(reading.pinyin) == len(reading.spoken) == len(text)
    for char, lexical_, spoken_ in zip(text, reading.pinyin, reading.spoken):
        assert (lexical_ is None) == (spoken_ is None) == (not "\u4e00" <= char <= "\u9fff")


def test_pronounce_json_lines_from_stdin():
    result = run_cli("pronounce", "--json", "不断进步", "天气很好")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines[0] == {"text": "不断进步", "pinyin": ["bu4", "duan4", "jin4", "bu4"],
                        "spoken": ["bu2", "duan4", "jin4", "bu4"]}
    assert set(lines[1]) == {"text", "pinyin", "spoken"}
    readable = run_cli("pronounce", "不断进步")
    assert "不(bu4>bu2)" in readable.output


# --- letters --------------------------------------------------------------------------------------

def test_acronyms_inside_mandarin_are_spelt_with_mandarin_letter_names():
    phonemize = Phonemizer()
    assert phonemize("AI来煤矿值班", "zh").startswith(f"{_ipa('ei1')} {_ipa('ai4')} ")
    gdp = phonemize("GDP增长较快", "zh")
    assert gdp.startswith(f"{_ipa('ji4')} {_ipa('di4')} {_ipa('pi4')} ")
    assert set(gdp) <= set(_vocab())
    assert phonemize("DeepSeek推出大模型", "zh").startswith(phonemize("DeepSeek", "en"))  # a word, not letters


# --- what the voice is given --------------------------------------------------------------------

def test_the_voice_receives_the_sandhi_applied_form():
    engine = KokoroEngine()
    phonemes = engine._phonemize("价格不断上涨。", "zh", False)
    assert _ipa("bu2") + _ipa("duan4") in phonemes and _ipa("bu4") + _ipa("duan4") not in phonemes
    assert _ipa("ni2") + _ipa("hao3") in engine._phonemize("你好。", "zh", False)
    assert _ipa("huan2") + _ipa("kuan3") in engine._phonemize("按时还款。", "zh", False)


# --- the lexicon ----------------------------------------------------------------------------------

def test_builtin_lexicon_reads_names():
    assert lexical("电影哪吒的票房很高。", "哪吒") == ["ne2", "zha1"]


def test_lexicon_from_briefing_toml(tmp_path):
    config = tmp_path / "briefing.toml"
    # TOML keys outside ASCII are quoted
    config.write_text('[pronunciations]\n"张三丰" = "zhang1 san1 feng1"\n"乐乐" = "yue4 yue4"\n', encoding="utf-8")
    result = run_cli("-c", config, "pronounce", "--json", "乐乐, 张三丰")
    assert result.exit_code == 0, result.output
    reading = json.loads(result.output)
    assert reading["pinyin"] == ["yue4", "yue4", None, None, "zhang1", "san1", "feng1"]
    engine = KokoroEngine(pronunciations=[("乐乐", "yue4 yue4")])
    assert engine.version != KokoroEngine().version  # a changed lexicon is not served from the cache
    assert _ipa("yue4") + _ipa("yue4") in engine._phonemize("乐乐来了。", "zh", False)


@pytest.mark.parametrize("entry", ['"哪吒" = "ne zha"', '"哪吒" = "ne2"', '"哪吒" = 3', 'abc = "a1"', '"哪吒" = "呢"'])
def test_a_malformed_lexicon_entry_is_a_config_error_naming_the_key(tmp_path, entry):
    config = tmp_path / "briefing.toml"
    config.write_text(f"[pronunciations]\n{entry}\n", encoding="utf-8")
    proc = briefing_process("-c", config, "pronounce", "你好")
    assert proc.returncode == 3, proc.stderr
    assert "pronunciations" in proc.stderr and entry.split(" =")[0].strip('"') in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_respellings_and_pinyin_spellings():
    lexicon = parse_lexicon({"哪吒": "呢扎", "女儿": "nv3 er2", "绿地": "lu:4 di4"})
    assert lexicon == {"哪吒": "呢扎", "女儿": ["nü3", "er2"], "绿地": ["lü4", "di4"]}
    with pytest.raises(ConfigError, match="一二"):
        parse_lexicon({"一二": "yi1 er6"})


# --- pace -----------------------------------------------------------------------------------------

def test_lead_budget_uses_the_measured_rate_of_the_voice():
    text = "新闻" * 25
    assert speaking_seconds(text, "zh") == pytest.approx(50 / ZH_CHARS_PER_SECOND)  # a voice not measured
    assert 4.8 <= SPEAKING_RATES[("kokoro", "zm_yunxi")] <= 5.2  # the offline anchor, measured
    assert speaking_seconds(text, "zh", ("kokoro", "zm_yunxi")) == pytest.approx(50 / SPEAKING_RATES[("kokoro", "zm_yunxi")])
    from briefing.leads.summarize import pace

    assert pace(("kokoro", "zm_yunxi"), "zh") == pytest.approx(SPEAKING_RATES[("kokoro", "zm_yunxi")] / ZH_CHARS_PER_SECOND)
    assert pace(None, "zh") == 1.0
    assert speaking_seconds("one two three", "en", ("kokoro", "af_heart")) == \
        pytest.approx(3 / SPEAKING_RATES[("kokoro", "af_heart")])


def test_every_shipped_mandarin_voice_has_a_measured_rate():
    """A voice read at the assumed 4.5 characters a second misses --item-seconds: the female
    voices speak 3.7-4.2 with their pauses, so their stories ran 33-39 s for 30."""
    from briefing.speak.kokoro import voice_lang

    shipped = [p.stem for p in (ROOT / "voices" / "kokoro").glob("*.bin") if voice_lang(p.stem) == "zh-CN"]
    assert len(shipped) >= 2
    for voice in shipped:
        assert 3.0 <= SPEAKING_RATES[("kokoro", voice)] <= 5.5, voice


def test_respellings_are_what_the_online_voice_is_given():
    lexicon = {"哪吒": "呢扎", "乐乐": "yue4 yue4"}
    assert respell("电影哪吒和乐乐", lexicon) == "电影呢扎和乐乐"  # pinyin entries are for the offline voice
    assert lexical("电影哪吒上映", "哪吒") == ["ne2", "zha1"]
