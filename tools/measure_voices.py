#!/usr/bin/env python3
"""Developer tool: how intelligible and how native each offline voice sounds.

Not part of the product, and the product does not depend on what it uses. It runs in two
interpreters:

1. the project's venv speaks the leads of the sample inputs with each Kokoro voice
   (through briefing's own KokoroEngine and text preparation) into WAV files;
2. the Whisper judge's venv (shared/tools/intelligibility, faster-whisper) scores them:
   CER (Mandarin) or WER (English) against the text each voice was asked to say, pooled
   over the leads, and Whisper's language-ID probability of Mandarin, P(zh), averaged
   over the voiced 1-second windows of the audio (a proxy for a native-sounding voice).

    cd WORKTREE && /tmp/dev/bin/python tools/measure_voices.py \
        --zh zm_yunxi,zf_xiaoxiao,zf_xiaobei,jm_kumo --en af_heart,am_michael \
        --pack-dir /tmp/kjs/package/voices      # packs not shipped, e.g. from `npm pack kokoro-js`

Prints a Markdown table; per-lead results go to WORK/results.jsonl as they come.
A finished run can be reported again with --report WORK/results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = {"zh": ROOT / "data" / "xinhua-2025-02-15.txt", "en": ROOT / "data" / "english-sample.md"}
SENTENCE_GAP = 0.3  # seconds between sentences in a lead's WAV
WINDOW = 16000  # 1 s at the judge's 16 kHz
SILENT_DB = -40.0  # windows quieter than this (RMS dBFS) are left out of the language ID


# -------------------------------------------------------------- phase 1: speak (project venv)

def leads(lang: str) -> list[dict]:
    from briefing.context import Context, LogProgress
    from briefing.leads import write_leads
    from briefing.read import read_articles
    from briefing.settings import Settings
    from briefing.text.sentences import split_sentences
    from briefing.text.speakable import speakable

    ctx = Context(Settings(), LogProgress())
    items = write_leads(read_articles([str(SAMPLES[lang])], ctx), ctx)
    out = []
    for item in items:
        spoken = [speakable(s, item.lang) for s in split_sentences(item.lead, item.lang)]
        spoken = [s for s in spoken if s]
        out.append({"id": item.id, "lang": item.lang, "sentences": spoken,
                    "ref": ("" if item.lang == "zh" else " ").join(spoken)})
    return out


def speak(voices: dict[str, list[str]], pack_dirs: list[str], work: Path, limit: int | None,
          rate: str) -> list[dict]:
    import numpy as np
    from scipy.io import wavfile

    sys.path.insert(0, str(ROOT))
    from briefing.speak.kokoro import SAMPLE_RATE, KokoroEngine

    engine = KokoroEngine(pack_dirs=pack_dirs)
    jobs = []
    for lang, names in voices.items():
        texts = leads(lang)[:limit] if names else []
        for voice in names:
            for lead in texts:
                t0 = time.perf_counter()
                clip = engine.synthesize(lead["sentences"], voice, lead["lang"], rate)
                seconds = time.perf_counter() - t0
                gap = np.zeros(int(SENTENCE_GAP * SAMPLE_RATE), np.float32)
                audio = np.concatenate([part for a in clip.sentences for part in (a, gap)])
                wav = work / f"{voice}-{lead['id']}.wav"
                wavfile.write(wav, SAMPLE_RATE, (np.clip(audio, -1, 1) * 32767).astype(np.int16))
                jobs.append({"voice": voice, "lang": lang, "lead": lead["id"], "wav": str(wav), "ref": lead["ref"],
                             "audio_s": round(audio.size / SAMPLE_RATE, 2), "synth_s": round(seconds, 2)})
                print(f"spoke {wav.name}: {audio.size / SAMPLE_RATE:.1f} s of audio in {seconds:.1f} s",
                      file=sys.stderr, flush=True)
    return jobs


# -------------------------------------------------------------- phase 2: judge (judge venv)

def judge(jobs_file: Path, judge_dir: Path) -> None:
    import numpy as np
    from faster_whisper.audio import decode_audio

    sys.path.insert(0, str(judge_dir))
    from intelligibility import Judge

    jobs = json.loads(jobs_file.read_text("utf-8"))
    scorer = Judge()
    for job in jobs:
        result = scorer.score(job["wav"], job["ref"], job["lang"])
        audio = decode_audio(job["wav"], sampling_rate=WINDOW)
        p_zh, p_ja = [], []
        if job["lang"] == "zh" and job.get("lid", True):
            for start in range(0, audio.size - WINDOW + 1, WINDOW):
                window = audio[start:start + WINDOW]
                if 20 * np.log10(np.sqrt(np.mean(window ** 2)) + 1e-12) < SILENT_DB:
                    continue
                _, _, probabilities = scorer.model.detect_language(audio=window)
                probabilities = dict(probabilities)
                p_zh.append(probabilities.get("zh", 0.0))
                p_ja.append(probabilities.get("ja", 0.0))
        job.update({k: result[k] for k in ("metric", result["metric"], "ref_len", "sub", "del", "ins", "hyp")},
                   p_zh=p_zh, p_ja=p_ja)
        print(json.dumps(job, ensure_ascii=False), flush=True)


# -------------------------------------------------------------- report

def report(results: list[dict]) -> str:
    lines = ["| voice | lang | leads | error rate (pooled) | P(zh) 1 s windows | P(ja) | windows | synthesis / audio time |",
             "|---|---|---|---|---|---|---|---|"]
    for voice in dict.fromkeys(r["voice"] for r in results):
        rs = [r for r in results if r["voice"] == voice]
        errors = sum(r["sub"] + r["del"] + r["ins"] for r in rs)
        n = sum(r["ref_len"] for r in rs)
        p_zh = [p for r in rs for p in r["p_zh"]]
        p_ja = [p for r in rs for p in r["p_ja"]]
        mean = (lambda xs: f"{sum(xs) / len(xs):.3f}" if xs else "-")
        rtf = sum(r["synth_s"] for r in rs) / sum(r["audio_s"] for r in rs)
        lines.append(f"| {voice} | {rs[0]['lang']} | {len(rs)} | {rs[0]['metric'].upper()} {errors / max(1, n):.3f} "
                     f"| {mean(p_zh)} | {mean(p_ja)} | {len(p_zh) or '-'} | {rtf:.2f} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--zh", default="zm_yunxi,zf_xiaoxiao,jm_kumo", help="Mandarin voices to measure")
    ap.add_argument("--en", default="af_heart,am_michael", help="English voices to measure")
    ap.add_argument("--pack-dir", action="append", default=[], help="more NAME.bin voice packs")
    ap.add_argument("--work", type=Path, default=Path("/tmp/measure-voices"))
    ap.add_argument("--judge-python", default="/tmp/judge-venv/bin/python")
    ap.add_argument("--judge-dir", type=Path, default=next(
        (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), ROOT / "shared")
        / "tools" / "intelligibility")
    ap.add_argument("--rate", default="+0%", help="speaking-rate change, as --rate of a build (e.g. -10%%)")
    ap.add_argument("--no-lid", action="store_true", help="skip the language ID (it costs more than the CER)")
    ap.add_argument("--leads", type=int, default=None, help="only the first N leads (quick checks)")
    ap.add_argument("--report", type=Path, help="print the table of an earlier run's results.jsonl")
    ap.add_argument("--judge-jobs", type=Path, help=argparse.SUPPRESS)  # phase 2, inside the judge's venv
    args = ap.parse_args()
    if args.report:
        print(report([json.loads(line) for line in args.report.read_text("utf-8").splitlines() if line.strip()]))
        return 0
    if args.judge_jobs:
        judge(args.judge_jobs, args.judge_dir)
        return 0
    if not (args.judge_dir / "intelligibility.py").is_file():
        ap.error(f"the judge is not at {args.judge_dir}; pass --judge-dir")
    args.work.mkdir(parents=True, exist_ok=True)
    voices = {"zh": [v for v in args.zh.split(",") if v], "en": [v for v in args.en.split(",") if v]}
    jobs = speak(voices, args.pack_dir, args.work, args.leads, args.rate)
    for job in jobs:
        job["lid"] = not args.no_lid
    jobs_file = args.work / "jobs.json"
    jobs_file.write_text(json.dumps(jobs, ensure_ascii=False, indent=1), "utf-8")
    results = args.work / "results.jsonl"  # written as the judge goes: `tail -f` it to follow
    with results.open("w", encoding="utf-8") as out:
        subprocess.run([args.judge_python, __file__, "--judge-jobs", str(jobs_file), "--judge-dir",
                        str(args.judge_dir)], check=True, stdout=out)
    lines = results.read_text("utf-8").splitlines()
    print(report([json.loads(line) for line in lines if line.startswith("{")]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
