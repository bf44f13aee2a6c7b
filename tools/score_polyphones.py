"""Polyphone accuracy of `briefing pronounce --json` on a CPP-style split (sentences + labels).

Each line of SENT marks one character with U+2581 on both sides; the same line of LABELS is its
pinyin with a tone digit (5 = neutral). The markers are removed, all lines go through one
`briefing pronounce --json` process, and the marked characters' lexical readings are compared.

    python tools/score_polyphones.py /work/shared/eval/polyphones/dev.sent /work/shared/eval/polyphones/dev.lb
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

MARK = "\u2581"


def normal(syllable: str | None) -> str:
    return (syllable or "").strip().lower().replace("u:", "ü").replace("v", "ü")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sentences", type=Path)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong characters by count")
    args = parser.parse_args()
    marked = args.sentences.read_text("utf-8").splitlines()
    labels = args.labels.read_text("utf-8").split()
    lines = [m.replace(MARK, "") for m in marked]
    targets = [m.index(MARK) for m in marked]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "briefing", "pronounce", "--json"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    readings = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(readings) == len(lines), f"{len(readings)} readings for {len(lines)} lines"
    wrong: Counter[str] = Counter()
    right = 0
    for reading, target, label in zip(readings, targets, labels):
        if normal(reading["pinyin"][target]) == normal(label):
            right += 1
        else:
            wrong[reading["text"][target]] += 1
    print(f"{right}/{len(lines)} marked characters right: {100 * right / len(lines):.2f} %; "
          f"{seconds:.1f} s for {len(lines)} lines (whole command, models loaded once)")
    if args.errors:
        print("most wrong:", " ".join(f"{c}:{n}" for c, n in wrong.most_common(args.errors)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
