"""How many clause marks (，、；： inside a sentence) of the sample bulletin get an audible pause.

Speaks the sample page's script (opening, stories, closing, as a build with --engine kokoro
prepares them) with the offline Mandarin voice, call by call as the speak stage does, and for
every clause mark inside a sentence measures the longest silence (10 ms steps 50 dB below the
call's peak) around it: as the model spoke it ("model") and in the audio the voice returns, with
the silence briefing.speak.kokoro splices in ("briefing"). One synthesis of the whole script.

    python tools/measure_pauses.py [--item-seconds 30] [--voice zm_yunxi] [--threshold 0.15] [--list]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "xinhua-2025-02-15.txt"


def script_groups(item_seconds: float) -> list[tuple[str, list[str]]]:
    """(label, spoken sentences) of each group the speak stage synthesizes in one request."""
    from briefing.context import Context, LogProgress
    from briefing.pipeline import LEADS, READ, SCRIPT, SELECT
    from briefing.settings import Settings

    ctx = Context(Settings.make(engine="kokoro", item_seconds=item_seconds, date=dt.date(2025, 2, 15)),
                  LogProgress())
    value: object = [str(SAMPLE)]
    for stage in (READ, SELECT, LEADS, SCRIPT):
        value = stage.run(value, ctx)
    script = value
    groups: dict[int | None, list[str]] = {}
    for segment in script.segments:  # type: ignore[attr-defined]
        if segment.lang == "zh":
            groups.setdefault(segment.item, []).extend(s.spoken for s in segment.sentences if s.spoken.strip())
    return [("opening/closing" if item is None else f"story {item + 1}", sentences)
            for item, sentences in groups.items()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--item-seconds", type=float, default=30.0)
    parser.add_argument("--voice", default="zm_yunxi")
    parser.add_argument("--threshold", type=float, default=0.15, help="seconds of silence that count as a pause")
    parser.add_argument("--list", action="store_true", help="print every mark's silence")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from briefing.speak.kokoro import (
        SAMPLE_RATE,
        KokoroEngine,
        load_runtime,
        longest_silence,
    )

    if not load_runtime().durations:
        print("the onnx package is not installed: no durations, no clause marks to find", file=sys.stderr)
        return 1
    engine = KokoroEngine()
    total = model_hits = our_hits = 0
    added = audio_seconds = 0.0
    for label, sentences in script_groups(args.item_seconds):
        marks = before = after = 0
        for _call, spoken in engine.spoken_calls(sentences, args.voice, "zh", "+0%"):
            audio_seconds += spoken.audio.size / SAMPLE_RATE
            for mark in spoken.marks:
                heard = longest_silence(spoken.audio, mark.low, mark.high)[1] / SAMPLE_RATE
                marks += 1
                before += mark.silence >= args.threshold
                after += heard >= args.threshold
                added += mark.added
                if args.list:
                    print(f"  {label}: model {mark.silence:.2f} s, briefing {heard:.2f} s (+{mark.added:.2f})")
        print(f"{label}: {marks} clause marks; pause >= {args.threshold:g} s: model {before}, briefing {after}")
        total, model_hits, our_hits = total + marks, model_hits + before, our_hits + after
    print(f"clause marks with a pause >= {args.threshold:g} s: model alone {model_hits}/{total}, "
          f"briefing {our_hits}/{total}; silence added {added:.1f} s to {audio_seconds:.1f} s of speech")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
