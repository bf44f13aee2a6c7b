"""Settings of a build, validated once into a typed object. Defaults live here only."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlparse

from .errors import ConfigError
from .models import Source

ENGINES = ("auto", "edge", "kokoro")
LANGS = ("zh", "en")
SERVE_HOST, SERVE_PORT = "127.0.0.1", 8000  # where `briefing serve` listens unless told otherwise
MP3_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)  # kbit/s an MP3 can have


@dataclass(frozen=True)
class Show:
    """What the podcast app shows about the show."""

    title: str = "每日新闻简报"
    description: str = "每天几分钟，听懂今天的新闻。由 briefing 自动生成的新闻播报。"
    author: str = "briefing"
    owner_name: str = "briefing"
    owner_email: str = "briefing@example.org"
    language: str = "zh"
    category: str = "News"
    subcategory: str = "Daily News"
    explicit: bool = False
    cover: Path | None = None  # a square PNG/JPEG; None makes one
    locked: bool = True  # podcast:locked: other platforms may not import the feed


@dataclass(frozen=True)
class Settings:
    """Everything a build needs besides its inputs."""

    show: Show = field(default_factory=Show)
    out_dir: Path = Path("output")
    cache_dir: Path | None = None  # None: OUT/.cache
    base_url: str = f"http://{SERVE_HOST}:{SERVE_PORT}/"
    date: dt.date = field(default_factory=dt.date.today)
    engine: str = "auto"
    voice: str | None = None  # overrides the preset anchor voice for the show language
    rate: str = "+0%"  # edge-tts style speaking-rate change, also applied offline
    item_seconds: float = 30.0
    max_items: int | None = None
    bitrate_kbps: int = 96
    keep: int | None = None  # episodes kept in the feed; None keeps all
    concurrency: int = 8  # online requests at once (latency-bound; edge-tts reports no limit under ~40)
    probe_timeout: float = 3.0  # seconds `auto` waits for the online voice service
    skip_failed: bool = False
    input_format: str | None = None  # None: detect from content
    music_bed: Path | None = None  # music under the opening (any file ffmpeg reads), ducked under the voice
    voices: tuple[tuple[str, str, str], ...] = ()  # (lang, engine, voice) overriding voices/presets.toml
    sources: tuple[Source, ...] = ()  # what `briefing build` reads when given no inputs
    edge_timeout: float = 30.0  # seconds one online-voice request may take before it is retried
    edge_retries: int = 3  # retries per request (with backoff and jitter) before the offline fallback
    lock_wait: float = 0.0  # seconds a build waits for another build of the same output folder
    opening_words: str | None = None  # bulletin opening with {show} {date} {count}; None: the language's own
    transition_words: str | None = None  # said before each story after the first; " | " separates alternatives
    closing_words: str | None = None  # bulletin closing; None: the language's own
    pronunciations: tuple[tuple[str, str], ...] = ()  # (word, "pinyin with tones" or respelling) for Mandarin

    def __post_init__(self) -> None:
        _check(self.engine in ENGINES, f"engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        _check(self.show.language in LANGS,
               f"show language must be one of {', '.join(LANGS)}, not {self.show.language!r}")
        _check(5 <= self.item_seconds <= 300,
               f"item seconds must be between 5 and 300, not {self.item_seconds}")
        _check(self.bitrate_kbps in MP3_BITRATES,
               f"bitrate must be an MP3 bit rate ({', '.join(map(str, MP3_BITRATES))} kbit/s), "
               f"not {self.bitrate_kbps}")
        _check(self.music_bed is None or Path(self.music_bed).is_file(),
               f"music bed {self.music_bed} does not exist; fix the path or leave the option out")
        _check(self.keep is None or self.keep >= 1, f"keep must be 1 or more, not {self.keep}")
        _check(self.max_items is None or self.max_items >= 1,
               f"max items must be 1 or more, not {self.max_items}")
        _check(1 <= self.edge_timeout <= 600, f"edge timeout must be 1-600 seconds, not {self.edge_timeout}")
        _check(0 <= self.edge_retries <= 10, f"edge retries must be 0-10, not {self.edge_retries}")
        _check(self.lock_wait >= 0, f"lock wait must be 0 or more seconds, not {self.lock_wait}")
        _check(1 <= self.concurrency <= 32, f"concurrency must be between 1 and 32, not {self.concurrency}")
        _check(bool(re.fullmatch(r"[+-]\d+%", self.rate)),
               f"rate must look like +10% or -5%, not {self.rate!r}")
        for part in ("opening_words", "transition_words", "closing_words"):
            unknown = set(re.findall(r"{([^{}]*)}", getattr(self, part) or "")) - {"show", "date", "count"}
            _check(not unknown, f"{part.replace('_', ' ')} may use {{show}}, {{date}} and {{count}}, "
                                f"not {', '.join('{' + u + '}' for u in sorted(unknown))}")
        parsed = urlparse(self.base_url)
        _check(parsed.scheme in ("http", "https") and bool(parsed.netloc),
               f"base URL must be an absolute http(s) URL such as https://example.org/briefing/, "
               f"not {self.base_url!r}")
        _check("@" in self.show.owner_email, f"owner email looks wrong: {self.show.owner_email!r}")
        if not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")

    @property
    def cache(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.out_dir / ".cache"

    @property
    def feed_url(self) -> str:
        return self.base_url + "feed.xml"

    def with_overrides(self, **values: object) -> Settings:
        """A copy with the given fields replaced; None values leave a field as it is."""
        names = {f.name for f in fields(self)}
        unknown = set(values) - names
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(message)


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"date must be YYYY-MM-DD, not {text!r}") from None
