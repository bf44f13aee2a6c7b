"""ID3v2.3 tags with mutagen: title, show, date, genre, summary, cover and one chapter per story."""

from __future__ import annotations

from pathlib import Path

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TPE1,
    CTOCFlags,
)
from mutagen.id3._tags import save_frame

from ..models import Chapter
from ..text.script import has_han


class _ChaptersInOrderID3(ID3):
    """Writes the CHAP frames in time order, after the other frames.

    mutagen orders frames by size. The CTOC frame gives the chapter order, but some
    readers (ffmpeg among them) list chapters in file order, so the file keeps them sorted.
    """

    def _write(self, config):
        chapters = sorted(self.getall("CHAP"), key=lambda frame: frame.start_time)
        self.delall("CHAP")
        try:
            return super()._write(config) + b"".join(save_frame(frame, config=config) for frame in chapters)
        finally:
            for frame in chapters:
                self.add(frame)


def write_tags(mp3: Path, *, title: str, artist: str, album: str, date: str, summary: str,
               chapters: list[Chapter], cover: tuple[bytes, str] | None = None) -> None:
    tags = _ChaptersInOrderID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TPE1(encoding=3, text=artist))
    tags.add(TALB(encoding=3, text=album))
    tags.add(TDRC(encoding=3, text=date))
    tags.add(TCON(encoding=3, text="Podcast"))
    tags.add(COMM(encoding=3, lang="chi" if has_han(summary) else "eng", desc="", text=summary))
    if cover is not None:
        data, mime = cover
        tags.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=data))
    ids = [f"chp{i}" for i in range(len(chapters))]
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                  sub_frames=[TIT2(encoding=3, text=album)]))
    for element_id, chapter in zip(ids, chapters):
        tags.add(CHAP(element_id=element_id, start_time=_ms(chapter.start), end_time=_ms(chapter.end),
                      sub_frames=[TIT2(encoding=3, text=chapter.title)]))
    tags.save(str(mp3), v2_version=3)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)
