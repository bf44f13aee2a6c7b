"""The show's web page (OUT/index.html): cover, subscribe link, and every listed episode
newest first with a player, its chapters (a click seeks) and its transcript.

The page is static and uses relative links, so it works from `briefing serve` and from any
web host the output folder is uploaded to. Without JavaScript, a chapter link still opens
the audio at that time (a media fragment, `#t=`).
"""

from __future__ import annotations

import json
import logging
import re
from html import escape
from pathlib import Path

from ..models import Cue, Episode
from ..settings import Settings

log = logging.getLogger(__name__)

HTML_LANG = {"zh": "zh-CN", "en": "en"}
WORDS = {
    "zh": {"subscribe": "订阅", "feed_hint": "在播客应用中添加这个地址：", "chapters": "章节",
           "transcript": "文字稿", "empty": "还没有节目。", "no_audio": "你的浏览器不能播放音频："},
    "en": {"subscribe": "Subscribe", "feed_hint": "Add this address in your podcast app:", "chapters": "Chapters",
           "transcript": "Transcript", "empty": "No episodes yet.",
           "no_audio": "Your browser cannot play audio:"},
}

STYLE = """
:root { color-scheme: light dark; --accent: #d9822b; }
body { margin: 0 auto; max-width: 46rem; padding: 1.5rem 1rem 4rem; line-height: 1.6;
  font-family: system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC",
  "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
header { display: flex; gap: 1.25rem; align-items: center; flex-wrap: wrap; }
header img { width: 9rem; height: 9rem; border-radius: .75rem; }
header h1 { margin: 0 0 .25rem; font-size: 1.6rem; }
.subscribe { font-size: .9rem; }
.subscribe code { word-break: break-all; }
article { border-top: 1px solid #8884; padding: 1rem 0; }
article h2 { font-size: 1.2rem; margin: 0 0 .25rem; }
time { color: #888; font-size: .9rem; }
audio { width: 100%; margin: .75rem 0; }
ol.chapters { padding-left: 1.5rem; }
.chapters a, .transcript a { color: inherit; text-decoration: none; }
.chapters a:hover, .transcript a:hover { color: var(--accent); }
.chapters .at { font-variant-numeric: tabular-nums; color: #888; margin-right: .5rem; }
.transcript p { margin: .25rem 0; }
"""

SCRIPT = """
document.addEventListener('click', function (event) {
  var link = event.target.closest('a[data-start]');
  if (!link) return;
  var audio = document.getElementById(link.dataset.audio);
  if (!audio) return;
  event.preventDefault();
  audio.currentTime = parseFloat(link.dataset.start);
  var playing = audio.play();
  if (playing && playing.catch) playing.catch(function () {});
});
"""


def render_page(episodes: list[Episode], settings: Settings, cover_name: str, episodes_dir: Path) -> str:
    show = settings.show
    words = WORDS.get(show.language, WORDS["en"])
    listed = sorted(episodes, key=lambda e: e.date, reverse=True)
    body = "\n".join(_episode(e, episodes_dir, words) for e in listed) or f"<p>{words['empty']}</p>"
    return f"""<!doctype html>
<html lang="{HTML_LANG.get(show.language, show.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(show.title)}</title>
<meta name="description" content="{escape(show.description)}">
<link rel="alternate" type="application/rss+xml" title="{escape(show.title)}" href="feed.xml">
<link rel="icon" href="{escape(cover_name)}">
<style>{STYLE}</style>
</head>
<body>
<header>
<img src="{escape(cover_name)}" alt="{escape(show.title)}" width="144" height="144">
<div>
<h1>{escape(show.title)}</h1>
<p>{escape(show.description)}</p>
<p class="subscribe"><a href="feed.xml" type="application/rss+xml">{words['subscribe']} (RSS)</a>
&middot; {words['feed_hint']} <code>{escape(settings.publish.feed_url)}</code></p>
</div>
</header>
<main>
{body}
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""


def _episode(episode: Episode, folder: Path, words: dict[str, str]) -> str:
    audio_id = f"audio-{episode.date.isoformat()}"
    src = f"episodes/{episode.media}"
    parts = [
        f'<article id="episode-{episode.date.isoformat()}">',
        f"<h2>{escape(episode.title)}</h2>",
        f'<time datetime="{episode.date.isoformat()}">{episode.date.isoformat()}</time> &middot; '
        f"{_clock(round(episode.duration))}",
        f'<audio id="{audio_id}" controls preload="metadata" src="{escape(src)}">'
        f'{words["no_audio"]} <a href="{escape(src)}">{escape(episode.media)}</a></audio>',
    ]
    chapters = _chapters(folder, episode.sidecars.get("chapters"))
    if chapters:
        parts.append(f"<h3>{words['chapters']}</h3>")
        parts.append('<ol class="chapters">' + "".join(
            f'<li><a class="chapter" href="{escape(src)}#t={start:.3f}" data-audio="{audio_id}" '
            f'data-start="{start:.3f}"><span class="at">{_clock(start)}</span>{escape(title)}</a></li>'
            for start, title in chapters) + "</ol>")
    elif episode.headlines:
        parts.append("<ol>" + "".join(f"<li>{escape(h)}</li>" for h in episode.headlines) + "</ol>")
    cues = _cues(folder, episode.sidecars.get("srt"))
    if cues:
        parts.append(f'<details class="transcript"><summary>{words["transcript"]}</summary>' + "".join(
            f'<p><a href="{escape(src)}#t={cue.start:.3f}" data-audio="{audio_id}" data-start="{cue.start:.3f}">'
            f"{escape(cue.text)}</a></p>" for cue in cues) + "</details>")
    parts.append("</article>")
    return "\n".join(parts)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _chapters(folder: Path, name: str | None) -> list[tuple[float, str]]:
    """(start, title) from a Podcasting 2.0 chapters file; empty if it is missing or damaged."""
    if not name:
        return []
    try:
        data = json.loads((folder / name).read_text("utf-8"))
        return sorted((float(c["startTime"]), str(c.get("title", ""))) for c in data["chapters"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("chapters %s left off the page: %s", name, exc)
        return []


_SRT_TIME = re.compile(r"(\d+):(\d\d):(\d\d)[,.](\d{3})\s*-->\s*(\d+):(\d\d):(\d\d)[,.](\d{3})")


def _cues(folder: Path, name: str | None) -> list[Cue]:
    """The cues of a SubRip transcript; empty if it is missing."""
    if not name:
        return []
    try:
        text = (folder / name).read_text("utf-8-sig")
    except (OSError, ValueError) as exc:
        log.warning("transcript %s left off the page: %s", name, exc)
        return []
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        for k, line in enumerate(lines):
            match = _SRT_TIME.search(line)
            if match:
                h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
                words = " ".join(lines[k + 1:]).strip()
                if words:
                    cues.append(Cue(h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000,
                                    words))
                break
    return cues
