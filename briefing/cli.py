"""The command line: each command parses options, calls one library function and turns
known errors into a one-line message and an exit code (tracebacks only with --debug)."""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .context import Context
from .errors import BriefingError
from .settings import SERVE_HOST, SERVE_PORT, Settings, parse_date

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Turn the day's news into a spoken bulletin and a podcast feed.")

_state: dict = {"debug": False, "quiet": False, "config": None, "config_error": None, "settings": None}
log = logging.getLogger("briefing")


MAX_MESSAGE = 400  # characters of an error line; what a file or server sent is cut, never echoed whole


def _fail(message: str, code: int) -> typer.Exit:
    line = " ".join(message.split())
    if len(line) > MAX_MESSAGE:
        line = line[: MAX_MESSAGE - 1] + "…"
    typer.echo(f"briefing: error: {line}", err=True)
    return typer.Exit(code)


def handles_errors(command: Callable) -> Callable:
    """Known errors -> one line on stderr and their exit code; unexpected ones too, unless --debug."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except BriefingError as exc:
            if _state["debug"]:
                raise
            raise _fail(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise _fail("interrupted", 130) from None
        except BrokenPipeError:  # the reader went away (`briefing articles x | head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # a bug: say so in one line, keep the traceback for --debug
            if _state["debug"]:
                raise
            raise _fail(f"unexpected {type(exc).__name__}: {exc} (run with --debug for details and "
                        "please report it)", 70) from None

    return wrapper


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only (for cron).")] = False,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="Configuration file "
                                                   "(default: ./briefing.toml when present).")] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"briefing {__version__}")
        raise typer.Exit()
    _state.update(debug=debug, quiet=quiet, config=config, settings=None, config_error=None)
    level = logging.DEBUG if debug else logging.ERROR  # warnings are details: --debug shows them
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)


class _StderrHandler(logging.StreamHandler):
    """Logs to whatever sys.stderr is at the time of the record (tests swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def _base_settings() -> Settings:
    """Settings from the configuration file (validated once), or the defaults."""
    if _state["settings"] is None:
        from .config import find_config, load_config

        path = find_config(_state["config"])
        _state["config"] = path
        _state["settings"] = load_config(path) if path else Settings()
    return _state["settings"]


def _echo(message: str) -> None:
    if not _state["quiet"]:
        typer.echo(message)


InputsArg = Annotated[list[str] | None, typer.Argument(
    help="News files, folders, feed or page URLs (default: the [[sources]] of briefing.toml).", show_default=False)]
FormatOpt = Annotated[str | None, typer.Option("--format", help="Input format (default: detect). "
                                                  "One of: page, markdown, json, jsonl, feed, html.")]

ClusterOpt = Annotated[str | None, typer.Option("--cluster", help="Synthesize the stories on the workers of "
                                                   "this Dask scheduler, e.g. tcp://10.0.0.5:8786.")]
ClusterFallbackOpt = Annotated[str | None, typer.Option("--cluster-fallback", help="When the cluster cannot be "
                                                           "reached: fail (default, exit 4) or local.")]


def _settings(**values) -> Settings:
    if isinstance(values.get("date"), str):
        values["date"] = parse_date(values["date"])
    if values.get("out_dir") is not None:
        values["out_dir"] = Path(values["out_dir"])
    return _base_settings().with_overrides(**values)


@app.command()
@handles_errors
def build(
    inputs: InputsArg = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (feed, episodes).")] = None,
    engine: Annotated[str | None, typer.Option("--engine", help="auto, edge (online), kokoro (offline) "
                                                  "or standin (tones, to try the pipeline fast).")] = None,
    offline_engine: Annotated[str | None, typer.Option("--offline-engine", help="The voice auto and a failing "
                                                          "online voice fall back to (default kokoro).")] = None,
    voice: Annotated[str | None, typer.Option("--voice", help="Anchor voice for the show language.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Episode date, YYYY-MM-DD (default: today).")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Public URL of the output folder.")] = None,
    item_seconds: Annotated[float | None, typer.Option("--item-seconds", help="Speaking time per story.")] = None,
    max_items: Annotated[int | None, typer.Option("--max-items", help="Read at most this many stories.")] = None,
    keep: Annotated[int | None, typer.Option("--keep", help="Episodes kept in the feed.")] = None,
    skip_failed: Annotated[bool | None, typer.Option("--skip-failed", help="Drop a story no voice can "
                                                        "read instead of failing the build.")] = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", help="Online voice requests at once.")] = None,
    cache_dir: Annotated[Path | None, typer.Option("--cache", help="Folder of cached clips "
                                                      "(default: OUT/.cache).")] = None,
    input_format: FormatOpt = None,
    bitrate: Annotated[int | None, typer.Option("--bitrate", help="MP3 bit rate in kbit/s (default 96).")] = None,
    music_bed: Annotated[Path | None, typer.Option("--music-bed", help="Music to play under the opening, "
                                                      "ducked under the voice (your own file).")] = None,
    cluster: ClusterOpt = None,
    cluster_fallback: ClusterFallbackOpt = None,
    minutes: Annotated[float | None, typer.Option("--minutes", help="Length of the bulletin, opening and "
                                                     "closing included: the most important stories that fit.")] = None,
    allow_repeats: Annotated[bool | None, typer.Option("--allow-repeats", help="Read stories broadcast in the "
                                                          "last repeat_days days again.")] = None,
) -> None:
    """Build today's bulletin from INPUTS (or the configured sources) and publish it to the feed."""
    from .console import RichProgress
    from .editions import Edition
    from .pipeline import BuildResult
    from .pipeline import build as run_build

    settings = _settings(out_dir=out, engine=engine, offline_engine=offline_engine, voice=voice, date=date, base_url=base_url,
                         item_seconds=item_seconds, max_items=max_items, keep=keep, input_format=input_format,
                         skip_failed=skip_failed, concurrency=concurrency, cache_dir=cache_dir,
                         bitrate_kbps=bitrate, music_bed=music_bed, minutes=minutes, allow_repeats=allow_repeats,
                         cluster=cluster, cluster_fallback=cluster_fallback)
    notes: list[str] = []
    with RichProgress(enabled=not _state["quiet"], notes=notes) as progress:
        if settings.editions:
            from .editions import build_editions

            if minutes is not None:
                progress.note("--minutes is for a build without editions; each edition keeps its own minutes")
            built: list[tuple[Edition | None, BuildResult]] = list(build_editions(list(inputs or settings.read.sources), settings, progress))
        else:
            built = [(None, run_build(list(inputs or settings.read.sources), Context(settings, progress)))]
    for note in notes:
        _echo(note)
    for edition, result in built:
        _summary(result, settings.out_dir / edition.name if edition else settings.out_dir,
                 f"{edition.name}: " if edition else "")
    if settings.editions:
        _echo(f"show page: {settings.out_dir / 'index.html'}")


def _summary(result, out: Path, prefix: str) -> None:
    episode = result.episode
    minutes, seconds = divmod(round(episode.duration), 60)
    _echo(f"{prefix}episode: {out / 'episodes' / episode.media}")
    _echo(f"{prefix}duration: {minutes}:{seconds:02d} ({episode.duration:.1f} s), {_count(result.items, 'item')}")
    _echo(f"{prefix}engine: {result.engine}" + (f" (fell back to offline for: {', '.join(result.fallbacks)})"
                                        if result.fallbacks else ""))
    _echo(f"{prefix}speech: {result.synthesized_items} of {_count(result.items, 'story')} synthesized"
          + (", the rest from the cache" if result.synthesized_items < result.items else "")
          + f"; clips: {result.clips - result.synthesized} of {result.clips} from the cache")
    _echo(f"{prefix}feed: {out / 'feed.xml'}")
    took_minutes, took_seconds = divmod(round(result.seconds), 60)
    _echo(f"{prefix}done: episode {episode.date} ({minutes}:{seconds:02d}), {_count(result.items, 'item')}, "
          f"{_count(len(result.fallbacks), 'fallback')}, engine {result.engine}, {took_minutes}m{took_seconds:02d}s")


@app.command()
@handles_errors
def shows(
    folders: Annotated[list[Path], typer.Argument(help="Show folders, each with its briefing.toml.",
                                                  show_default=False)],
    engine: Annotated[str | None, typer.Option("--engine", help="Voice for every show (default: each "
                                                  "show's own).")] = None,
    offline_engine: Annotated[str | None, typer.Option("--offline-engine", help="Fallback voice for every "
                                                          "show.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Episode date, YYYY-MM-DD (default: today).")] = None,
    cluster: ClusterOpt = None,
    cluster_fallback: ClusterFallbackOpt = None,
) -> None:
    """Build several shows in one run, sharing the cluster; each is published on its own."""
    from .context import LogProgress
    from .shows import build_shows

    notes: dict[Path, list[str]] = {}

    class ShowProgress(LogProgress):
        def __init__(self, folder: Path) -> None:
            self.folder = folder

        def note(self, message: str) -> None:
            notes.setdefault(self.folder, []).append(message)

    overrides = {k: v for k, v in {"engine": engine, "offline_engine": offline_engine, "cluster": cluster,
                                       "cluster_fallback": cluster_fallback,
                                       "date": parse_date(date) if date else None}.items() if v is not None}
    Settings().with_overrides(**overrides)  # a bad option stops the run before any show
    outcomes = build_shows(folders, overrides, ShowProgress)
    for note in notes.get(Path("."), []):
        _echo(note)
    for outcome in outcomes:
        if outcome.result is None:
            typer.echo(f"FAIL {outcome.folder}: {outcome.error}")
            continue
        episode = outcome.result.episode
        minutes, seconds = divmod(round(episode.duration), 60)
        _echo(f"ok   {outcome.folder}: episode {episode.date} ({minutes}:{seconds:02d}), "
              f"{_count(outcome.result.items, 'item')}, engine {outcome.result.engine}, "
              f"{outcome.result.seconds:.0f} s" + "".join(f"; {note}" for note in notes.get(outcome.folder, [])))
    failed = sum(1 for o in outcomes if not o.ok)
    _echo(f"shows: {len(outcomes) - failed} of {len(outcomes)} built" + (f", {failed} failed" if failed else ""))
    if failed:
        raise typer.Exit(1)


@app.command()
@handles_errors
def articles(
    input: Annotated[str, typer.Argument(help="A news file or URL.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    input_format: FormatOpt = None,
) -> None:
    """Show the articles read from INPUT."""
    from .read import read_articles

    found = read_articles([input], Context(_settings(input_format=input_format), _quiet_progress()))
    if as_json:
        typer.echo(json.dumps([a.to_json() for a in found], ensure_ascii=False, indent=2))
        return
    for number, article in enumerate(found, 1):
        typer.echo(f"{number}. {article.title} [{article.lang}, {len(article.paragraphs)} paragraphs]")
        for label, value in (("kicker", article.kicker), ("subtitle", article.subtitle),
                             ("byline", article.byline), ("dateline", article.dateline)):
            if value:
                typer.echo(f"   {label}: {value}")


@app.command()
@handles_errors
def leads(
    input: Annotated[str, typer.Argument(help="A news file or URL.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    item_seconds: Annotated[float | None, typer.Option("--item-seconds", help="Speaking time per story.")] = None,
    input_format: FormatOpt = None,
    explain: Annotated[bool, typer.Option("--explain", help="Show, for each lead, the sentences considered, "
                                          "their scores and why each was kept or dropped.")] = False,
) -> None:
    """Show the spoken items (headline and lead) made from INPUT."""
    from .leads import explain_leads, write_leads
    from .read import read_articles

    ctx = Context(_settings(item_seconds=item_seconds, input_format=input_format), _quiet_progress())
    if explain:
        _print_explanations(explain_leads(read_articles([input], ctx), ctx), as_json)
        return
    items = write_leads(read_articles([input], ctx), ctx)
    if as_json:
        typer.echo(json.dumps([i.to_json() for i in items], ensure_ascii=False, indent=2))
        return
    for item in items:
        typer.echo(f"[{item.id}] {item.title} ({item.seconds:.0f} s)\n    {item.lead}")


def _print_explanations(explained: list, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([{**item.to_json(), "budget": choice.seconds,
                                "considered": [unit.to_json() for unit in choice.considered]}
                               for item, choice in explained], ensure_ascii=False, indent=2))
        return
    for item, choice in explained:
        typer.echo(f"[{item.id}] {item.title} (budget {choice.seconds:.0f} s, lead {item.seconds:.0f} s)\n    {item.lead}")
        for unit in choice.considered:
            score = "   -" if unit.score is None else f"{unit.score:4.2f}"
            text = unit.text if len(unit.text) <= 60 else unit.text[:59] + "…"
            typer.echo(f"  {'KEPT' if unit.kept else '    '} {unit.order:3} {score} {unit.seconds:4.1f}s  "
                       f"{unit.reason}: {text}")


@app.command()
@handles_errors
def pronounce(
    text: Annotated[list[str] | None, typer.Argument(help="Mandarin text (default: lines from standard input).",
                                                       show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON Lines: text, pinyin, spoken.")] = False,
) -> None:
    """Show how the offline voice reads Mandarin: pinyin per character, tone sandhi marked (lexical>spoken)."""
    from .speak.mandarin import marked
    from .speak.mandarin import pronounce as read_aloud

    lines = text if text else [line.rstrip("\r\n") for line in sys.stdin]
    for reading in read_aloud(lines, dict(_base_settings().speak.pronunciations)):
        typer.echo(json.dumps(reading.as_json(), ensure_ascii=False) if as_json else marked(reading))


@app.command()
@handles_errors
def voices(
    engine: Annotated[str, typer.Option("--engine", help="edge, kokoro or standin.")] = "kokoro",
) -> None:
    """List the voices of a speech engine."""
    from .speak import create_engine

    for voice in create_engine(engine).voices():
        typer.echo(f"{voice.name:28} {voice.lang:7} {voice.gender:7} {voice.note}")


@app.command()
@handles_errors
def serve(
    out: Annotated[Path | None, typer.Option("--out", help="Output folder to serve (default: the "
                                                "configured one, else output).")] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0: every network).")] = SERVE_HOST,
    port: Annotated[int, typer.Option("--port", help="Port (0 picks a free one).")] = SERVE_PORT,
) -> None:
    """Serve the output folder (feed, episodes, show page) to podcast apps and browsers."""
    from .publish.server import serve as run_server

    folder = _settings(out_dir=out).out_dir
    if not _state["quiet"]:
        logging.getLogger("briefing.server").setLevel(logging.INFO)  # one line per request
    run_server(folder, host, port, on_ready=lambda url: _echo(f"serving {folder} at {url} (feed: {url}feed.xml); "
                                                              "Ctrl-C stops"))


@app.command()
@handles_errors
def init(
    source: Annotated[list[str] | None, typer.Option("--source", help="A news file, folder, feed or page "
                                                         "URL to read every day (repeatable).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing briefing.toml.")] = False,
) -> None:
    """Write a commented briefing.toml in the current folder."""
    from .config import write_template

    path = write_template(Path.cwd(), list(source or []), force)
    _echo(f"wrote {path}; edit it, check it with `briefing doctor`, then run `briefing build`")


@app.command()
@handles_errors
def doctor(
    out: Annotated[Path | None, typer.Option("--out", help="Output folder to check.")] = None,
) -> None:
    """Check what a build needs: ffmpeg, the offline and online voices, the output folder, the config."""
    from .doctor import run_checks

    config_error = None
    try:
        settings = _settings(out_dir=out)
    except BriefingError as exc:
        config_error, settings = str(exc), Settings().with_overrides(out_dir=out)
    checks = run_checks(settings, _state["config"], config_error)
    for check in checks:
        mark = "ok  " if check.ok else ("FAIL" if check.needed else "warn")
        typer.echo(f"{mark} {check.name}: {check.detail}")
    if any(not c.ok and c.needed for c in checks):
        raise typer.Exit(1)


def _count(n: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n} {noun if n == 1 else plural}"


def _quiet_progress():
    from .context import LogProgress

    return LogProgress()


def run() -> None:
    """Console-script entry point."""
    app(prog_name="briefing")


if __name__ == "__main__":
    run()
