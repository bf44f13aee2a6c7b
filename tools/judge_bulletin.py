"""Developer tool: audio + reference pairs for the Whisper judge (shared/tools/intelligibility), and
its results reported per story and per listed word. Not part of the product.

    # 1. project venv: cut a built episode into its stories (chapters), reference = the spoken text
    python tools/judge_bulletin.py stories OUT WORK
    # 1b. project venv: one short news sentence per listed word, spoken by the checkout at --root
    python tools/judge_bulletin.py words WORK [--root CHECKOUT]
    # 1c. project venv: a name (哪吒) in three sentences, read as the product reads it and in wrong
    #     control readings, by each voice: does the judge write what the voice says?
    python tools/judge_bulletin.py names WORK [--voices zm_yunxi,zf_xiaoxiao]
    # 2. judge venv: transcribe and score
    /tmp/judge-venv/bin/python ../shared/tools/intelligibility/intelligibility.py --pairs WORK/pairs.tsv --json \\
        > WORK/judged.jsonl
    #    (for names, once more with the name in the judge's prompt, into another file:
    #     --zh-prompt "以下是普通话的新闻。新闻里的名字：哪吒。" > WORK/judged-named.jsonl)
    # 3. project venv: pooled CER over the stories; each word heard right or not (as pinyin); per
    #    reading of the name, how often the judge wrote the name and how often the reading said
    python tools/judge_bulletin.py report WORK [WORK ...] [--judged judged-named.jsonl]

A story's audio runs from its headline's cue to its lead's last cue (the transition before it is
left out: the same few phrases in every story); the reference is what the voice was asked to say
(briefing.text.speakable of each cue, numbers as words).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JUDGE_DIR = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
                 ROOT / "shared") / "tools" / "intelligibility"
_CUE = re.compile(r"(\d+):(\d+):(\d+),(\d+) --> (\d+):(\d+):(\d+),(\d+)\n(.+?)(?:\n\n|\Z)", re.DOTALL)
# The words issue 15 lists, each in a short news sentence (the sample page lacks some of them), and
# how a newsreader says them
READINGS = {"身着": "shen1 zhuo2", "看得": "kan4 de5", "还款": "huan2 kuan3", "慢慢地": "man4 man4 de5",
            "哪吒": "ne2 zha1", "AI": "ai"}
WORDS = {
    "身着": "开幕式上，数百名身着民族服装的演员登台表演。",
    "看得": "比赛进入加时，现场观众看得十分紧张。",
    "还款": "银行提醒借款人按时还款，避免产生逾期记录。",
    "慢慢地": "随着气温回升，河面上的冰慢慢地融化了。",
    "哪吒": "动画电影《哪吒之魔童闹海》的票房还在上涨。",
    "AI": "多家企业在展会上发布了新的AI应用。",
}


# A name the voice reads unclearly (the rare syllable né), in sentences of the kinds a bulletin has;
# the control readings are wrong on purpose: a judge that writes each of them as said, and never as
# the name, tells what it heard from what it guessed.
NAME = "哪吒"
NAME_SENTENCES = ["动画电影《哪吒之魔童闹海》的票房还在上涨。", "今年春节，哪吒的票房还在上涨。",
                  "不少观众带着孩子去影院看哪吒。"]
CONTROL_READINGS = ["ma2 zha1", "ne2 sha1", "le2 zha1", "na2 jia1", "ne2 zhi1", "ge2 zha1"]


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def stories(out: Path, work: Path, margin: float) -> None:
    sys.path.insert(0, str(ROOT))
    from briefing.script import WORDING
    from briefing.text.speakable import speakable

    transitions = {t.strip() for t in WORDING["zh"]["transition"].split(" | ")}
    import imageio_ffmpeg

    episodes = out / "episodes"
    mp3 = next(episodes.glob("*.mp3"))
    cues = [(_seconds(*c.groups()[:4]), _seconds(*c.groups()[4:8]), c.group(9).strip())
            for c in _CUE.finditer(mp3.with_suffix(".srt").read_text("utf-8"))]
    chapters = json.loads(mp3.with_suffix(".chapters.json").read_text("utf-8"))["chapters"][1:-1]
    work.mkdir(parents=True, exist_ok=True)
    lines = []
    for number, chapter in enumerate(chapters, 1):
        inside = [c for c in cues if chapter["startTime"] - 0.01 <= c[0] and c[1] <= chapter["endTime"] + 0.01
                  and c[2] not in transitions]
        start, end = inside[0][0] - margin, inside[-1][1] + margin
        wav = work / f"story-{number}.wav"
        subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-ss", f"{start:.3f}", "-to", f"{end:.3f}", "-i", str(mp3),
                        "-ac", "1", "-ar", "16000", str(wav)], check=True)
        lines.append(f"{wav}\t{''.join(speakable(c[2], 'zh') for c in inside)}")
    (work / "pairs.tsv").write_text("\n".join(lines) + "\n", "utf-8")
    print(f"{len(lines)} stories of {mp3.name} -> {work / 'pairs.tsv'}")


def words(work: Path, root: Path) -> None:
    """Speak WORDS with the offline voice of the checkout at `root` (before/after comparisons)."""
    import importlib

    sys.path.insert(0, str(root))
    from briefing.text.speakable import speakable

    try:
        kokoro = importlib.import_module("briefing.speak.kokoro")
    except ImportError:  # before the stage folders were renamed
        kokoro = importlib.import_module("briefing.speech.kokoro")
    engine = kokoro.KokoroEngine()
    work.mkdir(parents=True, exist_ok=True)
    lines, said = [], []
    for word, text in WORDS.items():
        wav = work / f"word-{word}.wav"
        spoken = _speak_into(wav, engine, "zm_yunxi", speakable(text, "zh"))
        lines.append(f"{wav}\t{spoken}")
        said.append({"word": word, "wav": str(wav), "phonemes": engine._phonemize(spoken, "zh", False)})
    _add_pairs(work, lines)
    (work / "words.json").write_text(json.dumps(said, ensure_ascii=False, indent=1), "utf-8")
    print(f"{len(lines)} word sentences -> {work / 'pairs.tsv'}")


def names(work: Path, voices: list[str]) -> None:
    """Speak NAME_SENTENCES with the product's reading of NAME and with each control reading."""
    sys.path.insert(0, str(ROOT))
    from briefing.speak.kokoro import KokoroEngine
    from briefing.text.speakable import speakable

    work.mkdir(parents=True, exist_ok=True)
    lines = []
    for reading in ["product", *CONTROL_READINGS]:
        engine = KokoroEngine(pronunciations=[] if reading == "product" else [(NAME, reading)])
        for voice in voices:
            for number, text in enumerate(NAME_SENTENCES):
                wav = work / f"name-{reading.replace(' ', '_')}-{voice}-{number}.wav"
                lines.append(f"{wav}\t{_speak_into(wav, engine, voice, speakable(text, 'zh'))}")
    _add_pairs(work, lines)
    print(f"{len(lines)} name sentences -> {work / 'pairs.tsv'}")


def _speak_into(wav: Path, engine, voice: str, spoken: str) -> str:
    """`spoken` said by `voice` in one synthesis, with 0.25 s of silence either side, written to `wav`."""
    import numpy as np
    from scipy.io import wavfile

    clip = engine.synthesize([spoken], voice, "zh", "+0%")
    pad = np.zeros(clip.rate // 4, np.float32)
    audio = np.concatenate([pad, *clip.sentences, pad])
    wavfile.write(wav, clip.rate, (np.clip(audio, -1, 1) * 32767).astype(np.int16))
    return spoken


def _add_pairs(work: Path, lines: list[str]) -> None:
    with open(work / "pairs.tsv", "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def name_report(results: list[dict]) -> None:
    """Per reading of NAME: how often the judge wrote the name, and how often the syllables said."""
    by_reading: dict[str, list[str]] = {}
    for r in results:
        reading = Path(r["audio"]).stem.split("-")[1].replace("_", " ")
        by_reading.setdefault(reading, []).append(r["hyp"])
    for reading, transcripts in by_reading.items():
        said = READINGS[NAME] if reading == "product" else reading
        as_name = sum(NAME in t for t in transcripts)
        as_said = sum(_find_syllables(said.split(), t) is not None for t in transcripts)
        toneless = sum(_find_syllables(said.split(), t, tones=False) is not None for t in transcripts)
        print(f"  {NAME} read {said} ({reading}): written {NAME} {as_name}/{len(transcripts)}; heard as said "
              f"{as_said}/{len(transcripts)}, its syllables whatever the tones {toneless}/{len(transcripts)}; "
              + " | ".join(transcripts))


def _find_syllables(want: list[str], transcript: str, tones: bool = True) -> list[str] | None:
    """The first run of the transcript's syllables (as pinyin) that reads `want`, with or without tones."""
    said = _syllables(transcript)
    key = (lambda syllables: syllables) if tones else (lambda syllables: [s.rstrip("12345") for s in syllables])
    return next((said[i:i + len(want)] for i in range(len(said) - len(want) + 1)
                 if key(said[i:i + len(want)]) == key(want)), None)


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text).lower() if unicodedata.category(c)[0] in "LN")


def _syllables(text: str) -> list[str]:
    """The transcript as pinyin with tone digits (how its characters are usually read), Latin words kept."""
    from pypinyin import Style, lazy_pinyin

    return [s.lower() for s in lazy_pinyin(_plain(text), style=Style.TONE3, neutral_tone_with_five=True)]


def heard(word: str, transcript: str) -> tuple[str, str]:
    """('right' | 'written as the word ...' | 'same syllables, other tones' | 'no', where it was heard).

    Whisper writes what it hears with whatever characters it likes (身着 as 深卓 is shen1 zhuo2, the
    reading meant), so the transcript is compared as pinyin: the word's syllables and tones in a row."""
    if _plain(word) in _plain(transcript):
        if word.isascii():
            return "right", word
        return "written as the word (its reading not told)", word  # 看得 is 看得 whether de5 or de2
    want = READINGS[word].split()
    if _find_syllables(want, transcript) is not None:
        return "right", " ".join(want)
    toneless = _find_syllables(want, transcript, tones=False)
    if toneless is not None:
        return "same syllables, other tones", " ".join(toneless)
    return "no", ""


def syllable_errors(ref: str, hyp: str, judge_dir: Path) -> tuple[int, int]:
    """(errors, syllables): the judge's alignment over pinyin with tones instead of characters, so a
    character written for another of the same sound and tone (惊艳 -> 经验 is not one) is no error."""
    sys.path.insert(0, str(judge_dir))
    from intelligibility import edit_ops, normalize_zh

    ref_syllables = [s for token in normalize_zh(ref) for s in _syllables(token)]
    hyp_syllables = [s for token in normalize_zh(hyp) for s in _syllables(token)]
    return sum(edit_ops(ref_syllables, hyp_syllables)), len(ref_syllables)


def report(works: list[Path], judge_dir: Path, judged: str) -> None:
    for work in works:
        results = [json.loads(line) for line in (work / judged).read_text("utf-8").splitlines() if line]
        named = [r for r in results if Path(r["audio"]).name.startswith("name-")]
        if named:
            print(f"{work / judged}:")
            name_report(named)
        story = [r for r in results if Path(r["audio"]).name.startswith("story-")]
        if story:
            errors = sum(r["sub"] + r["del"] + r["ins"] for r in story)
            total = sum(r["ref_len"] for r in story)
            by_sound = [syllable_errors(r["ref"], r["hyp"], judge_dir) for r in story]
            print(f"{work}: pooled CER {errors / max(1, total):.3f} over {len(story)} stories ({total} characters), "
                  f"syllable+tone error rate {sum(e for e, _ in by_sound) / max(1, sum(n for _, n in by_sound)):.3f}; "
                  "CER per story " + ", ".join(f"{r['cer']:.3f}" for r in story))
        for r in results:
            name = Path(r["audio"]).stem
            if not name.startswith("word-"):
                continue
            word = name[len("word-"):]
            verdict, where = heard(word, r["hyp"])
            print(f"  {word} ({READINGS[word]}): {verdict}{' (' + where + ')' if where else ''}; "
                  f"CER {r['cer']:.3f}; transcript: {r['hyp']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    cut = commands.add_parser("stories", help="cut a built episode into its stories")
    cut.add_argument("out", type=Path)
    cut.add_argument("work", type=Path)
    cut.add_argument("--margin", type=float, default=0.25,
                     help="seconds kept before a story's first cue and after its last (Whisper's result moves "
                          "with its input's edges: compare at two margins to see the noise)")
    say = commands.add_parser("words", help="speak one sentence per listed word")
    say.add_argument("work", type=Path)
    say.add_argument("--root", type=Path, default=ROOT, help="the checkout whose voice speaks (default: this one)")
    name = commands.add_parser("names", help="a name in three sentences, in the product's and control readings")
    name.add_argument("work", type=Path)
    name.add_argument("--voices", default="zm_yunxi,zf_xiaoxiao", help="comma-separated Mandarin voices")
    show = commands.add_parser("report", help="per-story and per-word results of judged.jsonl")
    show.add_argument("works", type=Path, nargs="+")
    show.add_argument("--judged", default="judged.jsonl", help="the judge's output file in each WORK")
    show.add_argument("--judge-dir", type=Path, default=JUDGE_DIR, help="shared/tools/intelligibility")
    args = parser.parse_args()
    if args.command == "stories":
        stories(args.out, args.work, args.margin)
    elif args.command == "words":
        words(args.work, args.root.resolve())
    elif args.command == "names":
        names(args.work, args.voices.split(","))
    else:
        report(args.works, args.judge_dir, args.judged)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
