"""A real podcast app: gPodder's command line (`gpo`, Debian package gpodder) subscribes to the
feed `briefing serve` serves and downloads both episodes of a two-date build. Skips without gpo."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import free_port
from published import NEWS, build_episode, listed_episodes, serving

GPO = shutil.which("gpo")
pytestmark = pytest.mark.skipif(GPO is None, reason="gPodder is not installed (apt-get install gpodder)")


def gpo(home, *args: str) -> str:
    env = dict(os.environ, GPODDER_HOME=str(home / "config"), GPODDER_DOWNLOAD_DIR=str(home / "downloads"),
               HOME=str(home), NO_PROXY="127.0.0.1,localhost")
    proc = subprocess.run([GPO, *args], capture_output=True, text=True, timeout=120, env=env, check=False)
    assert proc.returncode == 0, f"gpo {' '.join(args)}: {proc.stdout}{proc.stderr}"
    return proc.stdout


def test_gpodder_subscribes_and_downloads_both_episodes(tmp_path):
    port = free_port()
    out = tmp_path / "out"
    base_url = f"http://127.0.0.1:{port}/"
    build_episode(out, "2025-03-01", NEWS, "--base-url", base_url)
    build_episode(out, "2025-03-02", NEWS[::-1], "--base-url", base_url)
    episodes = listed_episodes(out)
    home = tmp_path / "gpodder"
    with serving(out, "--port", str(port)) as (url, _):
        assert url == base_url
        assert "Successfully added" in gpo(home, "subscribe", url + "feed.xml")
        listing = gpo(home, "episodes", url + "feed.xml")
        for episode in episodes:
            assert episode["title"] in listing
        assert "2 episodes downloaded" in gpo(home, "download")
    downloaded = {p.name: p for p in (home / "downloads").rglob("*.mp3")}
    assert sorted(downloaded) == sorted(e["media"] for e in episodes)
    for episode in episodes:
        assert downloaded[episode["media"]].read_bytes() == (out / "episodes" / episode["media"]).read_bytes()
