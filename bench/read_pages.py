#!/usr/bin/env python3
"""Benchmark the newspaper page reader on very large pages (a script, not a test).

    .venv/bin/python bench/read_pages.py

Pages are generated from the project's own sample page (data/xinhua-2025-02-15.txt),
its lines recombined:
  big      the sample's articles repeated, shuffled in article order, up to ~20 MB
           (just under the 20 MiB input limit)
  short    2,000 short lines (pieces of the sample's sentences, 6-20 characters)
  glued    the same 2,000 short lines with no blank line between them
  wrapped  the sample's paragraphs hard-wrapped every 30 characters, repeated to ~2 MB
Each page is read with read_document (decoding included) and its wall-clock time printed
(with the CPU time, which other processes on the machine do not inflate); the goal is
under 10 s for each. The last line is: bench: big_s=W short_s=X glued_s=Y wrapped_s=Z
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.read import read_document

SAMPLE = ROOT / "data" / "xinhua-2025-02-15.txt"
BIG_BYTES = 20_000_000
GOAL_S = 10.0


def _sample_blocks() -> list[str]:
    return [b.strip() for b in re.split(r"\n\s*\n", SAMPLE.read_text(encoding="utf-8")) if b.strip()]


def big_page(rng: random.Random) -> str:
    blocks = _sample_blocks()
    out: list[str] = []
    size = 0
    while size < BIG_BYTES:
        start = rng.randrange(len(blocks))
        piece = "\n\n".join(blocks[start:] + blocks[:start])
        out.append(piece)
        size += len(piece.encode("utf-8")) + 2
    text = "\n\n".join(out)
    return text.encode("utf-8")[:BIG_BYTES].decode("utf-8", errors="ignore")


def short_lines_page(rng: random.Random, count: int = 2000, separator: str = "\n\n") -> str:
    sentences = [s for b in _sample_blocks() for s in re.split(r"(?<=[。！？])", b) if len(s) >= 6]
    lines = []
    while len(lines) < count:
        sentence = rng.choice(sentences)
        cut = rng.randint(6, 20)
        lines.append(sentence[:cut])
    return separator.join(lines) + "\n"


def wrapped_page(rng: random.Random, size: int = 2_000_000) -> str:
    blocks = [("\n".join(textwrap.wrap(b, 30)) if len(b) > 40 else b) for b in _sample_blocks()]
    out, total = [], 0
    while total < size:
        rng.shuffle(blocks)
        piece = "\n\n".join(blocks)
        out.append(piece)
        total += len(piece.encode("utf-8"))
    return "\n\n".join(out)


def timed_read(text: str, folder: Path, name: str) -> tuple[float, float, int, int]:
    """Wall-clock and CPU seconds of reading the page, its articles and its size in bytes."""
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    started, cpu_started = time.perf_counter(), time.process_time()
    articles = read_document(str(path))
    return time.perf_counter() - started, time.process_time() - cpu_started, len(articles), path.stat().st_size


def main() -> int:
    rng = random.Random(15)
    read_document(str(SAMPLE))  # load the word segmenter's dictionary once, outside the timings
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        pages = (("big", big_page), ("short", short_lines_page),
                 ("glued", lambda rng: short_lines_page(rng, separator="\n")), ("wrapped", wrapped_page))
        for name, make in pages:
            seconds, cpu, articles, size = timed_read(make(rng), Path(tmp), name)
            figures[name] = seconds
            status = "ok" if seconds < GOAL_S else "TOO SLOW"
            print(f"{name:8s} {size / 1e6:6.2f} MB  {articles:6d} articles  {seconds:6.2f} s  (CPU {cpu:5.2f} s)  {status}")
    print("bench: " + " ".join(f"{k}_s={v:.2f}" for k, v in figures.items()))
    return 0 if all(v < GOAL_S for v in figures.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
