"""Editions: several bulletins of one show from the same reporting, in one build.

Each `[[editions]]` table of briefing.toml (name, title, minutes; optionally voice,
item_seconds, loudness, format) is published as its own podcast under OUT/NAME/ (feed,
episodes, page, broadcast memory), and OUT/index.html links them all. Every edition
speaks through the same clip cache (OUT/.cache, or the configured one), and a story an
earlier edition read keeps the lead it had there (context.SharedLeads: only a story no
earlier edition read is lengthened or cut to fill a slot), so it is not synthesized
again. An edition with format = "flash" also writes a smart-speaker feed (briefing.flash).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:
    from .context import Progress
    from .pipeline import BuildResult
    from .settings import Settings

FORMATS = ("podcast", "flash")
SHOW_PAGE = "index.html"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
KEYS = {"name", "title", "minutes", "voice", "item_seconds", "loudness", "format"}  # of an [[editions]] table


@dataclass(frozen=True)
class Edition:
    name: str  # its folder under OUT/, and its URL path
    title: str  # the podcast's name, spoken in the opening
    minutes: float
    voice: str | None = None  # None: the show's voice
    item_seconds: float | None = None  # None: the show's
    loudness: float | None = None  # LUFS; None: the show's, or -14 for a flash edition
    format: str = "podcast"

    def __post_init__(self) -> None:
        where = f"edition {self.name!r}"
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            raise ConfigError(f"edition name {self.name!r} must be lower-case letters, digits, - or _ "
                              "(it names a folder and a URL)")
        if not isinstance(self.title, str) or not self.title.strip():
            raise ConfigError(f"{where}: title must be text in quotes")
        if self.format not in FORMATS:
            raise ConfigError(f"{where}: format must be one of {', '.join(FORMATS)}, not {self.format!r}")
        for key in ("minutes", "item_seconds", "loudness"):
            value = getattr(self, key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise ConfigError(f"{where}: {key} must be a number, not {value!r}")


def edition_settings(settings: Settings, edition: Edition) -> tuple[Settings, list[str]]:
    """The settings one edition builds with, and what the user should know about them."""
    from dataclasses import replace

    from .flash import FLASH_LUFS, FLASH_MAX_MINUTES

    notes = []
    minutes = float(edition.minutes)
    loudness = edition.loudness if edition.loudness is not None else settings.assemble.loudness_lufs
    if edition.format == "flash":
        loudness = edition.loudness if edition.loudness is not None else FLASH_LUFS
        if minutes > FLASH_MAX_MINUTES:
            notes.append(f"{edition.name}: a flash briefing lasts at most 10 minutes; its {minutes:g}-minute "
                         f"budget is cut to {FLASH_MAX_MINUTES:g}")
            minutes = FLASH_MAX_MINUTES
    try:
        edition_values = settings.with_overrides(
            out_dir=settings.out_dir / edition.name, base_url=f"{settings.publish.base_url}{edition.name}/",
            cache_dir=settings.cache, show=replace(settings.show, title=edition.title), minutes=minutes,
            voice=edition.voice or settings.speak.voice, item_seconds=float(edition.item_seconds or settings.leads.item_seconds),
            loudness_lufs=float(loudness), editions=())
    except ConfigError as exc:
        raise ConfigError(f"edition {edition.name!r}: {exc}") from None
    return edition_values, notes


def build_editions(sources: list, settings: Settings, progress: Progress) -> list[tuple[Edition, BuildResult]]:
    """Build and publish every edition, then the show page linking them."""
    from .context import Context, SharedLeads
    from .files import write_atomic
    from .flash import FLASH_MAX_MINUTES, write_flash
    from .pipeline import build

    results = []
    leads = SharedLeads()  # a story keeps the lead the first edition to read it chose
    for edition in settings.editions:
        edition_values, notes = edition_settings(settings, edition)
        for note in notes:
            progress.note(note)
        result = build(sources, Context(edition_values, _Named(progress, edition.name), leads=leads))
        if edition.format == "flash":
            write_flash(edition_values)
            if result.episode.duration > FLASH_MAX_MINUTES * 60 / 0.9:
                progress.note(f"{edition.name}: runs {result.episode.duration / 60:.1f} minutes, over the "
                              "10 minutes a flash briefing may last; lower its minutes")
        results.append((edition, result))
    write_atomic(settings.out_dir / SHOW_PAGE, render_show_page(settings))
    return results


class _Named:
    """Progress whose notes name the edition they are about."""

    def __init__(self, progress: Progress, name: str) -> None:
        self.progress, self.name = progress, name

    def stage(self, name: str, total: int | None = None) -> None:
        self.progress.stage(name, total)

    def advance(self, steps: int = 1) -> None:
        self.progress.advance(steps)

    def note(self, message: str) -> None:
        self.progress.note(f"{self.name}: {message}")


_WORDS = {"zh": {"feed": "订阅地址", "page": "节目页", "minutes": "分钟"},
          "en": {"feed": "feed", "page": "page", "minutes": "minutes"}}


def render_show_page(settings: Settings) -> str:
    """OUT/index.html: the show and a link to every edition's page and feed (relative links)."""
    lang = settings.show.language
    words = _WORDS.get(lang, _WORDS["en"])
    rows = []
    for edition in settings.editions:
        name = escape(edition.name)
        extra = f' · <a href="{name}/flash.json">flash.json</a>' if edition.format == "flash" else ""
        rows.append(f'<li><a href="{name}/index.html"><strong>{escape(edition.title)}</strong></a> '
                    f'({edition.minutes:g} {words["minutes"]}) · <a href="{name}/index.html">{words["page"]}</a> · '
                    f'<a href="{name}/feed.xml">{words["feed"]}</a>{extra}</li>')
    title = escape(settings.show.title)
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            '<style>body{margin:0 auto;max-width:46rem;padding:1.5rem 1rem;line-height:1.7;'
            'font-family:system-ui,sans-serif}</style>\n</head>\n<body>\n'
            f'<h1>{title}</h1>\n<p>{escape(settings.show.description)}</p>\n<ul>\n' + "\n".join(rows)
            + "\n</ul>\n</body>\n</html>\n")
