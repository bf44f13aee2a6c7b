"""The offline voice: shipped packs, presets, what each language is read with, long text."""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

import numpy as np
import pytest
import srt
from audio_probe import decode, nearest, voiced_runs, voiced_seconds
from conftest import (
    ENGLISH_SAMPLE,
    ROOT,
    brief_wording,
    briefing_in_process,
    closed_port_url,
    python_process,
    run_cli,
)

from briefing.context import Context, LogProgress
from briefing.leads import write_leads
from briefing.read import read_articles
from briefing.script import write_script
from briefing.settings import Settings, Show
from briefing.speak import speak
from briefing.speak.kokoro import (
    SAMPLE_RATE,
    KokoroEngine,
    load_runtime,
    session_threads,
    usable_cores,
    voice_lang,
)
from briefing.speak.voices import presets

SHIPPED = sorted(p.stem for p in (ROOT / "voices" / "kokoro").glob("*.bin"))
MANDARIN = [v for v in SHIPPED if voice_lang(v) == "zh-CN"]
SHORT = {"zh-CN": "今天天气很好，我们去公园散步。", "en-US": "The library opened a new reading room today.",
         "en-GB": "The library opened a new reading room today.", "ja-JP": "今日はいい天気です。"}


@pytest.fixture(scope="module")
def engine():
    return KokoroEngine()


def _say(engine: KokoroEngine, voice: str, text: str | None = None) -> np.ndarray:
    lang = "zh" if voice_lang(voice) in ("zh-CN", "ja-JP") else "en"
    (audio,) = engine.synthesize([text or SHORT[voice_lang(voice)]], voice, lang, "+0%").sentences
    return audio


@functools.cache
def _said_once(engine: KokoroEngine, voice: str) -> np.ndarray:
    """_say of the voice's short sentence, synthesized once per worker (the voice is deterministic: tested below)."""
    return _say(engine, voice)


def test_the_product_ships_a_male_and_a_female_mandarin_voice_and_english_ones():
    genders = {v[1] for v in MANDARIN}
    assert genders == {"m", "f"}
    assert any(voice_lang(v).startswith("en") for v in SHIPPED)


@pytest.mark.parametrize("voice", SHIPPED)
def test_shipped_pack_has_the_model_shape(engine, voice):
    path = ROOT / "voices" / "kokoro" / f"{voice}.bin"
    assert path.stat().st_size == 510 * 256 * 4
    pack = engine.pack(voice)
    assert pack.shape == (510, 256) and pack.dtype == np.float32
    assert np.isfinite(pack).all() and pack.std() > 0.01


def test_shipped_packs_are_the_recorded_float32_files():
    import hashlib

    folder = ROOT / "voices" / "kokoro"
    recorded = dict(reversed(line.split()) for line in (folder / "SHA256SUMS").read_text().splitlines())
    assert sorted(Path(name).stem for name in recorded) == SHIPPED
    for name, digest in recorded.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("voice", SHIPPED)
def test_shipped_pack_speaks_audibly(engine, request, voice):
    # a Mandarin voice's lead as its build synthesized it; the others say their short sentence
    if voice in MANDARIN:
        audio = _lead_clip(request.getfixturevalue("mandarin_builds")[voice][0])
    else:
        audio = _said_once(engine, voice)
    seconds = audio.size / SAMPLE_RATE
    assert 1.0 <= seconds <= 8.0
    assert voiced_seconds(audio, SAMPLE_RATE) >= 0.5 * seconds
    assert np.abs(audio).max() <= 1.0


def test_packs_give_different_voices(mandarin_builds):
    first, second = (_lead_clip(mandarin_builds[v][0]) for v in MANDARIN[:2])  # the same lead
    assert first.shape != second.shape or not np.allclose(first, second)


def test_presets_use_shipped_packs_of_their_language(engine):
    for lang, engines in presets().items():
        voices = engines["kokoro"]
        assert set(voices) >= {"anchor", "second"}
        for voice in voices.values():
            assert voice in SHIPPED, f"{voice} is not in voices/kokoro/"
            assert voice_lang(voice).startswith(lang)
    zh = presets()["zh"]["kokoro"]
    assert {zh["anchor"][1], zh["second"][1]} == {"m", "f"}


def test_japanese_packs_stay_selectable_but_are_no_default(engine):
    engine.check_voice("jm_kumo")
    assert engine.pack("jm_kumo").shape == (510, 256)
    defaults = {v for engines in presets().values() for v in engines["kokoro"].values()}
    assert not any(voice_lang(v) == "ja-JP" for v in defaults)


def test_voices_command_lists_language_gender_and_defaults():
    result = run_cli("voices", "--engine", "kokoro")
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    zh_anchor = presets()["zh"]["kokoro"]["anchor"]
    assert "zh-CN" in lines[zh_anchor] and "zh anchor (default)" in lines[zh_anchor]
    assert "female" in lines["zf_xiaoxiao"] and "male" in lines["zm_yunxi"]
    assert "ja-JP" in lines["jm_kumo"] and "default" not in lines["jm_kumo"]
    assert "en-US" in lines["af_heart"]


def test_an_english_article_is_spoken_by_an_english_voice(tmp_path):
    ctx = Context(Settings.make(show=Show(language="en", title="Briefing"), engine="kokoro", item_seconds=5,
                                opening_words="Good morning.", closing_words="That is all for today, goodbye.",
                                out_dir=tmp_path), LogProgress())  # its clip cache too: every run speaks
    script = write_script(write_leads(read_articles([str(ENGLISH_SAMPLE)], ctx), ctx), ctx)
    speech = speak(script, ctx)
    assert {s.lang for s in script.segments} == {"en"}
    for clip in speech.clips:
        assert voice_lang(clip.voice) in ("en-US", "en-GB"), clip.voice
        audio = np.concatenate(clip.sentences)
        assert voiced_seconds(audio, clip.rate) > 0.5


@pytest.fixture(scope="module")
def mandarin_builds(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    """A real build with each shipped Mandarin voice, made once for the module: voice -> (out folder, CLI result)."""
    builds = {}
    for voice in MANDARIN:
        folder = tmp_path_factory.mktemp(voice)
        article = folder / "news.md"
        article.write_text("# 新图书馆开放\n\n市民今天可以借书。\n", "utf-8")  # short: each voice is a real build
        config = brief_wording(folder)  # the voice, not the wording, is tested
        builds[voice] = folder / "out", run_cli("--config", config, "build", article, "--engine", "kokoro",
                                                "--voice", voice, "--out", folder / "out", "--date", "2025-02-15",
                                                "--item-seconds", "5")
    return builds


def _lead_clip(out: Path) -> np.ndarray:
    """The story's lead as the voice gave it, from the build's clip cache (one entry per spoken segment:
    the opening, the headline, the lead and the closing; the lead is the longest). Entry layout:
    briefing.speak.cache."""
    clips = []
    for entry in (out / ".cache").rglob("*.npz"):
        with np.load(entry) as data:
            assert int(data["rate"]) == SAMPLE_RATE
            clips.append(np.concatenate([data[f"s{i}"] for i in range(int(data["count"]))]))
    assert len(clips) == 4, "opening, headline, lead, closing"
    return max(clips, key=lambda clip: clip.size)


@pytest.mark.parametrize("voice", MANDARIN)
def test_build_with_each_shipped_mandarin_voice(mandarin_builds, voice):
    out, result = mandarin_builds[voice]
    assert result.exit_code == 0, result.output
    assert "engine: kokoro" in result.stdout and "speech: 1 of 1 story synthesized" in result.stdout
    (mp3,) = (out / "episodes").glob("*.mp3")
    samples = decode(mp3)
    assert voiced_seconds(samples, 44100) > 3.0
    # the real voice end to end: each cue after the intro ends where its speech does
    starts_ends = voiced_runs(samples, 44100)
    cues = list(srt.parse(mp3.with_suffix(".srt").read_text("utf-8")))
    assert len(cues) >= 3
    for cue in cues[1:]:
        assert nearest(cue.end.total_seconds(), [b for _, b in starts_ends]) <= 0.25, cue


def test_doctor_speaks_with_the_shipped_offline_voice(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_EDGE_WSS_URL", closed_port_url())
    result = briefing_in_process("doctor", "--out", tmp_path / "out", cwd=tmp_path)  # no briefing.toml: defaults
    assert result.returncode == 0, result.stdout
    zh, en = (presets()[lang]["kokoro"]["anchor"] for lang in ("zh", "en"))
    assert f"ok   offline voice: kokoro ({KokoroEngine().version}); voices {zh}, {en}" in result.stdout.splitlines()


def test_on_an_unshared_machine_the_session_runs_on_every_core_this_process_may_use():
    script = ("from briefing.speak.kokoro import load_runtime, usable_cores; "
              "print(load_runtime().session.get_session_options().intra_op_num_threads, usable_cores())")
    env = {k: v for k, v in os.environ.items() if k != "BRIEFING_SHARED_CPU"}
    proc = python_process("-c", script, env=env)
    threads, cores = proc.stdout.split()
    assert threads == cores, proc.stderr


def test_only_a_shared_machine_gets_one_thread(monkeypatch):
    for value, threads in ((None, usable_cores()), ("0", usable_cores()), ("1", 1), ("yes", 1)):
        if value is None:
            monkeypatch.delenv("BRIEFING_SHARED_CPU", raising=False)
        else:
            monkeypatch.setenv("BRIEFING_SHARED_CPU", value)
        assert session_threads() == threads, value


def test_on_a_shared_machine_the_session_runs_one_thread_that_does_not_spin():
    assert os.environ["BRIEFING_SHARED_CPU"] == "1"  # conftest: three test workers share the cores
    options = load_runtime().session.get_session_options()
    assert options.intra_op_num_threads == 1
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"


def test_concurrent_calls_give_the_same_audio_as_one_at_a_time(engine):
    texts = [SHORT["zh-CN"], "你好。"]
    expected = [_said_once(engine, "zm_yunxi"), _say(engine, "zm_yunxi", texts[1])]  # the first as said above
    results: dict[int, np.ndarray] = {}
    threads = [threading.Thread(target=lambda i=i: results.__setitem__(i, _say(engine, "zm_yunxi", texts[i])))
               for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i, audio in enumerate(expected):
        np.testing.assert_array_equal(results[i], audio)


def test_damaged_pack_is_a_voice_error(tmp_path):
    from briefing.errors import VoiceError

    (tmp_path / "zf_broken.bin").write_bytes(b"\0" * 1000)
    engine = KokoroEngine(pack_dirs=[tmp_path])
    with pytest.raises(VoiceError, match="damaged"):
        engine.pack("zf_broken")


def test_more_pack_folders_add_voices_but_never_replace_shipped_ones(tmp_path):
    shipped = np.fromfile(ROOT / "voices" / "kokoro" / f"{MANDARIN[0]}.bin", dtype="<f4")
    (tmp_path / f"{MANDARIN[0]}.bin").write_bytes(np.zeros_like(shipped).tobytes())
    (tmp_path / "zm_extra.bin").write_bytes(shipped.tobytes())
    engine = KokoroEngine(pack_dirs=[Path(tmp_path)])
    assert engine.pack(MANDARIN[0]).std() > 0.01
    assert {"zm_extra", *SHIPPED} <= {v.name for v in engine.voices()}
