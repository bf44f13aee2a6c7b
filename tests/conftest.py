from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

from briefing.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PAGE = ROOT / "data" / "xinhua-2025-02-15.txt"
ENGLISH_SAMPLE = ROOT / "data" / "english-sample.md"
STANDIN = ("--engine", "standin", "--offline-engine", "standin")  # tests that are not about the voice
# Builds in tests that are not about the wording say a two-word opening and closing: every second of
# bulletin costs about 17 ms of CPU to lay out, master, encode and meter, and the default opening and
# closing say 11 s more (measured with the stand-in voice).
BRIEF_WORDING = '[wording]\nopening = "早上好。"\nclosing = "再见。"\n'

# No test may reach the internet: the online voice gets a loopback fake or nothing.
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
# Three test workers share two cores: the offline voice's threads must not spin (README, "Voices: online and offline").
os.environ.setdefault("BRIEFING_SHARED_CPU", "1")

# How `make test` deals the tests out to its xdist workers: the tests of one group run on one
# worker, so that what they share is set up once in the run, and no worker sits waiting for
# another to finish building what both need. The real offline voice's modules are one group:
# each worker that loads the model and the Mandarin front end pays about 5 s of CPU, and
# test_voices says each voice's sentence once per worker. Each module whose module-scoped
# fixture is costly (a build, a browser, a server, a Dask cluster) is a group of its own, and
# so are the modules that read one build made once per run (build_once: the sample page, the
# editions). The modules whose tests mostly wait (on deadlines, slow servers, killed builds)
# are one group too: one worker waits through them early in the run while the other two keep
# both cores busy. Dealt out one at a time, they were left for the end of the run, and the cores
# sat half idle for its last 40 s while two or three workers waited at once. Every other test
# is dealt out on its own, after the groups (largest first).
WAITING_MODULES = ("test_hostile_fetch", "test_reliability")
GROUPS = {
    **dict.fromkeys(("test_voices", "test_kokoro_calls", "test_voices_text", "test_mandarin"), "real offline voice"),
    **{module: module for module in ("test_audio_assemble", "test_browser", "test_cluster", "test_faults",
                                     "test_feed", "test_server", "test_daily_show")},
    **dict.fromkeys(("test_build", "test_bulletin_quality"), "sample build"),
    **dict.fromkeys(WAITING_MODULES, "waiting on deadlines"),
}


def module_of(nodeid: str) -> str:
    return Path(nodeid.split("::")[0]).stem


def worker_group(nodeid: str) -> str:
    """The group the test `nodeid` is run in: all of a group's tests go to one worker."""
    return GROUPS.get(module_of(nodeid), nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """xdist's loadscope scheduling (a group at a time, largest groups first) over worker_group."""
    if config.getvalue("dist") != "load":
        return None  # the user asked for another distribution
    from xdist.scheduler import LoadScopeScheduling

    class ByTestGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return worker_group(nodeid)

    return ByTestGroup(config, log)


def free_port() -> int:
    """A loopback port nobody listens on (the system's choice, released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port_url() -> str:
    """An edge-tts service URL on a loopback port nobody listens on: the online voice does not answer."""
    return f"ws://127.0.0.1:{free_port()}/edge/v1?TrustedClientToken=x"


def write_news(folder: Path, stories: list[dict], name: str = "news.json") -> Path:
    """Stories as the project's JSON input ({"id", "title", "body", ...} each)."""
    path = folder / name
    path.write_text(json.dumps(stories, ensure_ascii=False), encoding="utf-8")
    return path


def brief_wording(folder: Path, more: str = "") -> Path:
    """A briefing.toml in `folder` with BRIEF_WORDING (and the tables in `more`), for `--config`."""
    path = folder / "brief-wording.toml"
    path.write_text(BRIEF_WORDING + more, "utf-8")
    return path


def run_cli(*args: str):
    """Invoke the CLI in-process; returns the click Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def brief_build(folder: Path, *args, debug: bool = False):
    """`briefing build ARGS` in-process with the stand-in voice and the brief wording (its briefing.toml
    written in `folder`): for tests about neither the voice nor the wording."""
    return run_cli(*(["--debug"] if debug else []), "--config", brief_wording(folder), "build", *args, *STANDIN)


class Hung(BaseException):  # not an Exception: the CLI's own handler must not turn it into exit 70
    pass


@contextmanager
def deadline(seconds: float):
    """Fail with Hung if the block runs longer than `seconds` (the main thread's alarm)."""
    def give_up(signum, frame):
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def briefing_in_process(*args, timeout: float = 120, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`briefing ARGS` in this process, as a shell would run it from `cwd`: the same app and error
    handling (an exception that would print a traceback fails the test); a hang fails it after
    `timeout` seconds. What only a real process shows (C libraries writing to fd 2, warnings,
    the interpreter's exit status) needs briefing_process."""
    before = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with deadline(timeout):
            result = run_cli(*args)
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def python_process(*args, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python ARGS` as a real process of this interpreter, run from the project folder."""
    return subprocess.run([sys.executable, *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env, check=False)


def briefing_process(*args, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """`briefing ARGS` as a real process, the console entry point, run from the project folder."""
    return python_process("-m", "briefing", *args, timeout=timeout, env=env)


def build_once(tmp_path_factory, name: str, *args, config: str | None = None) -> tuple[Path, str]:
    """`briefing [--config NAME/briefing.toml] *args --out NAME/out` run once for the whole test
    run, shared by the pytest-xdist workers (the first to ask builds it under a lock; the others
    wait and read it); returns (NAME/out, the build's stdout). Tests read it and never change it
    (copy it to change it)."""
    from filelock import FileLock

    # one folder for all the workers of this run (under xdist each worker's basetemp is inside the
    # run's folder; without it basetemp is the run's folder: its parent holds earlier runs)
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name
    folder.mkdir(exist_ok=True)
    out, stdout = folder / "out", folder / "build.stdout"
    with FileLock(str(folder / "build.lock")):
        if not stdout.exists():
            options = ["--config", folder / "briefing.toml"] if config is not None else []
            if config is not None:
                (folder / "briefing.toml").write_text(config, "utf-8")
            result = run_cli(*options, *args, "--out", out)
            assert result.exit_code == 0, result.output
            stdout.write_text(result.stdout, "utf-8")
    return out, stdout.read_text("utf-8")


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The sample page built once with the stand-in voice, for the whole run (the real offline
    voice has its own end-to-end build in test_voices.py)."""
    out, stdout = build_once(tmp_path_factory, "sample-build", "build", SAMPLE_PAGE, *STANDIN,
                             "--date", "2025-02-15")
    mp3s = sorted((out / "episodes").glob("*.mp3"))
    assert len(mp3s) == 1
    return {"out": out, "mp3": mp3s[0], "stdout": stdout}


@pytest.fixture
def fake_edge(monkeypatch):
    """A fake edge-tts service on 127.0.0.1; the real edge-tts library talks to it."""
    from fake_edge import FakeEdgeServer

    with FakeEdgeServer() as fake:
        monkeypatch.setenv("BRIEFING_EDGE_WSS_URL", fake.url)
        import edge_tts.communicate
        import edge_tts.voices

        monkeypatch.setattr(edge_tts.communicate, "WSS_URL", fake.url)
        monkeypatch.setattr(edge_tts.voices, "VOICE_LIST", fake.voices_url)
        yield fake
