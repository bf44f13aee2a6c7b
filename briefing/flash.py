"""The smart-speaker feed: OUT/NAME/flash.json in Amazon's Flash Briefing feed format.

A JSON array of the newest episodes, newest first, each with uid, updateDate
(yyyy-MM-ddTHH:mm:ss.0Z, UTC), titleText, mainText, streamUrl (the MP3) and redirectionUrl
(the edition's page). Alexa asks for audio of at most 10 minutes at -14 LUFS integrated
with true peaks at or under -2 dBTP, served over HTTPS: a flash edition's budget is cut to
FLASH_MAX_MINUTES and its audio mastered to FLASH_LUFS (the mastering's true-peak goal is
-2 dBTP for every edition).
"""

from __future__ import annotations

import datetime as dt
import json

from .files import write_atomic
from .models import Episode
from .publish.feed import media_url
from .publish.store import load_episodes
from .settings import Settings

FLASH = "flash.json"
FLASH_LUFS = -14.0
FLASH_MAX_MINUTES = 9.0  # the budget; its +-10 % then stays under Alexa's 10 minutes
ITEMS = 5  # newest episodes listed


def flash_items(episodes: list[Episode], settings: Settings) -> list[dict[str, str]]:
    return [{
        "uid": episode.guid,
        "updateDate": episode.published.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.0Z"),
        "titleText": episode.title,
        "mainText": episode.summary.replace("\n", " "),
        "streamUrl": media_url(settings, episode.media),
        "redirectionUrl": settings.publish.base_url + "index.html",
    } for episode in episodes[:ITEMS]]


def write_flash(settings: Settings) -> None:
    """(Re)write OUT/flash.json from the episode history (newest first)."""
    episodes = sorted(load_episodes(settings.out_dir), key=lambda e: e.published, reverse=True)
    text = json.dumps(flash_items(episodes, settings), ensure_ascii=False, indent=2) + "\n"
    write_atomic(settings.out_dir / FLASH, text)
