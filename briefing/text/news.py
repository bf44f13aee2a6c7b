"""The patterns of news copy: agencies, dates, datelines and the reporters bracket.

One definition of each, shared by the page reader (briefing/read/shapes.py), which tells a
dateline or byline line from the text, and the leads' guard (briefing/leads/clean.py), which
takes them off a paragraph before it is read aloud. Each is regex source to put inside a
larger pattern (they hold no anchors and no named groups); they match simplified characters
(the reader maps traditional ones first).
"""

from __future__ import annotations

from .script import HAN_RANGES

# A news agency or paper: 新华社, 本报, 中新社, 人民日报, 济宁日报, 人民网, 中新网, 央视网 ...
AGENCY = r"(?:本报|新华社|中新社|[^\s，。,、（）()]{1,10}?(?:社|报|台|网))"

# A day of a month: 2月15日. With its year, spaces allowed: 2020年5月22日, 2020 年 5 月 22 日.
MONTH_DAY = r"\d{1,2}月\d{1,2}日"
FULL_DATE = r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"

# A bracket naming reporters by their role: (记者 樊曦), （本报记者 刘欢、周文其）, （通讯员 李四）.
REPORTERS = r"[（(][^（）()]{0,80}?(?:记者|通讯员|实习生|特约|撰稿)[^（）()]{0,80}[）)]"
# Right after a dateline a bracket of names alone is the reporters too: 新华社北京2月15日电（丁一、宋二）.
# Elsewhere it is not (（十二） and （上海） are not reporters), so only this follows a dateline.
DATELINE_REPORTERS = rf"(?:{REPORTERS}|[（(](?:[{HAN_RANGES}·]{{2,5}}[、\s]*){{1,6}}[）)])"

# The dateline: 新华社北京2月15日电, 本报北京2月25日电, 中新网2月15日电, 据新华社华盛顿2月14日电 (a place
# of up to 12 characters, a year in it allowed), 本报讯, 新华社电 (undated ones only from a 社 or 报,
# before a space or bracket: 海上风电项目并网发电 is a headline), 本报记者 张三 李四报道.
DATELINE = (rf"(?:据)?{AGENCY}[^\s，。,；;（）()]{{0,12}}?{MONTH_DAY}(?:电|讯)"
            rf"|(?:据)?(?:本报|[{HAN_RANGES}]{{1,6}}(?:社|报))[{HAN_RANGES}]{{0,4}}?(?:电|讯)(?=[\s（(【）)]|$)"
            rf"|本报(?:特约)?记者\s*(?:[{HAN_RANGES}](?:\s?[{HAN_RANGES}]){{1,3}}[、\s]*){{1,4}}\s*(?<!摄影)报道")
