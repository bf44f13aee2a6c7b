"""What the offline voice is asked to say: phonemes for Mandarin and English, long-text cuts."""

from __future__ import annotations

import jieba
import pytest

from briefing.speak.kokoro import _vocab
from briefing.speak.phonemes import MAX_TOKENS, Phonemizer, pieces, tokens

NEWS = "记者从中国国家铁路集团有限公司获悉全国铁路发送旅客突破四亿人次各地铁路部门多措并举在热门方向时段和区间增加运力投放"


@pytest.fixture(scope="module")
def phonemize():
    return Phonemizer()


@pytest.fixture(scope="module")
def vocab():
    return _vocab()


def test_mandarin_becomes_tone_marked_phonemes_the_model_knows(phonemize, vocab):
    phonemes = phonemize("科技创新中蕴含巨大的价值。", "zh")
    assert set(phonemes) <= set(vocab)
    assert any(tone in phonemes for tone in "→↗↓↘")


def test_numbers_in_mandarin_are_read_as_words(phonemize):
    assert phonemize("2月14日", "zh") == phonemize("二月十四日", "zh")
    assert phonemize("4.13亿", "zh") == phonemize("四点一三亿", "zh")
    too_long = phonemize("12345678901234567890", "zh")  # past cn2an's 16 digits: digit by digit
    assert too_long == phonemize("一二三四五六七八九零一二三四五六七八九零", "zh")


def test_latin_words_in_mandarin_are_spoken_in_english_and_acronyms_letter_by_letter(phonemize, vocab):
    mixed = phonemize("AI来煤矿值班", "zh")
    assert mixed.startswith("ei→ ai↘ ")  # Mandarin letter names (issue 15), not the English word path
    assert set(mixed) <= set(vocab)
    deepseek = phonemize("DeepSeek推出大模型", "zh")
    assert set(deepseek) <= set(vocab) | {"❓"} and "❓" not in deepseek
    assert phonemize("DeepSeek", "en") in deepseek


def test_a_character_without_a_reading_is_skipped_not_fatal(phonemize):
    assert phonemize("兙兡的单位很少见。", "zh") == phonemize("的单位很少见。", "zh")


def test_english_numbers_stay_whole(phonemize):
    assert phonemize("2.5 million", "en") == phonemize("2 point 5 million", "en")
    assert phonemize("2,500 people", "en") == phonemize("2500 people", "en")


def _cut(text, lang, phonemize, vocab, limit=MAX_TOKENS):
    return pieces(text, lang, lambda t: phonemize(t, lang), vocab, limit)


def test_short_sentence_is_one_piece(phonemize, vocab):
    ((text, ids),) = _cut("今天天气很好。", "zh", phonemize, vocab)
    assert text == "今天天气很好。" and ids == tokens(phonemize(text, "zh"), vocab)


def test_long_sentence_is_cut_at_clause_punctuation(phonemize, vocab):
    clauses = ["全国铁路发送旅客突破四亿人次，", "各地铁路部门多措并举，", "增加运力投放。"]
    cut = _cut("".join(clauses), "zh", phonemize, vocab, limit=80)
    assert "".join(t for t, _ in cut) == "".join(clauses)
    assert all(len(ids) <= 80 for _, ids in cut)
    assert len(cut) == 2 and all(t.endswith(("，", "。")) for t, _ in cut)


def test_ten_thousand_characters_of_mandarin_without_punctuation(phonemize, vocab):
    text = (NEWS * 200)[:10000]
    cut = _cut(text, "zh", phonemize, vocab)
    assert "".join(t for t, _ in cut) == text
    assert all(0 < len(ids) <= MAX_TOKENS for _, ids in cut)
    assert len(cut) <= 2 * sum(len(ids) for _, ids in cut) / MAX_TOKENS
    word_ends = set()
    position = 0
    for word in jieba.lcut(text):
        position += len(word)
        word_ends.add(position)
    position = 0
    for piece, _ in cut[:-1]:
        position += len(piece)
        assert position in word_ends, f"cut inside a word at {position}"


def test_ten_thousand_characters_of_english_without_punctuation(phonemize, vocab):
    text = ("the library opened a reading room that stays open around the clock " * 150)[:10000].strip()
    cut = _cut(text, "en", phonemize, vocab)
    assert "".join(t for t, _ in cut) == text
    assert all(0 < len(ids) <= MAX_TOKENS for _, ids in cut)
    assert all(t.endswith(" ") for t, _ in cut[:-1])


def test_one_endless_word_is_cut_anyway(phonemize, vocab):
    cut = _cut("a" * 5000, "en", phonemize, vocab)
    assert cut and all(len(ids) <= MAX_TOKENS for _, ids in cut)
