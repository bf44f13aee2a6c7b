"""The command line: each command parses options, calls one library function and turns
known errors into a one-line message and an exit code (tracebacks only with --debug)."""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from . import __version__
from .context import Context
from .errors import BriefingError
from .settings import SERVE_HOST, SERVE_PORT, Settings, parse_date

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Turn the day's news into a spoken bulletin and a podcast feed.")

_state = {"debug": False, "quiet": False}
log = logging.getLogger("briefing")


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"briefing: error: {message}", err=True)
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
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"briefing {__version__}")
        raise typer.Exit()
    _state.update(debug=debug, quiet=quiet)
    level = logging.DEBUG if debug else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", force=True)


def _echo(message: str) -> None:
    if not _state["quiet"]:
        typer.echo(message)


class _ConsoleProgress:
    """One line per stage on an interactive stderr; notes go to stdout with the summary."""

    def __init__(self) -> None:
        self.interactive = sys.stderr.isatty() and not _state["quiet"]

    def stage(self, name: str, total: int | None = None) -> None:
        if self.interactive:
            typer.echo(f"{name}{f' ({total})' if total else ''}...", err=True)

    def advance(self, steps: int = 1) -> None:
        pass

    def note(self, message: str) -> None:
        _echo(message)


InputsArg = Annotated[list[str], typer.Argument(help="News files, folders, feed or page URLs.", show_default=False)]
FormatOpt = Annotated[Optional[str], typer.Option("--format", help="Input format (default: detect). "
                                                  "One of: page, markdown, json, jsonl, feed, html.")]


def _settings(**values) -> Settings:
    if isinstance(values.get("date"), str):
        values["date"] = parse_date(values["date"])
    if values.get("out_dir") is not None:
        values["out_dir"] = Path(values["out_dir"])
    return Settings().with_overrides(**values)


@app.command()
@handles_errors
def build(
    inputs: InputsArg,
    out: Annotated[Optional[Path], typer.Option("--out", help="Output folder (feed, episodes).")] = None,
    engine: Annotated[Optional[str], typer.Option("--engine", help="auto, edge (online) or kokoro (offline).")] = None,
    voice: Annotated[Optional[str], typer.Option("--voice", help="Anchor voice for the show language.")] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="Episode date, YYYY-MM-DD (default: today).")] = None,
    base_url: Annotated[Optional[str], typer.Option("--base-url", help="Public URL of the output folder.")] = None,
    item_seconds: Annotated[Optional[float], typer.Option("--item-seconds", help="Speaking time per story.")] = None,
    max_items: Annotated[Optional[int], typer.Option("--max-items", help="Read at most this many stories.")] = None,
    keep: Annotated[Optional[int], typer.Option("--keep", help="Episodes kept in the feed.")] = None,
    input_format: FormatOpt = None,
    bitrate: Annotated[Optional[int], typer.Option("--bitrate", help="MP3 bit rate in kbit/s (default 96).")] = None,
    music_bed: Annotated[Optional[Path], typer.Option("--music-bed", help="Music to play under the opening, "
                                                      "ducked under the voice (your own file).")] = None,
) -> None:
    """Build today's bulletin from INPUTS and publish it to the feed."""
    from .pipeline import build as run_build

    settings = _settings(out_dir=out, engine=engine, voice=voice, date=date, base_url=base_url,
                         item_seconds=item_seconds, max_items=max_items, keep=keep, input_format=input_format,
                         bitrate_kbps=bitrate, music_bed=music_bed)
    result = run_build(inputs, Context(settings, _ConsoleProgress()))
    episode = result.episode
    minutes, seconds = divmod(int(round(episode.duration)), 60)
    _echo(f"episode: {settings.out_dir / 'episodes' / episode.media}")
    _echo(f"duration: {minutes}:{seconds:02d} ({episode.duration:.1f} s), {result.items} items")
    _echo(f"engine: {result.engine}" + (f" (fell back to offline for: {', '.join(result.fallbacks)})"
                                        if result.fallbacks else ""))
    _echo(f"feed: {settings.out_dir / 'feed.xml'}")


@app.command()
@handles_errors
def articles(
    input: Annotated[str, typer.Argument(help="A news file or URL.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    input_format: FormatOpt = None,
) -> None:
    """Show the articles read from INPUT."""
    from .ingest import read_articles

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
    item_seconds: Annotated[Optional[float], typer.Option("--item-seconds", help="Speaking time per story.")] = None,
    input_format: FormatOpt = None,
) -> None:
    """Show the spoken items (headline and lead) made from INPUT."""
    from .ingest import read_articles
    from .leads import write_leads

    ctx = Context(_settings(item_seconds=item_seconds, input_format=input_format), _quiet_progress())
    items = write_leads(read_articles([input], ctx), ctx)
    if as_json:
        typer.echo(json.dumps([i.to_json() for i in items], ensure_ascii=False, indent=2))
        return
    for item in items:
        typer.echo(f"[{item.id}] {item.title} ({item.seconds:.0f} s)\n    {item.lead}")


@app.command()
@handles_errors
def voices(
    engine: Annotated[str, typer.Option("--engine", help="edge or kokoro.")] = "kokoro",
) -> None:
    """List the voices of a speech engine."""
    from .speech import create_engine

    for voice in create_engine(engine).voices():
        typer.echo(f"{voice.name:28} {voice.lang:7} {voice.gender:7} {voice.note}")


@app.command()
@handles_errors
def serve(
    out: Annotated[Path, typer.Option("--out", help="Output folder to serve.")] = Settings().out_dir,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0: every network).")] = SERVE_HOST,
    port: Annotated[int, typer.Option("--port", help="Port (0 picks a free one).")] = SERVE_PORT,
) -> None:
    """Serve the output folder (feed, episodes, show page) to podcast apps and browsers."""
    from .publish.server import serve as run_server

    if not _state["quiet"]:
        logging.getLogger("briefing.server").setLevel(logging.INFO)  # one line per request
    run_server(out, host, port, on_ready=lambda url: _echo(f"serving {out} at {url} (feed: {url}feed.xml); "
                                                           "Ctrl-C stops"))


def _quiet_progress():
    from .context import LogProgress

    return LogProgress()


def run() -> None:
    """Console-script entry point."""
    app(prog_name="briefing")


if __name__ == "__main__":
    sys.exit(run())
