"""Helpers for the publish and serve tests: small episodes built with the stand-in voice
(fast, deterministic), and `briefing serve` run as a real process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT, STANDIN, brief_wording, run_cli

NEWS = [
    {"id": "1", "title": "城市新地铁线路开通", "body": "新的地铁线路今天开通。乘客可以免费试乘一周。"},
    {"id": "2", "title": "春季植树活动启动", "body": "全市志愿者参加植树活动。今年计划种植十万棵树。"},
]


@contextmanager
def fake_edge_service() -> Iterator[object]:
    """The fake edge-tts service for a whole test module (the conftest fixture is per test)."""
    import edge_tts.communicate
    import edge_tts.voices
    from fake_edge import FakeEdgeServer

    with FakeEdgeServer() as fake, pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRIEFING_EDGE_WSS_URL", fake.url)
        patch.setattr(edge_tts.communicate, "WSS_URL", fake.url)
        patch.setattr(edge_tts.voices, "VOICE_LIST", fake.voices_url)
        yield fake


def build_episode(out: Path, date: str, news: list[dict] = NEWS, *options: str, config: Path | None = None):
    """build_standin reading the same news on several dates each time (--allow-repeats: these tests
    are about the feed, not the news)."""
    return build_standin(out, date, news, "--allow-repeats", *options, config=config)


def copy_folder(built: Path, out: Path) -> Path:
    """`out` as a copy of a published folder built once for a module: tests about what later
    builds do to a folder change their own copy, and the first builds are not made again."""
    shutil.copytree(built, out, symlinks=True)
    return out


def listed_episodes(out: Path) -> list[dict]:
    return json.loads((out / "episodes.json").read_text("utf-8"))["episodes"]


@contextmanager
def serving(out: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run `briefing serve --out OUT --port 0` as its own process; yield (base URL, process).

    The process is stopped on exit; its stderr (the request log) stays readable."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_PROXY="127.0.0.1,localhost")
    log = (out.parent / f"serve-{time.monotonic_ns()}.log").open("w+", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "briefing", "serve", "--out", str(out), "--port", "0", *options],
                            stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT, env=env)
    try:
        line = proc.stdout.readline()  # "serving OUT at http://127.0.0.1:PORT/ ..."
        assert " at http://" in line, f"server did not start: {line!r} {log.name}"
        yield line.split(" at ", 1)[1].split()[0], proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        log.seek(0)
        proc.request_log = log.read()  # type: ignore[attr-defined]
        log.close()


def assert_folder_consistent(out: Path) -> list[str]:
    """The one check after every fault: feed.xml parses, and every file it names under the
    folder (enclosures, transcripts, chapters, the cover) exists, the enclosures with the
    length the feed lists. Returns the enclosures, as paths relative to the folder, newest first."""
    from xml.etree import ElementTree

    root = ElementTree.parse(out / "feed.xml").getroot()  # raises if it does not parse
    urls = [e.get("url") for e in root.iter("enclosure")]
    base = urls[0].rsplit("episodes/", 1)[0] if urls else "\0"  # the folder's public URL
    named = []
    for item in root.iter("item"):
        enclosure = item.find("enclosure")
        assert enclosure is not None, ElementTree.tostring(item)[:200]
        path = out / enclosure.get("url").removeprefix(base)
        assert path.is_file(), f"feed.xml lists {path.name}, which is missing"
        assert path.stat().st_size == int(enclosure.get("length")), f"{path.name} is not the listed length"
        named.append(str(path.relative_to(out)))
    for element in root.iter():
        for attribute in ("url", "href"):
            value = element.get(attribute) or ""
            if value.startswith(base):
                assert (out / value.removeprefix(base)).is_file(), f"feed.xml names {value}, which is missing"
    return named


def build_standin(out: Path, date: str, news: list[dict] = NEWS, *options: str, config: Path | None = None,
                  expect: int = 0):
    """Build one small episode for `date` into `out` with the stand-in voice and briefing.toml `config`
    (else the brief wording); returns the CLI result."""
    config = config or brief_wording(out.parent)
    source = out.parent / f"news-{date}-{len(list(out.parent.glob('news-*')))}.json"
    source.write_text(json.dumps(news, ensure_ascii=False), encoding="utf-8")
    result = run_cli("--config", config, "build", source, *STANDIN, "--out", out, "--date", date, *options)
    assert result.exit_code == expect, result.output
    return result
