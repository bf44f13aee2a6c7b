"""The plain data objects that flow between the pipeline stages.

read -> list[Article] -> leads -> list[Item] -> script -> Script -> speak -> Speech
-> assemble -> Bulletin -> publish -> Episode
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

Lang = Literal["zh", "en"]


@dataclass(frozen=True)
class Source:
    """An input as configured: a file, folder or URL, with an optional cap on its stories."""

    location: str
    max_items: int | None = None


@dataclass
class Article:
    """One news story as read from an input, clean of page furniture."""

    title: str
    paragraphs: list[str]
    lang: Lang = "zh"
    kicker: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    dateline: str | None = None
    id: str | None = None
    url: str | None = None
    published: str | None = None
    source: str | None = None
    coverage: int = 1  # how many inputs carry this story (the read stage keeps one copy)
    lead_seconds: float | None = None  # speaking time of its lead when the select stage sets one; None: item_seconds

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "kicker": self.kicker,
            "subtitle": self.subtitle,
            "byline": self.byline,
            "dateline": self.dateline,
            "paragraphs": self.paragraphs,
            "lang": self.lang,
            "url": self.url,
            "published": self.published,
            "source": self.source,
        }


@dataclass
class Item:
    """One spoken story: the headline, then the lead."""

    id: str
    title: str
    lead: str
    lang: Lang
    seconds: float  # estimated speaking time of headline + lead
    url: str | None = None  # the story's source page, where the input named one

    def to_json(self) -> dict:
        data = {"id": self.id, "title": self.title, "lead": self.lead, "lang": self.lang,
                "seconds": round(self.seconds, 1)}
        return data | ({"url": self.url} if self.url else {})


@dataclass
class Sentence:
    """A sentence as shown (transcripts, feed) and as spoken (normalised for the voice)."""

    text: str
    spoken: str


SegmentKind = Literal["opening", "transition", "headline", "lead", "closing"]


@dataclass
class Segment:
    """A run of sentences spoken by one voice in one language."""

    kind: SegmentKind
    sentences: list[Sentence]
    lang: Lang
    item: int | None = None  # index into Script.items for headline/lead/transition

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.sentences) if self.lang == "zh" else " ".join(
            s.text for s in self.sentences)


@dataclass
class Script:
    """Everything the bulletin will say, in order."""

    show_title: str
    date: dt.date
    lang: Lang
    items: list[Item]
    segments: list[Segment]


@dataclass
class Clip:
    """Synthesized audio of one segment: one mono float32 array per sentence."""

    sentences: list[np.ndarray]
    rate: int
    engine: str
    voice: str
    key: str = ""  # what the audio is made from (cache key and slice); "" when unknown


@dataclass
class Speech:
    """The script with a clip for every segment."""

    script: Script
    clips: list[Clip]


@dataclass
class Chapter:
    title: str
    start: float
    end: float


@dataclass
class Cue:
    start: float
    end: float
    text: str


@dataclass
class Bulletin:
    """The mastered audio with its timeline, not yet published."""

    script: Script
    audio: Path  # a finished MP3 in a staging folder
    duration: float
    chapters: list[Chapter]
    cues: list[Cue]
    sidecars: dict[str, Path] = field(default_factory=dict)  # kind (chapters, vtt, srt) -> file beside the MP3


@dataclass
class Episode:
    """A published episode as listed in the feed."""

    guid: str
    date: dt.date
    title: str
    summary: str
    headlines: list[str]
    media: str  # file name under episodes/
    length: int
    duration: float
    published: dt.datetime
    engine: str
    sidecars: dict[str, str] = field(default_factory=dict)  # kind -> file name under episodes/
    links: list[str | None] = field(default_factory=list)  # source page of each headline (same order), if any
    chapters: list[Chapter] = field(default_factory=list)  # as in the MP3 and its chapters file
    cues: list[Cue] = field(default_factory=list)  # the transcript, one cue per sentence

    def to_json(self) -> dict:
        return {
            "guid": self.guid,
            "date": self.date.isoformat(),
            "title": self.title,
            "summary": self.summary,
            "headlines": self.headlines,
            "media": self.media,
            "length": self.length,
            "duration": round(self.duration, 3),
            "published": self.published.isoformat(),
            "engine": self.engine,
            "sidecars": self.sidecars,
            **({"links": self.links} if any(self.links) else {}),
            "chapters": [[round(c.start, 3), round(c.end, 3), c.title] for c in self.chapters],
            "cues": [[round(c.start, 3), round(c.end, 3), c.text] for c in self.cues],
        }

    @classmethod
    def from_json(cls, data: dict) -> Episode:
        return cls(
            guid=data["guid"],
            date=dt.date.fromisoformat(data["date"]),
            title=data["title"],
            summary=data.get("summary", ""),
            headlines=list(data.get("headlines", [])),
            media=data["media"],
            length=int(data["length"]),
            duration=float(data["duration"]),
            published=dt.datetime.fromisoformat(data["published"]),
            engine=data.get("engine", ""),
            sidecars=dict(data.get("sidecars", {})),
            links=[link if isinstance(link, str) else None for link in data.get("links", [])],
            chapters=[Chapter(title=str(title), start=float(start), end=float(end))
                      for start, end, title in data.get("chapters", [])],
            cues=[Cue(float(start), float(end), str(text)) for start, end, text in data.get("cues", [])],
        )
