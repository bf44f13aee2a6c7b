"""Speaking rate and per-story durations of a built episode (OUT/episodes/*.srt + *.chapters.json).

Rate: Mandarin characters (as spoken: numbers in words) per second of cue time, the unit the lead
budget (briefing.leads.summarize.speaking_seconds) counts, and per second of the stories' chapters
(the pauses between sentences included: what SPEAKING_RATES holds); stories: each chapter's length.

    python tools/measure_pace.py OUT [--item-seconds 30]
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from briefing.text.speakable import speakable

_CUE = re.compile(r"(\d+):(\d+):(\d+),(\d+) --> (\d+):(\d+):(\d+),(\d+)\n(.+?)(?:\n\n|\Z)", re.DOTALL)
_UNIT = re.compile(r"[\u3400-\u9fff]|[A-Za-z]+|\d")


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--item-seconds", type=float, default=30.0)
    args = parser.parse_args()
    episodes = args.out / "episodes"
    srt = next(episodes.glob("*.srt")).read_text("utf-8")
    chapters = json.loads(next(episodes.glob("*.chapters.json")).read_text("utf-8"))["chapters"]
    stories = chapters[1:-1]
    units = seconds = story_units = 0.0
    for cue in _CUE.finditer(srt):
        start, end = _seconds(*cue.groups()[:4]), _seconds(*cue.groups()[4:8])
        count = len(_UNIT.findall(speakable(cue.group(9).strip(), "zh")))
        units += count
        seconds += end - start
        if any(c["startTime"] - 0.01 <= start and end <= c["endTime"] + 0.01 for c in stories):
            story_units += count
    lengths = [c["endTime"] - c["startTime"] for c in stories]
    print(f"speaking rate: {units / seconds:.2f} characters/s over {seconds:.0f} s of cues, "
          f"{story_units / sum(lengths):.2f} over the {sum(lengths):.0f} s of the stories' chapters")
    print(f"stories (--item-seconds {args.item_seconds:g}): " + ", ".join(f"{s:.1f}" for s in lengths)
          + f" s; within +-10 %: {sum(abs(s - args.item_seconds) <= args.item_seconds / 10 for s in lengths)}"
          f"/{len(lengths)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
