"""Builds on a real Dask cluster: `dask scheduler` and two `dask worker` processes on 127.0.0.1.

Every build uses the stand-in voice; the workers import this worktree's briefing package.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from audio_probe import duration
from conftest import (
    BRIEF_WORDING,
    ROOT,
    STANDIN,
    brief_build,
    free_port,
    python_process,
    run_cli,
    write_news,
)

distributed = pytest.importorskip("distributed")

from briefing.speak.cluster import worker_counts
from briefing.speak.standin import DELAY_VARIABLE

DATE = "2025-03-04"
STORIES = [
    {"id": "1", "title": "河边新公园开放", "body": "城东的河边公园今天正式开放。公园里有步道和儿童游乐场。"},
    {"id": "2", "title": "图书馆延长开放时间", "body": "市图书馆从下周起每晚开放到九点。读者可以在网上预约座位。"},
    {"id": "3", "title": "春季长跑比赛报名开始", "body": "今年的春季长跑比赛将在四月举行。报名人数已经超过五千人。"},
]


@contextmanager
def dask_cluster(folder: Path, workers: int = 2) -> Iterator[SimpleNamespace]:
    """A scheduler and `workers` single-threaded workers (no nanny: a killed worker stays dead)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    address = f"tcp://127.0.0.1:{free_port()}"
    procs: list[subprocess.Popen] = []
    client = None

    def start(name: str, *args: str) -> None:
        log = (folder / f"{name}.log").open("w")
        procs.append(subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=log, stderr=log, env=env,
                                      cwd=folder))
        log.close()

    try:
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
              "--no-dashboard")
        for number in range(workers):
            start(f"worker{number}", "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                  "--host", "127.0.0.1", "--name", f"worker{number}")
        client = distributed.Client(address, timeout=30, set_as_default=False)
        client.wait_for_workers(workers, timeout=60)
        yield SimpleNamespace(address=address, client=client, procs=procs, folder=folder)
    finally:
        if client is not None:
            client.close()
        for proc in procs:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with dask_cluster(tmp_path_factory.mktemp("dask")) as running:
        yield running


def stories_done(cluster) -> dict[str, int]:
    return {address: counts["stories"] for address, counts in cluster.client.run(worker_counts).items()}


def published(out: Path) -> dict:
    """Chapters, cues (from the SRT sidecar) and decoded duration of the one episode in `out`."""
    import srt

    mp3, = (out / "episodes").glob("*.mp3")
    chapters = json.loads(mp3.with_suffix(".chapters.json").read_text("utf-8"))["chapters"]
    cues = list(srt.parse(mp3.with_suffix(".srt").read_text("utf-8")))
    return {"chapters": [(c["title"], c["startTime"]) for c in chapters],
            "cues": [(c.content, c.start.total_seconds(), c.end.total_seconds()) for c in cues],
            "duration": duration(mp3)}


def assert_same_timeline(a: dict, b: dict, tolerance: float = 0.010) -> None:
    assert [t for t, _ in a["chapters"]] == [t for t, _ in b["chapters"]]
    assert all(abs(x - y) <= tolerance for (_, x), (_, y) in zip(a["chapters"], b["chapters"]))
    assert [c[0] for c in a["cues"]] == [c[0] for c in b["cues"]] and len(a["cues"]) > 6
    assert all(abs(x[1] - y[1]) <= tolerance and abs(x[2] - y[2]) <= tolerance for x, y in zip(a["cues"], b["cues"]))
    assert abs(a["duration"] - b["duration"]) <= tolerance


def test_workers_synthesize_and_the_bulletin_equals_a_local_build(tmp_path, cluster):
    news = write_news(tmp_path, STORIES)
    before = stories_done(cluster)
    remote = brief_build(tmp_path, news, "--out", tmp_path / "remote", "--date", DATE, "--cluster", cluster.address)
    assert remote.exit_code == 0, remote.output
    assert f"stories synthesized by the workers of {cluster.address}" in remote.output
    after = stories_done(cluster)
    assert sum(after.values()) - sum(before.values()) == 4  # three stories and the opening/closing
    # cached here, by the client: one entry per spoken segment (opening, closing, 3 headlines, 3 leads, 2 transitions)
    assert len(list((tmp_path / "remote" / ".cache").rglob("*.npz"))) == 10

    local = brief_build(tmp_path, news, "--out", tmp_path / "local", "--date", DATE)
    assert local.exit_code == 0, local.output
    assert_same_timeline(published(tmp_path / "remote"), published(tmp_path / "local"))
    assert sum(stories_done(cluster).values()) == sum(after.values())  # the local build used no worker


def test_a_local_build_does_not_import_dask(tmp_path):
    news = write_news(tmp_path, STORIES[:1])
    args = ["build", str(news), *STANDIN, "--out", str(tmp_path / "out")]
    script = ("import sys; from typer.testing import CliRunner; from briefing.cli import app; "
              f"r = CliRunner().invoke(app, {args!r}); "
              "print(r.exit_code, 'distributed' in sys.modules, 'dask' in sys.modules)")
    proc = python_process("-c", script, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.stdout.split() == ["0", "False", "False"], proc.stdout + proc.stderr


# `python -m briefing` as started from a shell, Ctrl-C raising KeyboardInterrupt: a child inherits the
# test process's signal mask and ignored signals, which its threads (dask's, the servers') may have changed
AS_FROM_A_TERMINAL = ("import runpy, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
                      "signal.signal(signal.SIGINT, signal.default_int_handler); sys.argv[0] = 'briefing'; "
                      "runpy.run_module('briefing', run_name='__main__')")


def _speak_keys(client) -> set[str]:
    return {str(key) for keys in client.processing().values() for key in keys
            if str(key).startswith("briefing-speak-")}


def _worker_with_a_story(client, deadline: float, seen: frozenset[str] = frozenset()) -> str:
    """A worker processing a story; `seen`: keys of an earlier build the scheduler may still list."""
    while time.monotonic() < deadline:
        for worker, keys in client.processing().items():
            if any(str(key).startswith("briefing-speak-") and str(key) not in seen for key in keys):
                return worker
        time.sleep(0.05)
    raise AssertionError("no story reached a worker")


def test_shows_builds_each_show_and_a_broken_one_fails_alone(tmp_path, cluster):
    news = write_news(tmp_path, STORIES[:2])
    folders = []
    for name, extra in (("city", ""), ("broken", 'item_seconds = "long"\n'), ("sport", "")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "briefing.toml").write_text(f'{BRIEF_WORDING}[show]\ntitle = "{name}"\n[build]\n{extra}\n'
                                              f'[[sources]]\npath = "{news}"\n', encoding="utf-8")
        folders.append(folder)
    result = run_cli("shows", *folders, *STANDIN, "--date", DATE, "--cluster", cluster.address)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(line.startswith(f"ok   {folders[0]}: episode {DATE}") for line in lines), result.output
    assert any(line.startswith(f"ok   {folders[2]}: episode {DATE}") for line in lines), result.output
    assert f"FAIL {folders[1]}: {folders[1] / 'briefing.toml'} [build] item_seconds: must be a number" in result.output
    assert "shows: 2 of 3 built, 1 failed" in result.output
    for good in (folders[0], folders[2]):
        assert len(json.loads((good / "output" / "episodes.json").read_text("utf-8"))["episodes"]) == 1
        assert (good / "output" / "feed.xml").is_file()
    assert not (folders[1] / "output").exists()
    loaded = [counts["engines"] for counts in cluster.client.run(worker_counts).values()]
    assert max(loaded) == 1  # each worker created the voice once for every show and build


def test_an_unreachable_cluster_fails_in_one_line_or_builds_locally_when_allowed(tmp_path):
    news = write_news(tmp_path, STORIES[:1])
    config = tmp_path / "briefing.toml"
    config.write_text(f'[cluster]\naddress = "tcp://127.0.0.1:{free_port()}"\nconnect_timeout = 1\n', "utf-8")
    failed = run_cli("--config", config, "build", news, *STANDIN, "--out", tmp_path / "out")
    assert failed.exit_code == 4
    assert failed.output.count("\n") == 1 and "cannot reach the cluster scheduler" in failed.output
    assert not (tmp_path / "out" / "feed.xml").exists()
    local = run_cli("--config", config, "build", news, *STANDIN, "--out", tmp_path / "out",
                    "--cluster-fallback", "local")
    assert local.exit_code == 0, local.output
    assert "built locally instead" in local.output and (tmp_path / "out" / "feed.xml").is_file()


@contextmanager
def slow_stories(cluster, seconds: float = 1.5) -> Iterator[SimpleNamespace]:
    """The cluster with every story taking `seconds` longer on its workers (the stand-in voice's delay)."""
    def set_delay(value: str | None) -> None:  # nested: sent to the workers by value, not by module name
        import os

        if value is None:
            os.environ.pop(DELAY_VARIABLE, None)
        else:
            os.environ[DELAY_VARIABLE] = value

    cluster.client.run(set_delay, str(seconds))
    try:
        yield cluster
    finally:
        cluster.client.run(set_delay, None)


# Last in the module: it kills one of the module cluster's two workers.
def test_a_worker_killed_mid_story_has_its_story_done_by_another(tmp_path, cluster):
    news = write_news(tmp_path, STORIES)
    out = tmp_path / "out"
    with slow_stories(cluster) as slow:
        build = subprocess.Popen([sys.executable, "-m", "briefing", "build", str(news), *STANDIN, "--out", str(out),
                                  "--date", DATE, "--cluster", slow.address],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                                 env=dict(os.environ, PYTHONPATH=str(ROOT)))
        try:
            victim = _worker_with_a_story(slow.client, deadline=time.monotonic() + 60)
            pid = slow.client.run(os.getpid, workers=[victim])[victim]
            os.kill(pid, signal.SIGKILL)
            output, _ = build.communicate(timeout=120)
        finally:
            build.kill()
            build.wait()
        assert build.returncode == 0, output
        survivors = stories_done(slow)
        assert victim not in survivors and len(survivors) == 1
        titles = [title for title, _ in published(out)["chapters"]]
        assert all(story["title"] in titles for story in STORIES)

        # interrupted while the cluster works: the published feed stays as it was
        feed = {name: (out / name).read_bytes() for name in ("feed.xml", "episodes.json")}
        later = write_news(tmp_path, [dict(story, body=story["body"] + "详情稍后公布。") for story in STORIES],
                           name="later.json")  # not in the cache: its stories go to the cluster
        seen = frozenset(_speak_keys(slow.client))
        build = subprocess.Popen([sys.executable, "-c", AS_FROM_A_TERMINAL, "build", str(later), *STANDIN, "--out",
                                  str(out), "--date", "2025-03-05", "--cluster", slow.address, "--allow-repeats"],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                                 env=dict(os.environ, PYTHONPATH=str(ROOT)))
        try:
            _worker_with_a_story(slow.client, deadline=time.monotonic() + 60, seen=seen)
            build.send_signal(signal.SIGINT)
            output, _ = build.communicate(timeout=30)
        finally:
            build.kill()
            build.wait()
        assert build.returncode == 130 and "interrupted" in output, output
        assert {name: (out / name).read_bytes() for name in feed} == feed
