"""ID3v2.3 tags with mutagen: title, show, date, genre, summary, cover and one chapter per story."""

from __future__ import annotations

from pathlib import Path

from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TPE1, CTOCFlags

from ..models import Chapter


def write_tags(mp3: Path, *, title: str, artist: str, album: str, date: str, summary: str,
               chapters: list[Chapter], cover: tuple[bytes, str] | None = None) -> None:
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TPE1(encoding=3, text=artist))
    tags.add(TALB(encoding=3, text=album))
    tags.add(TDRC(encoding=3, text=date))
    tags.add(TCON(encoding=3, text="Podcast"))
    tags.add(COMM(encoding=3, lang="chi" if _has_cjk(summary) else "eng", desc="", text=summary))
    if cover is not None:
        data, mime = cover
        tags.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=data))
    ids = [f"chp{i}" for i in range(len(chapters))]
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                  sub_frames=[TIT2(encoding=3, text=album)]))
    for element_id, chapter in zip(ids, chapters):
        tags.add(CHAP(element_id=element_id, start_time=int(round(chapter.start * 1000)),
                      end_time=int(round(chapter.end * 1000)), sub_frames=[TIT2(encoding=3, text=chapter.title)]))
    tags.save(str(mp3), v2_version=3)


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)
