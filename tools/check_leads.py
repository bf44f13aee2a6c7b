#!/usr/bin/env python3
"""Check produced leads for what a listener cannot follow.

    python tools/check_leads.py LEADS.json ARTICLES.jsonl [--quiet]

LEADS.json: the output of `briefing leads INPUT --json` (a list of {"id", "lead"}, or an
object with an "items" list). ARTICLES.jsonl (or .json): the articles the leads were made
from, one object a line with "id", "body" (or "paragraphs") and optionally "lang".

Reports each lead holding
- a sentence that is only a speaker tag (苏炳添说。 / 会长X介绍。 / 他如是说。 / he said.),
- a caption or photo label (Pictured: ..., Scam: ..., ", left,", 图为, 图①),
- a picture reference read aloud ((pictured), （资料图）),
- an opening on a subhead, a list marker or a question standing as a section head,
- a quotation mark left unclosed,
then prints the count of each and exits 1 when there is any. Standard library only, and
independent of the project's own detectors, so that it checks them rather than repeats them.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ZH_SPEECH = (r"(?:说|说道|表示|指出|认为|介绍|称|强调|坦言|感慨|感叹|告诉(?:本报)?记者|如是说|如是表示|回忆|解释|补充|透露|"
             r"提到|坦承|笑称|直言|谈道|写道)")
ZH_TAG = re.compile(rf"^[^。！？“”「」]{{1,40}}?{ZH_SPEECH}道?[。！]$")
EN_SPEECH = r"(?:said|says|added|told|explained|continued|insisted|claimed|stated|admitted|warned|wrote|replied)"
EN_TAG = re.compile(rf"^(?:[\w.'’-]+\s+){{0,5}}{EN_SPEECH}(?:\s+[\w.'’-]+){{0,4}}\s*[.!]$", re.IGNORECASE)
EN_LABEL = re.compile(r"^([A-Z][\w'’&-]*(?:\s+[\w'’&-]+){0,3})\s*:\s+\S")
EN_LABEL_IS_SPEECH = re.compile(rf"\b(?:{EN_SPEECH[3:-1]}|I|he|she|they|we|it|is|are|was|were|the|a|an)\b",
                                re.IGNORECASE)
EN_PHOTO_POSITION = re.compile(r",\s*(?:(?:second|third|far)\s+)?(?:left|right|centre|center|above|below)\s*[,.]"
                               r"|\bpictured\s+(?:here|with|left|right|above|below)\b|\b(?:is|are)\s+pictured\b",
                               re.IGNORECASE)
ZH_CAPTION = re.compile(r"^(?:图为|图片为|照片为|上图|下图|左图|右图|图[①②③④⑤⑥⑦⑧⑨1-9][：:]?)"
                        r"|[（(](?:左|右)[一二三四五六七八九1-9][）)]")
PICTURE_ASIDE = re.compile(r"\((?:pictured|left|right|above|below|inset)[^()]{0,30}\)|[（(]资料图片?[）)]",
                           re.IGNORECASE)
LIST_MARKER = re.compile(r"^(?:\d{1,2}\s*[.、．)）]|[（(]\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[）)]"
                         r"|[一二三四五六七八九十]{1,3}\s*[、．]|[①②③④⑤⑥⑦⑧⑨⑩]|[•▪◆●■]|——|[a-z0-9][.)]\s)")
ZH_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[”’」』）)]*|$)")
EN_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
CHECKS = ("speaker tag only", "caption or photo label", "picture reference", "opens on a subhead", "unclosed quote")


def sentences(text: str, lang: str) -> list[str]:
    """The lead's sentences; a speaker tag right after a closing quote belongs to that quote."""
    parts = ZH_SENTENCE.findall(text) if lang == "zh" else EN_SENTENCE.split(text)
    out: list[str] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and out[-1][-1] in "”’」』\"'" and is_speaker_tag(part, lang):
            out[-1] += part if lang == "zh" else " " + part
        else:
            out.append(part)
    return out


def is_speaker_tag(sentence: str, lang: str) -> bool:
    if re.search(r"[“”\"‘’「」]", sentence):
        return False
    return bool(ZH_TAG.match(sentence) if lang == "zh" else EN_TAG.match(sentence))


def is_caption(sentence: str, lang: str) -> bool:
    if lang == "zh":
        return bool(ZH_CAPTION.search(sentence))
    label = EN_LABEL.match(sentence)
    return bool(label and not EN_LABEL_IS_SPEECH.search(label[1])) or bool(EN_PHOTO_POSITION.search(sentence))


def unclosed_quote(lead: str, lang: str) -> bool:
    if lead.count("“") != lead.count("”") or lead.count("「") != lead.count("」"):
        return True
    if lead.count('"') % 2:
        return True
    if lang == "en":
        opening = len(re.findall(r"(?:^|[\s(:—-])['‘](?=\S)", lead))
        closing = len(re.findall(r"(?<=[\w.,!?;:])['’](?=\s|$|[.,;:!?)—-])", lead))
        plural_possessive = len(re.findall(r"\b\w+s'(?=\s)", lead))
        return opening > closing or (closing > opening + plural_possessive)
    return False


def heads(paragraphs: list[str], lang: str) -> set[str]:
    """Paragraphs that stand as subheads: no sentence end, a list marker, or one short question."""
    out = set()
    for paragraph in paragraphs:
        text = paragraph.strip()
        ends = re.search(r"[。！？!?.…][”’」』）)\"']*$", text)
        short = len(text) <= 40 if lang == "zh" else len(text.split()) <= 15
        if short and (not ends or re.search(r"[？?][”’」』\"']*$", text) or LIST_MARKER.match(text)):
            out.add(text)
    return out


def problems(lead: str, paragraphs: list[str], lang: str) -> list[tuple[str, str]]:
    found = []
    parts = sentences(lead, lang)
    for sentence in parts:
        if is_speaker_tag(sentence, lang):
            found.append(("speaker tag only", sentence))
        if is_caption(sentence, lang):
            found.append(("caption or photo label", sentence))
    if PICTURE_ASIDE.search(lead):
        found.append(("picture reference", PICTURE_ASIDE.search(lead)[0]))
    if parts:
        first = parts[0]
        if LIST_MARKER.match(first) or any(first.startswith(h) or h.startswith(first) for h in heads(paragraphs, lang)):
            found.append(("opens on a subhead", first))
    if unclosed_quote(lead, lang):
        found.append(("unclosed quote", lead[:60]))
    return found


def load_articles(path: Path) -> dict[str, dict]:
    text = path.read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()] if path.suffix == ".jsonl" \
        else json.loads(text)
    if isinstance(rows, dict):
        rows = rows.get("articles") or rows.get("items") or [rows]
    return {str(r.get("id")): r for r in rows}


def article_paragraphs(article: dict) -> list[str]:
    if isinstance(article.get("paragraphs"), list):
        return [p for p in article["paragraphs"] if p.strip()]
    return [p for p in str(article.get("body", "")).split("\n") if p.strip()]


def guess_lang(text: str) -> str:
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    return "zh" if cjk > len(text) * 0.2 else "en"


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    leads_path, articles_path = map(Path, args)
    try:
        produced = json.loads(leads_path.read_text(encoding="utf-8"))
        articles = load_articles(articles_path)
    except (OSError, ValueError) as exc:
        print(f"check_leads: error: cannot read the inputs ({exc}); pass the leads JSON and the articles JSONL",
              file=sys.stderr)
        return 2
    items = produced["items"] if isinstance(produced, dict) else produced
    counts: Counter[str] = Counter()
    for item in items:
        lead = item.get("lead") or ""
        article = articles.get(str(item.get("id")), {})
        lang = item.get("lang") or article.get("lang") or guess_lang(lead)
        for check, where in problems(lead, article_paragraphs(article), lang):
            counts[check] += 1
            if "--quiet" not in argv:
                print(f"[{item.get('id')}] {check}: {where}")
    print(f"checked {len(items)} leads: " + ", ".join(f"{check} {counts[check]}" for check in CHECKS))
    return 1 if sum(counts.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
