"""Settings of a build, validated once into a typed object. Defaults live here only.

Each stage has its own group (read, leads, script, speak, assemble, publish) and reads only
its own; what several stages share (the show, the date, the output and cache folders)
stands at the top. `Settings.make(**values)` and `with_overrides(**values)` take the flat
names the command line and briefing.toml use (item_seconds, engine, ...) and put each
into its group.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
import uuid
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .editions import Edition, edition_settings
from .errors import ConfigError
from .models import Source

LANGS = ("zh", "en")
SERVE_HOST, SERVE_PORT = "127.0.0.1", 8000  # where `briefing serve` listens unless told otherwise
MP3_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)  # kbit/s an MP3 can have
WORDING_PLACEHOLDERS = ("show", "date", "count")
MIN_RATE, MAX_RATE = -50, 100  # speaking-rate change in %: slower is a drawl, faster a blur


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(message)


def _check_wording(name: str, text: str | None) -> None:
    if text is None:
        return
    unknown = set(re.findall(r"{([^{}]*)}", text)) - set(WORDING_PLACEHOLDERS)
    _check(not unknown, f"{name} may use {{show}}, {{date}} and {{count}}, "
                        f"not {', '.join('{' + u + '}' for u in sorted(unknown))}")
    try:
        text.format(show="", date="", count=0)
    except (ValueError, IndexError, KeyError):
        raise ConfigError(f"{name} has a lone {{ or }}; write {{{{ and }}}} for a brace, "
                          "or use {show}, {date} and {count}") from None


def _check_folder(name: str, path: Path | None) -> None:
    _check(path is None or not Path(path).exists() or Path(path).is_dir(),
           f"{name} {path} is a file, not a folder; name a folder")


def _check_date(date: dt.date) -> None:
    """The episode's pubDate is 06:00 local time that day, in UTC: the year must survive both."""
    try:
        _check(1900 <= date.year <= 9998, "")
        dt.datetime.combine(date, dt.time(6, 0)).astimezone().astimezone(dt.UTC)
    except (ConfigError, OverflowError, ValueError, OSError):
        raise ConfigError(f"date {date} is out of range; give a date between 1900 and 9998") from None


PLACEHOLDER_OWNER_EMAIL = "briefing@example.org"  # directories refuse a feed whose owner cannot get mail


@dataclass(frozen=True)
class Show:
    """What the podcast app shows about the show."""

    title: str = "每日新闻简报"
    description: str = "每天几分钟，听懂今天的新闻。由 briefing 自动生成的新闻播报。"
    author: str = ""  # empty: the show's title
    owner_name: str = ""  # empty: the author
    owner_email: str = PLACEHOLDER_OWNER_EMAIL
    language: str = "zh"
    category: str = "News"
    subcategory: str = "Daily News"
    explicit: bool = False
    cover: Path | None = None  # a square PNG/JPEG; None makes one
    locked: bool = True  # podcast:locked: other platforms may not import the feed
    guid: str | None = None  # podcast:guid; None: the one the output folder keeps (made once from the feed URL)
    copyright: str | None = None  # None: "© YEAR AUTHOR"

    def __post_init__(self) -> None:
        _check(self.language in LANGS, f"show language must be one of {', '.join(LANGS)}, not {self.language!r}")
        _check("@" in self.owner_email, f"owner email looks wrong: {self.owner_email!r}")
        if self.cover is not None:
            from .artwork import check_cover  # here: artwork imports settings

            check_cover(Path(self.cover))
        if not self.author:
            object.__setattr__(self, "author", self.title)
        if not self.owner_name:
            object.__setattr__(self, "owner_name", self.author)
        if self.guid is not None:
            try:
                object.__setattr__(self, "guid", str(uuid.UUID(self.guid)))
            except ValueError:
                raise ConfigError(f"show guid must be a UUID such as ead4c236-bf58-58c6-a2c6-a6b28d128cb6, "
                                  f"not {self.guid!r}; leave it out to keep the one the output folder has") from None

    @property
    def owner_email_is_placeholder(self) -> bool:
        return self.owner_email == PLACEHOLDER_OWNER_EMAIL


@dataclass(frozen=True)
class ReadSettings:
    """The read stage: what is read and how much of it."""

    input_format: str | None = None  # None: detect from content
    max_items: int | None = None  # stories read at most, over all inputs
    sources: tuple[Source, ...] = ()  # what `briefing build` reads when given no inputs
    allow_private_links: bool = False  # fetch links inside feeds from loopback/private/link-local hosts too

    def __post_init__(self) -> None:
        if self.input_format is not None:
            from .read import FORMATS  # here: the read stage imports the settings

            _check(self.input_format in FORMATS,
                   f"input format must be one of {', '.join(FORMATS)}, not {self.input_format!r}")
        _check(self.max_items is None or self.max_items >= 1, f"max items must be 1 or more, not {self.max_items}")


@dataclass(frozen=True)
class SelectSettings:
    """The select stage: which stories are read, in what order, in how much time."""

    minutes: float | None = None  # the bulletin's length, opening and closing included; None: what the stories add up to
    repeat_days: int = 3  # a story broadcast in this many days before is left out (see briefing.selection)
    allow_repeats: bool = False

    def __post_init__(self) -> None:
        _check(self.minutes is None or 0.5 <= self.minutes <= 180,
               f"minutes must be between 0.5 and 180, not {self.minutes}")
        _check(0 <= self.repeat_days <= 30, f"repeat days must be 0-30, not {self.repeat_days}")


@dataclass(frozen=True)
class LeadSettings:
    """The leads stage: how long each story is read."""

    item_seconds: float = 30.0

    def __post_init__(self) -> None:
        _check(5 <= self.item_seconds <= 300, f"item seconds must be between 5 and 300, not {self.item_seconds}")


@dataclass(frozen=True)
class ScriptSettings:
    """The script stage: the anchor's own words, with {show}, {date} and {count}; None: the language's own."""

    opening_words: str | None = None
    transition_words: str | None = None  # said before each story after the first; " | " separates alternatives
    closing_words: str | None = None

    def __post_init__(self) -> None:
        for part in ("opening_words", "transition_words", "closing_words"):
            _check_wording(part.replace("_", " "), getattr(self, part))


@dataclass(frozen=True)
class SpeakSettings:
    """The speak stage: which engine and voices, and how the online voice is asked."""

    engine: str = "auto"  # a name in briefing.speak.engine.ENGINES, or auto (online when reachable)
    offline_engine: str = "kokoro"  # what `auto` and a failing online voice fall back to
    voice: str | None = None  # overrides the preset anchor voice for the show language
    rate: str = "+0%"  # edge-tts style speaking-rate change, also applied offline
    voices: tuple[tuple[str, str, str], ...] = ()  # (lang, engine, voice) overriding voices/presets.toml
    concurrency: int = 8  # online requests at once (latency-bound; edge-tts reports no limit under ~40)
    probe_timeout: float = 3.0  # seconds `auto` waits for the online voice service
    edge_timeout: float = 30.0  # seconds one online-voice request may take before it is retried
    edge_retries: int = 3  # retries per request (with backoff and jitter) before the offline fallback
    skip_failed: bool = False  # drop a story no voice can read instead of failing the build
    cluster: str | None = None  # a Dask scheduler (tcp://HOST:8786) whose workers synthesize the stories
    cluster_fallback: str = "fail"  # an unreachable cluster: fail (exit 4) or local (build here, say so)
    cluster_timeout: float = 10.0  # seconds to reach the scheduler and find a worker
    pronunciations: tuple[tuple[str, str], ...] = ()  # (word, "pinyin with tones" or respelling) for Mandarin

    def __post_init__(self) -> None:
        from .speak.engine import (  # here: the speak stage imports the settings
            ENGINES,
            OFFLINE_ENGINES,
        )

        engines = ("auto", *ENGINES)
        _check(self.engine in engines, f"engine must be one of {', '.join(engines)}, not {self.engine!r}")
        _check(self.offline_engine in OFFLINE_ENGINES,
               f"offline engine must be one of {', '.join(OFFLINE_ENGINES)}, not {self.offline_engine!r}")
        _check(1 <= self.edge_timeout <= 600, f"edge timeout must be 1-600 seconds, not {self.edge_timeout}")
        _check(0 <= self.edge_retries <= 10, f"edge retries must be 0-10, not {self.edge_retries}")
        _check(1 <= self.concurrency <= 32, f"concurrency must be between 1 and 32, not {self.concurrency}")
        _check(bool(re.fullmatch(r"[+-]\d{1,3}%", self.rate)) and MIN_RATE <= int(self.rate[:-1]) <= MAX_RATE,
               f"rate must look like +10% or -5%, between {MIN_RATE}% and +{MAX_RATE}%, not {self.rate!r}")
        if self.cluster is not None:
            _check(bool(re.fullmatch(r"((tcp|tls|ws|wss)://)?[\w.\-\[\]:]+:\d+", self.cluster)),
                   f"cluster must be a Dask scheduler address such as tcp://10.0.0.5:8786, not {self.cluster!r}")
        _check(self.cluster_fallback in ("fail", "local"),
               f"cluster fallback must be fail or local, not {self.cluster_fallback!r}")
        _check(0 < self.cluster_timeout <= 600, f"cluster timeout must be 0-600 seconds, not {self.cluster_timeout}")


@dataclass(frozen=True)
class AssembleSettings:
    """The assemble stage: the MP3 and what plays under the voice."""

    bitrate_kbps: int = 96
    music_bed: Path | None = None  # music under the opening (any file ffmpeg reads), ducked under the voice
    loudness_lufs: float = -16.0  # integrated loudness of the MP3 (podcasts -16, smart speakers -14)

    def __post_init__(self) -> None:
        _check(self.bitrate_kbps in MP3_BITRATES,
               f"bitrate must be an MP3 bit rate ({', '.join(map(str, MP3_BITRATES))} kbit/s), "
               f"not {self.bitrate_kbps}")
        _check(-30 <= self.loudness_lufs <= -10, f"loudness must be -30 to -10 LUFS, not {self.loudness_lufs}")
        _check(self.music_bed is None or Path(self.music_bed).is_file(),
               f"music bed {self.music_bed} does not exist; fix the path or leave the option out")


@dataclass(frozen=True)
class PublishSettings:
    """The publish stage: where the show is served and how many episodes it lists."""

    base_url: str = f"http://{SERVE_HOST}:{SERVE_PORT}/"
    keep: int | None = None  # episodes kept in the feed; None keeps all

    def __post_init__(self) -> None:
        try:
            parsed = urlparse(self.base_url)
            parsed.port  # noqa: B018 (raises ValueError for a bad port)
        except ValueError:
            parsed = urlparse("")
        _check(parsed.scheme in ("http", "https") and bool(parsed.netloc) and not re.search(r"\s", self.base_url),
               f"base URL must be an absolute http(s) URL such as https://example.org/briefing/, "
               f"not {self.base_url!r}")
        _check(self.keep is None or self.keep >= 1, f"keep must be 1 or more, not {self.keep}")
        if not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")

    @property
    def feed_url(self) -> str:
        return self.base_url + "feed.xml"


STAGE_GROUPS: dict[str, type] = {"read": ReadSettings, "select": SelectSettings, "leads": LeadSettings, "script": ScriptSettings,
                                 "speak": SpeakSettings, "assemble": AssembleSettings, "publish": PublishSettings}


@dataclass(frozen=True)
class Settings:
    """Everything a build needs besides its inputs: what the stages share, then each stage's own."""

    show: Show = field(default_factory=Show)
    date: dt.date = field(default_factory=dt.date.today)
    out_dir: Path = Path("output")
    cache_dir: Path | None = None  # None: OUT/.cache
    lock_wait: float = 0.0  # seconds a build waits for another build of the same output folder
    editions: tuple[Edition, ...] = ()  # each published as its own podcast under OUT/NAME/
    read: ReadSettings = field(default_factory=ReadSettings)
    select: SelectSettings = field(default_factory=SelectSettings)
    leads: LeadSettings = field(default_factory=LeadSettings)
    script: ScriptSettings = field(default_factory=ScriptSettings)
    speak: SpeakSettings = field(default_factory=SpeakSettings)
    assemble: AssembleSettings = field(default_factory=AssembleSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)

    def __post_init__(self) -> None:
        _check(self.lock_wait >= 0, f"lock wait must be 0 or more seconds, not {self.lock_wait}")
        _check_folder("output folder", self.out_dir)
        _check_folder("cache folder", self.cache_dir)
        _check_date(self.date)
        _check(len({e.name for e in self.editions}) == len(self.editions), "two editions have the same name")
        for edition in self.editions:
            edition_settings(self, edition)  # each edition's values checked now, not halfway through a build

    @property
    def cache(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.out_dir / ".cache"

    @classmethod
    def make(cls, **values: Any) -> Settings:
        """Settings from flat names (item_seconds=20, engine="kokoro", ...); the rest are defaults."""
        return cls().with_overrides(**values)

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with the given fields replaced (flat names); None values leave a field as it is."""
        unknown = set(values) - set(FIELD_TYPES)
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        given = {k: v for k, v in values.items() if v is not None}
        top = {k: v for k, v in given.items() if k in _TOP_LEVEL}
        for group in STAGE_GROUPS:
            changes = {k: v for k, v in given.items() if _GROUP_OF.get(k) == group}
            if changes:
                top[group] = replace(getattr(self, group), **changes)
        return replace(self, **top)


_TOP_LEVEL = {f.name for f in fields(Settings)} - set(STAGE_GROUPS)
_GROUP_OF = {f.name: group for group, cls in STAGE_GROUPS.items() for f in fields(cls)}
FIELD_TYPES: dict[str, Any] = {
    **{name: hint for name, hint in typing.get_type_hints(Settings).items() if name in _TOP_LEVEL},
    **{name: hint for cls in STAGE_GROUPS.values() for name, hint in typing.get_type_hints(cls).items()},
}  # flat name -> type, for briefing.toml and the command line


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"date must be YYYY-MM-DD, not {text!r}") from None
