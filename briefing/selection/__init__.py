"""The select stage: articles -> the stories this episode reads, most important first.

1. Rank every story (ranking.py: its place in its source, the input it came from, how many
   sources carry it, the room it was given, how recent it is).
2. Leave out what the show broadcast in the last `repeat_days` days (memory.py): the same
   source guid or URL, the same title, or a lead that is nearly the same (Jaccard similarity
   of character shingles, for Chinese and English alike). A story with the same guid, URL or
   title whose lead changed substantially is read again as an update, its headline marked
   (UPDATE_MARK). `--allow-repeats` turns this off for one build.
3. With a time budget (`minutes`), keep the most important stories that fill it (budget.py)
   and drop the rest; when whole stories miss it, lengthen or cut the lead of the least
   important story kept that no earlier edition of the build read (context.SharedLeads:
   a story another edition read keeps the lead it had there, so it sounds the same).
What was left out, and why, goes to the build summary and to the --debug log.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from ..context import Context
from ..errors import InputError
from ..leads import write_leads
from ..models import Article, Item
from ..settings import Settings
from .budget import Estimator, fit
from .memory import (
    Broadcast,
    fingerprint,
    load_memory,
    normalised,
    recent,
    remember,
    similarity,
)
from .ranking import rank

__all__ = ["UPDATE_MARK", "record_broadcast", "select_stories"]

log = logging.getLogger(__name__)

UPDATE_MARK = {"zh": "更新：", "en": "Update: "}
FILL_TOLERANCE = 0.08  # the last lead is stretched or cut when the estimate misses the slot by more
SLOT_TOLERANCE = 0.10  # the summary says so when the bulletin still misses its slot by more
NEARLY_SAME = 0.6  # lead similarity from which a story is the one already read
_GENERATED_ID = re.compile(r".+-\d{2,}")  # what the read stage names a story that came without an id


@dataclass
class _Story:
    article: Article
    item: Item
    score: float
    key: tuple[str, str]  # where context.SharedLeads keeps its lead
    agreed: bool = False  # an earlier edition of this build read it: its lead stays as it was there


def select_stories(articles: list[Article], ctx: Context) -> list[Article]:
    settings = ctx.settings
    ranked = rank(articles, settings.date)
    keys = [_lead_key(r.article, settings) for r in ranked]
    agreed = [ctx.leads.seconds.get(key) for key in keys]
    chosen = [r.article if seconds is None else replace(r.article, lead_seconds=seconds)
              for r, seconds in zip(ranked, agreed)]
    with ctx.timed("estimates"):
        items = write_leads(chosen, ctx)  # what each would say, and how long it takes
    stories = [_Story(article, item, r.score, key, seconds is not None)
               for r, article, item, key, seconds in zip(ranked, chosen, items, keys, agreed)]
    for r in ranked:
        log.debug("rank %.2f %s (%s)", r.score, r.article.title,
                  ", ".join(f"{k} {v:.2f}" for k, v in r.parts.items()))
    if not settings.select.allow_repeats:
        stories = _without_repeats(stories, ctx)
    if settings.select.minutes is not None and stories:
        stories, some_dropped = _within_budget(stories, settings.select.minutes, ctx)
        with ctx.timed("estimates"):
            _fill_slot(stories, settings.select.minutes, some_dropped, ctx)
    for story in stories:  # the editions after this one read these stories as this one does
        ctx.leads.seconds.setdefault(story.key, story.article.lead_seconds or settings.leads.item_seconds)
    ctx.report.selected = [s.article for s in stories]
    return ctx.report.selected


def _lead_key(article: Article, settings: Settings) -> tuple[str, str]:
    """How the edition reads (an edition with its own item_seconds or voice has leads of its
    own, and no clip to share) and which story: where SharedLeads keeps the story's lead."""
    reading = f"{settings.leads.item_seconds:g} {settings.speak.voice or ''}"
    return reading, story_identity(article) or article.id or article.title


def _without_repeats(stories: list[_Story], ctx: Context) -> list[_Story]:
    settings = ctx.settings
    memory = recent(load_memory(settings.out_dir), settings.date, settings.select.repeat_days)
    kept, repeats = [], []
    for story in stories:
        earlier, changed = _broadcast_before(story, memory)
        if earlier is None:
            kept.append(story)
        elif changed:
            mark = UPDATE_MARK.get(story.article.lang, UPDATE_MARK["en"])
            log.debug("update: %s (read on %s, its lead has changed)", story.article.title, earlier.date)
            story.article = replace(story.article, title=mark + story.article.title)
            story.item = replace(story.item, title=mark + story.item.title)
            kept.append(story)
        else:
            log.debug("left out: %s (already read on %s)", story.article.title, earlier.date)
            repeats.append(f"{story.article.title} ({earlier.date})")
    if repeats:
        ctx.progress.note(f"left out {len(repeats)} already broadcast in the last {settings.select.repeat_days} days: "
                          + "; ".join(repeats) + " (--allow-repeats reads them again)")
    if not kept:
        raise InputError(f"every story in the inputs was broadcast in the last {settings.select.repeat_days} days; "
                         "wait for new ones, or build with --allow-repeats")
    return kept


def _broadcast_before(story: _Story, memory: list[Broadcast]) -> tuple[Broadcast | None, bool]:
    """The earlier broadcast of this story (None if it is new) and whether the story has changed since."""
    identity = story_identity(story.article)
    title = normalised(story.article.title)
    lead = fingerprint(story.item.lead)
    same_source: Broadcast | None = None
    for earlier in memory:
        if similarity(lead, earlier.lead) >= NEARLY_SAME:
            return earlier, False
        if (identity and identity == earlier.identity) or (title and title == normalised(earlier.title)):
            same_source = same_source or earlier
    return same_source, same_source is not None


def story_identity(article: Article) -> str | None:
    """The source's own name for the story (URL, else guid/id); None when the read stage made the id up."""
    if article.url:
        return article.url
    if article.id and not (_GENERATED_ID.fullmatch(article.id) and article.id.startswith(_stem(article.source))):
        return article.id
    return None


def _stem(source: str | None) -> str:
    name = (source or "").rstrip("/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] or "input"


def _within_budget(stories: list[_Story], minutes: float, ctx: Context) -> tuple[list[_Story], bool]:
    result = fit([s.item for s in stories], ctx.settings, minutes)
    dropped = [stories[i].article.title for i in result.dropped]
    for title in dropped:
        log.debug("dropped for time: %s", title)
    log.debug("budget %.1f min: estimated %.1f s for %d stories", minutes, result.seconds, len(result.kept))
    if dropped:
        ctx.progress.note(f"dropped {len(dropped)} for the {minutes:g}-minute budget: " + "; ".join(dropped))
    return [stories[i] for i in result.kept], bool(dropped)


FILL_ROUNDS = 4
MIN_LEAD_SECONDS = 8.0


def _fill_slot(stories: list[_Story], minutes: float, some_dropped: bool, ctx: Context) -> None:
    """When whole stories miss the slot by more than FILL_TOLERANCE (one more would run over, one
    fewer leaves a gap), lengthen or shorten the lead of the least important story kept that no
    earlier edition of this build read. The other leads stay as they are, so their clips are
    shared with other editions and rebuilds; when every story kept was read by an earlier
    edition, the whole stories chosen are the bulletin, and the summary says if they miss."""
    settings = ctx.settings
    estimator = Estimator(settings.speak.engine if settings.speak.engine != "auto" else "edge")
    target = minutes * 60
    estimate = estimator.bulletin([s.item for s in stories], settings)
    short = estimate < (1 - FILL_TOLERANCE) * target
    if short and not some_dropped:
        ctx.progress.note(f"only about {estimate / 60:.1f} minutes of news for the {minutes:g}-minute budget")
        return
    free = [index for index, story in enumerate(stories) if not story.agreed]
    for _ in range(FILL_ROUNDS if free else 0):
        if abs(estimate - target) <= FILL_TOLERANCE * target:
            break
        last = stories[free[-1]]
        current = last.article.lead_seconds or settings.leads.item_seconds
        spoken = max(estimator.item(last.item), 1.0)
        wanted = current * (spoken + target - estimate) / spoken
        budget = min(max(wanted, MIN_LEAD_SECONDS), 3 * settings.leads.item_seconds)
        article = replace(last.article, lead_seconds=budget)
        item = write_leads([article], ctx)[0]
        trial = estimator.bulletin([item if s is last else s.item for s in stories], settings)
        if abs(trial - target) >= abs(estimate - target):
            break  # the lead cannot grow (the story is read whole) or shrink any further
        last.article, last.item, estimate = article, item, trial
        log.debug("slot %.0f s: the lead of %s set to about %.0f s, estimated %.1f s",
                  target, last.article.title, budget, estimate)
    if estimate > (1 + 2 * FILL_TOLERANCE) * target:
        ctx.progress.note(f"the most important story alone runs about {estimate / 60:.1f} minutes, over the "
                          f"{minutes:g}-minute budget")
    elif not free and abs(estimate - target) > SLOT_TOLERANCE * target:
        ctx.progress.note(f"about {estimate / 60:.1f} minutes for the {minutes:g}-minute budget: every story it "
                          "keeps was read by an earlier edition, and keeps the lead it had there (list this "
                          "edition before those to fill its slot)")


def record_broadcast(selected: list[Article], items: list[Item], ctx: Context) -> None:
    """Remember the stories the published episode read (call after publishing)."""
    by_id = {a.id: a for a in selected}
    stories = []
    for item in items:
        article = by_id.get(item.id)
        if article is None:
            continue
        title, update = _unmarked(article.title, article.lang)
        stories.append(Broadcast(date=ctx.settings.date, title=title, lead=fingerprint(item.lead),
                                 identity=story_identity(article), update=update))
    remember(ctx.settings.out_dir, ctx.settings.date, stories)


def _unmarked(title: str, lang: str) -> tuple[str, bool]:
    mark = UPDATE_MARK.get(lang, UPDATE_MARK["en"])
    return (title[len(mark):], True) if title.startswith(mark) else (title, False)
