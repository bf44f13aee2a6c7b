"""One test per layout phenomenon of a newspaper page converted from PDF to text.

Every page here is written for these tests (invented sentences, laid out like a page):
furniture, jump lines, headline blocks, bylines, datelines, captions, column breaks, hard
wraps, subheads, brief boxes, multi-story features, continued articles and closing credits.
"""

from __future__ import annotations

import textwrap

from conftest import run_cli

from briefing.read import page
from briefing.read.source import Document

IN = "\u3000\u3000"  # the indent of a body paragraph on an indented page


def read(*blocks: str) -> list:
    """Read a page given as its printed blocks (a blank line between two blocks)."""
    return page.read(Document(text="\n\n".join(blocks) + "\n", source="page.txt", encoding="utf-8"))


def titles(articles) -> list[str]:
    return [a.title for a in articles]


def body(articles) -> str:
    return "\n".join(p for a in articles for p in a.paragraphs)


def wrapped(text: str, width: int) -> str:
    """A paragraph hard-wrapped every `width` characters, as some PDF converters print it."""
    return "\n".join(textwrap.wrap(text, width))


STORY_A = ["江北新区昨日开通三条社区公交线路，沿线八个小区的居民出行更加方便。",
           "新线路由新能源车辆运营，早晚高峰每十分钟一班，平时每二十分钟一班。"]
STORY_B = ["市图书馆分馆在老城区开放，馆内设有儿童阅读区和自习区。",
           "开放首日，不少家长带着孩子前来办理借书证。"]


def test_furniture_lines_are_neither_text_nor_articles():
    furniture = ["东方日报", "DONGFANG RIBAO", "2024年6月3日 星期一", "第4版", "04 要闻", "A19 科技",
                 "第09版：理论", "要闻 2024年6月3日", "第十二版：国际",
                 "本版责编：周 明 吴小兰 版式设计：陈 静", "图片编辑：林 海"]
    articles = read(*furniture[:6], "社区公交线路开通", *STORY_A, "综合新闻", "图书馆分馆开放",
                    *STORY_B, *furniture[6:])
    assert titles(articles) == ["社区公交线路开通", "图书馆分馆开放"]
    assert articles[0].paragraphs == STORY_A and articles[1].paragraphs == STORY_B
    for line in furniture + ["综合新闻"]:
        assert line not in body(articles)


def test_a_label_printed_in_a_column_break_is_dropped_and_the_halves_joined():
    articles = read("社区公交线路开通", "江北新区昨日开通三条社区公交线路，沿线八个小区的",
                    "国内新闻", "居民出行更加方便。", STORY_A[1])
    assert articles[0].paragraphs == STORY_A


def test_an_editor_credit_printed_in_a_column_break():
    articles = read("社区公交线路开通", "江北新区昨日开通三条社区公交线路，沿线八个小区的",
                    "本版责编：周 明 版式设计：陈 静", "居民出行更加方便。", STORY_A[1])
    assert articles[0].paragraphs == STORY_A


def test_jump_lines_are_furniture_and_end_the_story_here():
    articles = read("图书馆分馆开放", STORY_B[0], "新馆还将举办系列讲座，邀请本地作家", "（下转第三版）",
                    "社区公交线路开通", "（上接第一版）", *STORY_A)
    assert titles(articles) == ["图书馆分馆开放", "社区公交线路开通"]
    assert articles[0].paragraphs == [STORY_B[0], "新馆还将举办系列讲座，邀请本地作家"]
    assert articles[1].paragraphs == STORY_A
    assert "版）" not in body(articles)


def test_a_jump_line_glued_to_the_end_of_a_cut_sentence_is_taken_off():
    articles = read("图书馆分馆开放", STORY_B[0], "新馆还将举办系列讲座，邀请本地作家（下转第十二版）",
                    "社区公交线路开通", *STORY_A)
    assert articles[0].paragraphs[-1] == "新馆还将举办系列讲座，邀请本地作家"
    assert articles[1].paragraphs == STORY_A


def test_kicker_title_and_subtitle_printed_as_one_block():
    articles = read("全市推进老旧小区改造——\n三百个小区换新颜\n——今年将完成全部改造任务",
                    "本报记者 何 平", *STORY_A,
                    "河北某县开展文明创建，推动移风易俗——\n乡村婚礼新风扑面", *STORY_B)
    first, second = articles
    assert (first.kicker, first.title, first.subtitle) == ("全市推进老旧小区改造——", "三百个小区换新颜",
                                                          "今年将完成全部改造任务")
    assert first.byline == "本报记者 何 平"
    assert (second.kicker, second.title) == ("河北某县开展文明创建，推动移风易俗——", "乡村婚礼新风扑面")
    assert second.paragraphs == STORY_B


def test_title_then_subtitle_without_marks():
    articles = read("全省春季植树活动启动\n省领导参加并讲话", *STORY_A,
                    "城乡居民收入稳步增长\n一季度农村居民人均收入同比增长6.5%", *STORY_B)
    assert [(a.title, a.subtitle) for a in articles] == [
        ("全省春季植树活动启动", "省领导参加并讲话"),
        ("城乡居民收入稳步增长", "一季度农村居民人均收入同比增长6.5%")]


def test_a_title_printed_over_two_lines():
    articles = read("市政府召开常务会议研究部署春季防汛与\n城市安全工作", *STORY_A,
                    "城市书房夜间开放，\n你去过吗", *STORY_B,
                    "全省第\n二十三届运动会开幕", "■本报记者 何 平", *STORY_B)
    assert titles(articles) == ["市政府召开常务会议研究部署春季防汛与城市安全工作",
                                "城市书房夜间开放，你去过吗", "全省第二十三届运动会开幕"]


def test_full_width_spaces_inside_a_title():
    articles = read("产业兴旺\u3000乡村振兴", *STORY_A, "种好\u3000\u3000\u3000“致富果”", "本报记者 刘晓雨", *STORY_B)
    assert titles(articles) == ["产业兴旺 乡村振兴", "种好 “致富果”"]


def test_column_tag_in_the_title_is_removed():
    articles = read("让阅读成为一种生活方式（城市观察）", *STORY_B)
    assert titles(articles) == ["让阅读成为一种生活方式"]


def test_column_tag_on_its_own_line_above_the_title():
    articles = read("【晨光时评】", "把好事办到群众心坎上", *STORY_A,
                    "青年论坛", "奋斗的青春最美丽", *STORY_B)
    assert titles(articles) == ["把好事办到群众心坎上", "奋斗的青春最美丽"]
    assert "晨光时评" not in body(articles) and "青年论坛" not in body(articles)


def test_titles_with_neither_byline_nor_dateline():
    essay = ["读书是一件需要耐心的事。", "慢慢读，才能读出滋味。"]
    articles = read("社区公交线路开通", "■本报记者 方 远", *STORY_A, "（方 远）",
                    "在书页间与时光对话", *essay, "（作者为某大学中文系教授）",
                    "图书馆分馆开放", *STORY_B)
    assert titles(articles) == ["社区公交线路开通", "在书页间与时光对话", "图书馆分馆开放"]
    assert articles[1].paragraphs == essay and articles[1].byline is None and articles[1].dateline is None


def test_bylines_with_and_without_a_bullet():
    articles = read("社区公交线路开通", "■本报记者 方 远 李 想", *STORY_A,
                    "图书馆分馆开放", "本报记者 刘晓雨", *STORY_B)
    assert [a.byline for a in articles] == ["本报记者 方 远 李 想", "本报记者 刘晓雨"]
    assert articles[0].paragraphs == STORY_A and articles[1].paragraphs == STORY_B


def test_bare_names_as_a_byline():
    articles = read("社区公交线路开通", "张文华 李 明", *STORY_A)
    assert articles[0].byline == "张文华 李 明" and articles[0].paragraphs == STORY_A


def test_a_pen_name_as_a_byline():
    articles = read("共同守护蓝色星球", "钟 声", "海洋是人类共同的家园。", "保护海洋需要各国携手。")
    assert articles[0].byline == "钟 声" and articles[0].paragraphs[0] == "海洋是人类共同的家园。"


def test_datelines_opening_the_first_paragraph():
    forms = ["新华社北京6月2日电（记者 王小川）", "新华社广州6月2日电(记者 陈 晨)", "据新华社电",
             "本报电", "本报记者 宋 雨 报道", "本报上海6月2日电"]
    blocks = []
    for n, form in enumerate(forms):
        blocks += [f"第{n + 1}条消息的标题在这里", f"{form} 江北新区昨日开通三条社区公交线路。", STORY_A[1]]
    articles = read(*blocks)
    assert [a.dateline for a in articles] == forms
    assert all(a.paragraphs == ["江北新区昨日开通三条社区公交线路。", STORY_A[1]] for a in articles)


def test_closing_datelines():
    articles = read("社区公交线路开通", *STORY_A, "（新华社北京6月2日电 记者王小川）",
                    "图书馆分馆开放", *STORY_B, "（据新华社电）",
                    "城市书房夜间开放", "城市书房延长开放时间至夜里十点。", "(本报南京6月2日电)")
    assert [a.dateline for a in articles] == ["新华社北京6月2日电 记者王小川", "据新华社电", "本报南京6月2日电"]
    assert articles[0].paragraphs == STORY_A and articles[1].paragraphs == STORY_B


def test_captions_in_their_common_forms_are_not_text():
    captions = ["2024年6月1日，小朋友在图书馆分馆阅读绘本。", "图为新开通的社区公交车驶过江北大桥。",
                "上图：志愿者在站台为乘客指路。", "清晨的江面上，渔船缓缓驶过。 本报记者 林 海摄"]
    articles = read("社区公交线路开通", *STORY_A, captions[0], "本报记者 林 海摄",
                    captions[1], "新华社发", captions[2], "（张 三摄）", captions[3],
                    "图书馆分馆开放", *STORY_B)
    assert titles(articles) == ["社区公交线路开通", "图书馆分馆开放"]
    for caption in captions:
        assert caption[:12] not in body(articles)


def test_a_box_name_over_captions_is_not_an_article():
    articles = read("社区公交线路开通", "■本报记者 方 远", *STORY_A, "图片说明",
                    "上图：乘客在站台候车。", "本报记者 林 海摄", "图书馆分馆开放", "本报记者 刘晓雨", *STORY_B)
    assert titles(articles) == ["社区公交线路开通", "图书馆分馆开放"]
    assert "候车" not in body(articles) and "图片说明" not in body(articles)


def test_a_block_of_captions_with_one_credit():
    articles = read("社区公交线路开通", *STORY_A,
                    "新线路首日运营\n上图：乘客在站台候车。\n下图：司机在发车前检查车辆。\n本报记者 林 海摄",
                    "图书馆分馆开放", "本报记者 刘晓雨", *STORY_B)
    assert titles(articles) == ["社区公交线路开通", "图书馆分馆开放"]
    assert "候车" not in body(articles) and "新线路首日运营" not in body(articles)


def test_a_caption_without_date_with_its_credit_on_the_next_line():
    articles = read("社区公交线路开通", STORY_A[0],
                    "老城区的街巷里，新能源公交车穿行而过。\n李 明摄（城市视觉）", STORY_A[1])
    assert articles[0].paragraphs == STORY_A


def test_a_caption_dropped_between_two_paragraphs_of_another_article():
    articles = read("社区公交线路开通", "江北新区昨日开通三条社区公交线路，沿线八个小区的",
                    "2024年6月1日，读者在图书馆分馆借阅图书。", "新华社记者 王 磊摄",
                    "居民出行更加方便。", STORY_A[1])
    assert articles[0].paragraphs == STORY_A


def test_a_paragraph_broken_mid_sentence_across_a_column():
    articles = read("社区公交线路开通", IN + "江北新区昨日开通三条社区公交线路，沿线八个小区的居",
                    "民出行更加方便。", IN + STORY_A[1],
                    "图书馆分馆开放", IN + "市图书馆分馆在老城区开放，馆内设有",
                    "儿童阅读区和自习区。", IN + STORY_B[1])
    assert articles[0].paragraphs == STORY_A and articles[1].paragraphs == STORY_B


def test_hard_wrapped_paragraphs_are_joined():
    long_a = STORY_A[0] * 3
    long_b = STORY_B[0] * 3
    for width in (20, 28, 40):
        articles = read("社区公交线路开通", wrapped(long_a, width), wrapped(STORY_A[1] * 2, width),
                        "图书馆分馆开放", "■本报记者 刘晓雨", wrapped(long_b, width), wrapped(STORY_B[1] * 3, width))
        assert titles(articles) == ["社区公交线路开通", "图书馆分馆开放"], width
        assert articles[0].paragraphs == [long_a, STORY_A[1] * 2], width
        assert articles[1].paragraphs == [long_b, STORY_B[1] * 3], width


def test_hard_wrapped_paragraphs_without_blank_lines_start_at_their_indent():
    lines = ["社区公交线路开通"]
    for paragraph in (STORY_A[0] * 2, STORY_A[1] * 2, STORY_B[0] * 2):
        wrapped_lines = textwrap.wrap(paragraph, 24)
        lines += [IN + wrapped_lines[0], *wrapped_lines[1:]]
    articles = read("\n".join(lines))
    assert articles[0].paragraphs == [STORY_A[0] * 2, STORY_A[1] * 2, STORY_B[0] * 2]


def test_numbered_subheads_belong_to_the_article():
    subheads = ["一、总体要求", "（二）主要任务", "3.保障措施"]
    for indent in (IN, ""):  # pages with and without paragraph indents
        articles = read("关于推进社区公交建设的实施意见", indent + "新华社北京6月2日电 " + STORY_A[0],
                        indent + subheads[0], indent + STORY_A[1], indent + subheads[1], indent + STORY_B[0],
                        indent + subheads[2], indent + STORY_B[1])
        assert len(articles) == 1
        assert articles[0].dateline == "新华社北京6月2日电"
        assert articles[0].paragraphs == [STORY_A[0], subheads[0], STORY_A[1], subheads[1], STORY_B[0],
                                          subheads[2], STORY_B[1]]


def test_a_box_of_briefs_is_split_into_its_items():
    articles = read("社区公交线路开通", "本报记者 刘晓雨", *STORY_A, "新闻速递",
                    "首批智能充电桩投用", "本报电 江北新区首批智能充电桩日前投入使用。", "（周 明）",
                    "气象卫星传回首批图像", "本报电 新发射的气象卫星传回首批云图。", "（吴小兰）")
    assert titles(articles) == ["社区公交线路开通", "首批智能充电桩投用", "气象卫星传回首批图像"]
    assert [a.dateline for a in articles[1:]] == ["本报电", "本报电"]
    assert articles[2].paragraphs == ["新发射的气象卫星传回首批云图。"]
    assert "新闻速递" not in body(articles) and "周 明" not in body(articles)


def test_a_multi_story_feature_is_split_into_its_stories():
    articles = read("走基层·夏日里的坚守", "江上护航\u3000守护平安", "本报记者 何 平", *STORY_A,
                    "书香满城\u3000夜读正酣", "本报记者 刘晓雨", *STORY_B)
    assert titles(articles) == ["江上护航 守护平安", "书香满城 夜读正酣"]
    assert [a.byline for a in articles] == ["本报记者 何 平", "本报记者 刘晓雨"]
    assert "走基层" not in body(articles)


def test_an_article_continued_from_another_page_holds_what_is_printed_here():
    articles = read("第2版", "社区公交线路开通", "（上接第一版）", "民出行更加方便。", STORY_A[1],
                    "图书馆分馆开放", "本报记者 刘晓雨", *STORY_B)
    assert titles(articles) == ["社区公交线路开通", "图书馆分馆开放"]
    assert articles[0].paragraphs == ["民出行更加方便。", STORY_A[1]]


def test_closing_credits_are_not_paragraphs():
    articles = read("社区公交线路开通", *STORY_A, "（本报记者 方远、李想）",
                    "在书页间与时光对话", "读书是一件需要耐心的事。", "（作者为某大学中文系教授）",
                    "图书馆分馆开放", *STORY_B, "（刘晓雨）")
    assert titles(articles) == ["社区公交线路开通", "在书页间与时光对话", "图书馆分馆开放"]
    assert articles[0].paragraphs == STORY_A and articles[2].paragraphs == STORY_B
    assert "作者为" not in body(articles) and "本报记者" not in body(articles)


def test_debug_shows_each_line_kind_and_why(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("\n\n".join(["第4版", "社区公交线路开通", "■本报记者 方 远", *STORY_A]) + "\n", encoding="utf-8")
    result = run_cli("--debug", "articles", path)
    assert result.exit_code == 0
    assert "line 1 furniture: date or page line | 第4版" in result.stderr
    assert "line 5 byline: byline shape | ■本报记者 方 远" in result.stderr  # numbered as in the file
    assert "line 7 body: running text" in result.stderr
