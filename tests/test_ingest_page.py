"""The newspaper page reader: the sample page, pages written for these tests, re-encoded copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLE_PAGE, run_cli

from briefing.read import read_document
from briefing.read.shapes import (
    byline_text,
    is_caption,
    is_heading_like,
    is_photo_credit,
    split_dateline,
)

PAGES = Path(__file__).parent / "fixtures" / "pages"

SAMPLE_HEADS = [  # title, byline, dateline
    ("“创新链”遇见“产业链”", "新华社记者 严赋憬 宋晨 魏弘毅", "新华社北京2月15日电"),
    ("全国铁路春运发送旅客突破4亿人次", None, "新华社北京2月15日电(记者 樊曦)"),
    ("《哪吒2》登陆北美 上映首日场面火爆", None, "新华社洛杉矶2月14日电(记者 高山 谭晶晶)"),
    ("AI来煤矿“值班”", "新华社记者 王劲玉", "新华社太原2月15日电"),
    ("加快科技成果转化 壮大新质生产力", "新华社记者 周圆 魏弘毅", "新华社北京2月15日电"),
    ("忙忙忙!", "济宁日报全媒体记者 胡碧源 通讯员 刘畅 张立楠", None),
]


def _heads(articles):
    return [(a.title, a.byline, a.dateline) for a in articles]


def _body(articles) -> str:
    return "\n".join(p for a in articles for p in a.paragraphs)


def test_sample_page_reads_as_its_six_articles():
    articles = read_document(str(SAMPLE_PAGE))
    assert _heads(articles) == SAMPLE_HEADS
    first, railway = articles[0], articles[1]
    assert first.subtitle == "科技成果转化推动新质生产力加速发展" and first.kicker is None  # 新华全媒头条 is a label
    assert articles[3].kicker == "山西太原"
    assert "打造产学研深度融合新范式" in first.paragraphs  # subheads stay, as paragraphs
    assert railway.paragraphs[0].startswith("记者15日从中国国家铁路集团")  # the dateline is off the text
    assert all(a.lang == "zh" for a in articles)


def test_sample_page_captions_and_furniture_are_not_text():
    body = _body(read_document(str(SAMPLE_PAGE)))
    for not_text in ("2025年1月24日", "平安发送旅客", "新华社发", "新华全媒头条", "新华时评", "■"):
        assert not_text not in body


def test_sample_page_column_breaks_are_joined():
    paragraphs = [p for a in read_document(str(SAMPLE_PAGE)) for p in a.paragraphs]
    assert any("需要改革向纵深推进。" in p for p in paragraphs)  # 纵|深 split across the break
    assert any("从实验室走向生产线、走向市场" in p for p in paragraphs)  # 生产|线
    assert any("还获得科研经费1000余万元" in p for p in paragraphs)
    assert not any(p.endswith(("向纵", "生产", "科研")) for p in paragraphs)


@pytest.mark.parametrize("encoding,newline", [("gb18030", "\n"), ("utf-8-sig", "\n"), ("utf-8", "\r\n"),
                                              ("gb18030", "\r\n"), ("utf-8-sig", "\r\n")])
def test_sample_page_reencoded_gives_the_same_articles(tmp_path, encoding, newline):
    text = SAMPLE_PAGE.read_text(encoding="utf-8")
    copy = tmp_path / "page.txt"
    copy.write_bytes(text.replace("\n", newline).encode(encoding))
    original = [a.to_json() | {"source": None, "id": None} for a in read_document(str(SAMPLE_PAGE))]
    again = [a.to_json() | {"source": None, "id": None} for a in read_document(str(copy))]
    assert len(again) == 6
    assert again == original


def test_gb18030_is_detected_and_reported_with_debug(tmp_path):
    copy = tmp_path / "page-gb.txt"
    copy.write_bytes(SAMPLE_PAGE.read_text(encoding="utf-8").encode("gb18030"))
    result = run_cli("--debug", "articles", copy)
    assert result.exit_code == 0
    assert "encoding gb18030" in result.stderr
    assert "“创新链”遇见“产业链”" in result.stdout


def test_articles_json_has_the_fields_of_the_issue():
    result = run_cli("articles", PAGES / "agency-flat.txt", "--json")
    assert result.exit_code == 0
    first = json.loads(result.stdout)[0]
    assert {"title", "kicker", "subtitle", "byline", "dateline", "paragraphs", "lang"} <= set(first)


def test_indented_daily_page():
    articles = read_document(str(PAGES / "daily-indented.txt"))
    assert [a.title for a in articles] == ["老街区里的新书店", "农资供应充足 农机调度到位", "一条山路的十年",
                                           "我市新开通三条公交线路", "社区食堂办到家门口"]
    bookshop, farming, postman, buses, canteen = articles
    assert bookshop.kicker is None  # 城市观察 is the column's label
    assert bookshop.paragraphs[1].endswith("谁都可以进来歇歇脚、看看书，不一定非要买什么。”")
    assert bookshop.paragraphs[2] == "书香飘进老街坊"  # an indented subhead
    assert farming.kicker == "全省春耕备耕工作会议召开"
    assert farming.dateline == "本报南昌3月1日电（记者 林海 陈静）"
    assert farming.paragraphs[1].endswith("一百二十万吨，农机具检修完成率超过九成。")  # label in the break
    assert postman.subtitle == "记山区邮递员王建国" and postman.byline == "本报记者 赵 雪"
    assert len(postman.paragraphs) == 3
    assert buses.subtitle == "12个小区居民出行更方便" and buses.dateline == "本报讯（记者 孙明）"
    assert canteen.paragraphs[-1].endswith("送餐上门服务。")
    body = _body(articles)
    for not_text in ("星期六", "06 社会", "新闻速览", "邮递员王建国在山路上投递邮件", "摄", "本报记者 孙明 李娜",
                     "责任编辑", "民生一线"):
        assert not_text not in body


def test_flat_agency_page():
    articles = read_document(str(PAGES / "agency-flat.txt"))
    assert _heads(articles) == [
        ("“小菜园”长出“大产业”", "新华社记者 刘洋 张帆", "新华社长沙3月1日电"),
        ("海上风电项目并网发电", None, "新华社福州3月1日电（记者 陈晨）"),
        ("竹林里的“绿色银行”", "新华社记者 王敏", "新华社杭州3月1日电"),
    ]
    village = articles[0]
    assert village.kicker is None and village.subtitle == "一个山村的振兴之路"
    assert "冷链物流打通最后一公里" in village.paragraphs
    assert any(p.startswith("加快产业升级，推动产业向纵深发展，县里") for p in village.paragraphs)
    assert any(p.endswith("就近就业，人均年收入比五年前翻了一番。") for p in village.paragraphs)
    assert articles[2].kicker == "浙江湖州"
    body = _body(articles)
    assert "采摘草莓。" not in body.replace("正忙着采摘草莓、", "") and "丰收时节" not in body


def test_big5_article(tmp_path):
    articles = read_document(str(PAGES / "big5-article.txt"))
    assert [(a.title, a.subtitle, a.byline) for a in articles] == [("臺北舉辦城市書展", "市民週末湧入會場", "本報記者 林怡君")]
    assert articles[0].paragraphs[0].startswith("為期五天的臺北城市書展")


def test_english_plain_text_with_wrapped_lines(tmp_path):
    text = ("Harbour ferry returns after repairs\n\n"
            "The harbour ferry returned to service on Monday after three months of\n"
            "repairs, carrying more than 600 passengers on its first day.\n\n"
            "The operator said timetables would stay as before.\n")
    path = tmp_path / "ferry.txt"
    path.write_text(text, encoding="utf-8")
    [article] = read_document(str(path))
    assert article.title == "Harbour ferry returns after repairs" and article.lang == "en"
    assert article.paragraphs == [("The harbour ferry returned to service on Monday after three months of repairs, "
                                  "carrying more than 600 passengers on its first day."),
                                  "The operator said timetables would stay as before."]


@pytest.mark.parametrize("line,expected", [
    ("■新华社记者 严赋憬 宋晨", "新华社记者 严赋憬 宋晨"),
    ("本报记者 邱超奕", "本报记者 邱超奕"),
    ("本報記者 林怡君", "本報記者 林怡君"),
    ("钟 声", "钟 声"),
    ("记者手记", None),
    ("记者注意到一种新职业", None),
    ("■新华社记者 李贺 摄", None),
])
def test_bylines(line, expected):
    assert byline_text(line) == expected


@pytest.mark.parametrize("paragraph,expected", [
    ("新华社北京2月15日电(记者 樊曦)记者15日从", ("新华社北京2月15日电(记者 樊曦)", "记者15日从")),
    ("新华社北京5月21日电 （记者刘欢、周文其）十三届", ("新华社北京5月21日电 （记者刘欢、周文其）", "十三届")),
    ("本报讯（记者 张三）日前，", ("本报讯（记者 张三）", "日前，")),
    ("新华社武汉2月25日电在抗击疫情战场上", ("新华社武汉2月25日电", "在抗击疫情战场上")),
    ("海上风电项目并网发电 正文", None),
    ("国家电网公司供电服务热线", None),
])
def test_datelines(paragraph, expected):
    assert split_dateline(paragraph) == expected


def test_line_shapes():
    assert is_photo_credit("本报记者 李 舸摄") and is_photo_credit("新华社发 曹一作")
    assert not is_photo_credit("如何拍摄")
    assert is_caption("平安发送旅客 ■新华社发 曹一作", 1, False)
    assert is_caption("2025年1月24日,机器人在户外奔跑。", 1, False)
    assert not is_caption("2025年1月24日,机器人在户外奔跑。随后，工程师们记录下了数据，准备下一轮测试。" * 2, 1, False)
    assert is_heading_like("“创新链”遇见“产业链”") and is_heading_like("——科技成果转化推动新质生产力加速发展")
    assert not is_heading_like("“4月份我们要参加北京亦庄的半程马拉松比赛!”")
