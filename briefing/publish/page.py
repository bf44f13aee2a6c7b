"""The show's web page (OUT/index.html), made from the episode history: cover, a subscribe
block (the feed address with a copy button, links that open it in podcast apps, and a QR
code of it), and every listed episode newest first with a player, a download link, its
stories as chapters (a click seeks) with their source links, and its transcript.

The page is static and uses relative links, so it works from `briefing serve` and from any
web host the output folder is uploaded to. It needs no JavaScript: a chapter link opens the
audio at that time (a media fragment, `#t=`), the feed address can be selected and copied by
hand; the script only seeks in place and adds the copy button.
"""

from __future__ import annotations

import logging
import re
from html import escape
from urllib.parse import quote

import segno

from ..models import Episode
from ..settings import Settings
from ..text.script import has_han
from .feed import default_copyright

log = logging.getLogger(__name__)

HTML_LANG = {"zh": "zh-CN", "en": "en"}
WORDS = {
    "zh": {"subscribe": "订阅", "feed_label": "节目源地址（RSS）", "feed_hint": "在播客应用中添加这个地址：",
           "copy": "复制地址", "copied": "已复制", "open_in": "在应用中打开：", "other_apps": "其他播客应用",
           "scan": "用手机扫描二维码订阅（手机需能访问这个地址）", "qr": "节目源地址的二维码",
           "episodes": "节目", "chapters": "章节", "source": "原文", "transcript": "文字稿",
           "download": "下载 MP3", "empty": "还没有节目。", "no_audio": "你的浏览器不能播放音频：",
           "cover": "节目封面", "play": "播放"},
    "en": {"subscribe": "Subscribe", "feed_label": "Feed address (RSS)", "feed_hint": "Add this address in your podcast app:",
           "copy": "Copy address", "copied": "Copied", "open_in": "Open in:", "other_apps": "Other podcast apps",
           "scan": "Scan the QR code with a phone to subscribe (the phone must reach this address)",
           "qr": "QR code of the feed address", "episodes": "Episodes", "chapters": "Chapters", "source": "source",
           "transcript": "Transcript", "download": "Download MP3", "empty": "No episodes yet.",
           "no_audio": "Your browser cannot play audio:", "cover": "Show cover", "play": "Play"},
}

# Colours pass WCAG AA (4.5:1 for text) in both schemes; the accent is for borders only.
STYLE = """
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #ffffff; --muted: #575757; --link: #0a4fb8;
  --line: #d0d0d0; --panel: #f3f4f6; --accent: #b45309; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #ececec; --bg: #14161a; --muted: #b0b0b0; --link: #8ab4f8; --line: #3a3d44; --panel: #1f2228; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 46rem; padding: 1.25rem 1rem 4rem; line-height: 1.6; color: var(--fg);
  background: var(--bg); overflow-wrap: break-word;
  font-family: system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC",
  "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible {
  outline: 3px solid var(--link); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .5rem; }
header.show { display: flex; gap: 1.25rem; align-items: center; flex-wrap: wrap; }
header.show img { width: 9rem; height: 9rem; border-radius: .75rem; flex: none; }
header.show div { flex: 1 1 16rem; min-width: 0; }
h1 { margin: 0 0 .25rem; font-size: 1.6rem; line-height: 1.3; }
.subscribe { margin: 1.5rem 0; padding: 1rem; border-radius: .75rem; background: var(--panel);
  border-left: 4px solid var(--accent); }
.subscribe h2 { margin: 0 0 .5rem; font-size: 1.2rem; }
.subscribe p { margin: .25rem 0; }
.feed { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
.feed label { flex-basis: 100%; font-weight: 600; }
.feed input { flex: 1 1 20rem; min-width: 0; font: inherit; font-family: ui-monospace, monospace;
  font-size: .95rem; padding: .45rem .5rem; color: var(--fg); background: var(--bg);
  border: 1px solid var(--muted); border-radius: .375rem; }
button { font: inherit; padding: .45rem .9rem; border-radius: .375rem; border: 1px solid var(--link);
  background: var(--link); color: var(--bg); cursor: pointer; min-height: 2.75rem; }
.status { color: var(--muted); min-width: 4em; }
ul.apps { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem; padding: 0; margin: .5rem 0; }
ul.apps a { display: inline-block; padding: .45rem .75rem; min-height: 2.75rem; border: 1px solid var(--line);
  border-radius: 999px; background: var(--bg); text-decoration: none; line-height: 1.75rem; }
figure.qr { margin: .75rem 0 0; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
figure.qr svg { width: 12rem; height: 12rem; flex: none; background: #fff; border-radius: .25rem; }
figure.qr figcaption { flex: 1 1 12rem; color: var(--muted); font-size: .95rem; }
main > h2 { font-size: 1.3rem; margin: 2rem 0 0; }
article { border-top: 1px solid var(--line); padding: 1rem 0; }
article h2 { font-size: 1.2rem; margin: 0 0 .25rem; line-height: 1.4; }
article h3 { font-size: 1rem; margin: .75rem 0 .25rem; }
.meta, .at { color: var(--muted); font-size: .95rem; font-variant-numeric: tabular-nums; }
audio { display: block; width: 100%; margin: .75rem 0 .25rem; }
.download { margin: .25rem 0; }
ol.chapters { padding-left: 1.5rem; margin: .25rem 0; }
ol.chapters li { margin: .2rem 0; }
.chapter { color: inherit; }
.chapter .at { margin-right: .5rem; }
.source { font-size: .9rem; margin-left: .4rem; }
details.transcript { margin-top: .75rem; }
details.transcript summary { cursor: pointer; font-weight: 600; min-height: 2rem; }
.transcript p { margin: .35rem 0; }
.transcript a { color: inherit; text-decoration: none; }
.transcript a:hover { text-decoration: underline; }
footer { margin-top: 2rem; color: var(--muted); font-size: .9rem; }
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
(function () {
  var button = document.getElementById('copy-feed'), field = document.getElementById('feed-url');
  var status = document.getElementById('copy-status');
  if (!button || !field) return;
  field.addEventListener('focus', function () { field.select(); });
  button.hidden = false;
  button.addEventListener('click', function () {
    function done() { status.textContent = button.dataset.copied; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      field.select();
      try { if (document.execCommand('copy')) done(); } catch (e) {}
    }
  });
})();
"""


def render_page(episodes: list[Episode], settings: Settings, cover_name: str) -> str:
    show = settings.show
    words = WORDS.get(show.language, WORDS["en"])
    lang = show.language
    listed = sorted(episodes, key=lambda e: e.date, reverse=True)
    copyright = default_copyright(settings)
    body = "\n".join(_episode(e, words, lang) for e in listed) or f"<p>{words['empty']}</p>"
    return f"""<!doctype html>
<html lang="{HTML_LANG.get(lang, lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{escape(show.title)}</title>
<meta name="description" content="{escape(show.description)}">
<link rel="alternate" type="application/rss+xml" title="{escape(show.title)}" href="feed.xml">
<link rel="icon" href="{escape(cover_name)}">
<style>{STYLE}</style>
</head>
<body>
<a class="skip" href="#episodes">{words['episodes']}</a>
<header class="show">
<img src="{escape(cover_name)}" alt="{words['cover']}" width="144" height="144">
<div>
<h1{_lang(show.title, lang)}>{escape(show.title)}</h1>
<p{_lang(show.description, lang)}>{escape(show.description)}</p>
</div>
</header>
{_subscribe(settings, words)}
<main id="episodes">
{body}
</main>
<footer><p><span{_lang(copyright, lang)}>{escape(copyright)}</span> &middot;
<a href="feed.xml" type="application/rss+xml" lang="en">RSS</a></p></footer>
<script>{SCRIPT}</script>
</body>
</html>
"""


def subscribe_links(feed_url: str) -> list[tuple[str, str]]:
    """(app, link that opens the feed in it): each app's documented subscribe scheme."""
    bare = re.sub(r"^https?://", "", feed_url)
    encoded = quote(feed_url, safe="")
    return [
        ("Apple Podcasts", f"podcasts://{bare}"),
        ("Pocket Casts", f"pktc://subscribe/{bare}"),
        ("Overcast", f"overcast://x-callback-url/add?url={encoded}"),
        ("AntennaPod", f"https://antennapod.org/deeplink/subscribe?url={encoded}"),
    ]


def feed_qr_svg(feed_url: str, label: str) -> str:
    """The feed address as a QR code, inline SVG (segno), labelled for screen readers."""
    svg = segno.make(feed_url, error="m").svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-code",
                                                      lineclass=None, dark="#000", light="#fff", title=label)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def _subscribe(settings: Settings, words: dict[str, str]) -> str:
    feed_url = settings.publish.feed_url
    apps = "".join(f'<li><a href="{escape(link)}" lang="en">{escape(app)}</a></li>'
                   for app, link in subscribe_links(feed_url))
    generic = re.sub(r"^https?://", "podcast://", feed_url)
    return f"""<section class="subscribe" aria-labelledby="subscribe-title">
<h2 id="subscribe-title">{words['subscribe']}</h2>
<p>{words['feed_hint']}</p>
<div class="feed">
<label for="feed-url">{words['feed_label']}</label>
<input id="feed-url" type="url" readonly value="{escape(feed_url)}" spellcheck="false" autocomplete="off">
<button type="button" id="copy-feed" data-copied="{words['copied']}" hidden>{words['copy']}</button>
<span id="copy-status" class="status" role="status" aria-live="polite"></span>
</div>
<p>{words['open_in']}</p>
<ul class="apps">{apps}<li><a href="{escape(generic)}">{words['other_apps']}</a></li>
<li><a href="feed.xml" type="application/rss+xml" lang="en">RSS</a></li></ul>
<figure class="qr">
{feed_qr_svg(feed_url, words['qr'])}
<figcaption>{words['scan']}</figcaption>
</figure>
</section>"""


def _episode(episode: Episode, words: dict[str, str], lang: str) -> str:
    day = episode.date.isoformat()
    audio_id = f"audio-{day}"
    src = escape(f"episodes/{episode.media}")
    parts = [
        f'<article id="episode-{day}" aria-labelledby="title-{day}">',
        f'<h2 id="title-{day}"{_lang(episode.title, lang)}>{escape(episode.title)}</h2>',
        f'<p class="meta"><time datetime="{day}">{day}</time> &middot; {_clock(round(episode.duration))}</p>',
        (f'<audio id="{audio_id}" controls preload="metadata" src="{src}" '
         f'aria-label="{words["play"]}: {escape(episode.title)}">'
         f'{words["no_audio"]} <a href="{src}">{escape(episode.media)}</a></audio>'),
        (f'<p class="download"><a href="{src}" download type="audio/mpeg">{words["download"]}</a> '
         f'<span class="meta">({_size(episode.length)})</span></p>'),
    ]
    links = {h: link for h, link in zip(episode.headlines, episode.links) if link}
    chapters = [(c.start, c.title) for c in episode.chapters]
    if chapters:
        parts.append(f"<h3>{words['chapters']}</h3>")
        parts.append('<ol class="chapters">' + "".join(
            f'<li><a class="chapter" href="{src}#t={start:.3f}" data-audio="{audio_id}" data-start="{start:.3f}">'
            f'<span class="at">{_clock(start)}</span><span{_lang(title, lang)}>{escape(title)}</span></a>'
            f"{_source(links.get(title), title, words)}</li>"
            for start, title in chapters) + "</ol>")
    elif episode.headlines:
        parts.append("<ol>" + "".join(
            f"<li><span{_lang(h, lang)}>{escape(h)}</span>{_source(links.get(h), h, words)}</li>"
            for h in episode.headlines) + "</ol>")
    cues = episode.cues
    if cues:
        parts.append(f'<details class="transcript"><summary>{words["transcript"]}</summary>' + "".join(
            f'<p{_lang(cue.text, lang)}><a href="{src}#t={cue.start:.3f}" data-audio="{audio_id}" '
            f'data-start="{cue.start:.3f}">{escape(cue.text)}</a></p>' for cue in cues) + "</details>")
    parts.append("</article>")
    return "\n".join(parts)


def _source(url: str | None, title: str, words: dict[str, str]) -> str:
    if not url:
        return ""
    return (f' <a class="source" href="{escape(url)}" rel="noopener" '
            f'aria-label="{words["source"]}: {escape(title)}">{words["source"]}</a>')


def _lang(text: str, page_lang: str) -> str:
    """A lang attribute for text in the other language than the page's (Latin-only text on a
    Chinese page is English; text with Han characters on an English page is Chinese)."""
    if page_lang == "zh" and not has_han(text) and re.search(r"[A-Za-z]{2}", text):
        return ' lang="en"'
    if page_lang == "en" and has_han(text):
        return ' lang="zh-CN"'
    return ""


def _size(length: int) -> str:
    if length >= 1_000_000:
        return f"{length / 1_000_000:.1f} MB"
    return f"{max(1, round(length / 1000))} KB"


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
