"""The assemble stage: clips -> one mastered, tagged MP3 with chapters and transcripts.

Every clip is resampled to 44.1 kHz, trimmed, compressed, faded and levelled (layout.py);
the pieces are laid on a timeline that records where each sentence and story lands and
joined once; the whole is brought to the target loudness under a true-peak ceiling and
encoded, and the MP3 is measured and corrected until it meets both (master.py). Tags and
sidecars (chapters, transcripts) come from the same timeline.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np

from ..artwork import cover_file, embedded_cover
from ..context import Context
from ..files import staging_dir
from ..models import Bulletin, Script, Speech
from . import memo
from .layout import RATE, Layout, Pauses, lay_out, prepare_clip, warm_up
from .master import TARGET_LUFS, Measurement, master, master_to_mp3
from .sidecars import write_sidecars
from .tags import write_tags

__all__ = [
    "RATE",
    "TARGET_LUFS",
    "Layout",
    "Measurement",
    "Pauses",
    "assemble",
    "episode_title",
    "lay_out",
    "master",
    "master_to_mp3",
    "prepare_clip",
]

log = logging.getLogger(__name__)


def episode_title(script: Script) -> str:
    date = script.date
    when = f"{date.year}年{date.month}月{date.day}日" if script.lang == "zh" else date.strftime("%B ") + f"{date.day}, {date.year}"
    return f"{script.show_title} {when}"


def prepare(ctx: Context) -> None:
    """What assembly needs that does not depend on the speech: libraries, sounds, the cover.
    The pipeline runs this while the voices speak, when the processor is mostly waiting."""
    warm_up()
    embedded_cover(cover_file(ctx.settings))


def assemble(speech: Speech, ctx: Context) -> Bulletin:
    """Mix, master, encode and tag the bulletin, or recall it when nothing it is made of changed."""
    settings = ctx.settings
    ctx.progress.stage("mastering")
    staging = staging_dir(settings.out_dir)
    staging.mkdir(parents=True, exist_ok=True)
    cover = cover_file(settings)
    key = memo.bulletin_key(speech, settings, cover)
    if key is not None:
        recalled = memo.recall(key, speech, settings, staging)
        if recalled is not None:
            log.info("bulletin unchanged: reused the one made before")
            return recalled
    bulletin = _assemble(speech, ctx, staging, cover)
    if key is not None:
        memo.remember(key, bulletin, settings)
    return bulletin


def _assemble(speech: Speech, ctx: Context, staging: Path, cover: Path) -> Bulletin:
    settings = ctx.settings
    layout = lay_out(speech, music_bed=settings.assemble.music_bed)
    digest = hashlib.sha256(np.ascontiguousarray(layout.mix).data).hexdigest()[:8]  # no copy of the mix
    mp3 = staging / f"{settings.date.isoformat()}-{digest}.mp3"
    with ctx.timed("mastering"):  # loudness, limiting, encoding and the check of the encoded file
        # in place: the raw mix is not needed again, and a second copy of a long bulletin is not free
        mastered, measured = master_to_mp3(layout.mix, layout.rate, mp3, settings.assemble.bitrate_kbps,
                                          target_lufs=settings.assemble.loudness_lufs, in_place=True)
    log.info("bulletin: %.1f LUFS, %.1f dBTP, %.1f s", measured.lufs, measured.true_peak, layout.duration)
    script = speech.script
    headlines = [item.title for item in script.items]
    write_tags(mp3, title=episode_title(script), artist=settings.show.author, album=settings.show.title,
               date=settings.date.isoformat(), summary="；".join(headlines) if script.lang == "zh" else "; ".join(headlines),
               chapters=layout.chapters, cover=embedded_cover(cover))
    sidecars = write_sidecars(mp3, layout.chapters, layout.cues)
    return Bulletin(script=script, audio=mp3, duration=mastered.size / layout.rate, chapters=layout.chapters,
                    cues=layout.cues, sidecars=sidecars)
