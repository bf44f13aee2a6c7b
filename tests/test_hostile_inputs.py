"""Every file of the hostile-input corpus (tests/corpus/, made by the project) goes through
`briefing articles` and `briefing build`: either a correct result, or one line on stderr
and the documented exit code; never a traceback, a hang, or file contents from entities.

The walk runs the CLI in this process (the same app, error handling included: an exception
that would print a traceback fails the test); `test_a_real_process_*` check what only a
process shows (nothing else on stderr, the exit status the shell sees)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import STANDIN, briefing_process
from conftest import briefing_in_process as briefing

CORPUS = Path(__file__).parent / "corpus"

# file -> ("ok", a title that must be read) or ("error", exit code, words of the message)
EXPECTED = {
    "empty.txt": ("error", 2, "empty"),
    "whitespace-only.txt": ("error", 2, "whitespace"),
    "binary.dat": ("error", 2, "binary"),
    "gbk-no-declaration.txt": ("ok", "地铁新线开通"),
    "wrong-declared-charset.html": ("ok", "地铁新线开通"),
    "invalid-utf8.txt": ("ok", "地铁新线开通"),
    "malformed.xml": ("error", 2, "found no article"),  # the unclosed item holds no text
    "external-entity.xml": ("ok", "Leak"),
    "entity-bomb.xml": ("error", 2, "found no article"),  # once its entities are dropped, nothing is left
    "scripts-only.html": ("error", 2, "no article"),
    "truncated.json": ("error", 2, "not valid JSON"),
    "deeply-nested.json": ("error", 2, "nested deeper"),
    "no-body.json": ("error", 2, "no body"),
    "one-paragraph-10k.txt": ("ok", "一段没有标点的长文"),
    "markup-and-controls.md": ("ok", "Markup & <friends> in the news"),
    # issue 19
    "long-digits.md": ("ok", "Ticket record"),  # a 400-digit number is "a very long number"
    "huge-integer.json": ("ok", "长数字编号的车票"),  # a 5,000-digit JSON integer
    "no-title.md": ("error", 2, "'# Title' line"),
    "bad-links.xml": ("ok", "坏链接七"),  # broken, private and ftp links: each item keeps its summary
    "template-openings.json": ("ok", "区县动态第30则"),  # 30 stories sharing an opening, none merged
    "dev-zero.txt": ("error", 2, "not a regular file"),  # a .txt link to /dev/zero
    "folder-with-outside-link": ("ok", "新桥通车"),  # its link to /etc/passwd is not followed
}
SETTINGS = CORPUS / "settings"  # briefing.toml files, each of which must stop at load (exit 3)
DEADLINE = 90  # seconds: no input here fetches anything (the documented deadlines are 20 s and 60 s)
LEAKS = ("root:", "/bin/bash", "lollol")


def assert_clean_failure(proc, code: int, words: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert words in lines[0]


def test_the_corpus_is_complete():
    assert sorted(p.name for p in CORPUS.iterdir() if p != SETTINGS) == sorted(EXPECTED)


def assert_no_crash(proc) -> None:
    """No exit 70, no traceback, at most one line on stderr."""
    assert proc.returncode != 70 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 1, proc.stderr


@pytest.mark.parametrize("name", sorted(p.name for p in SETTINGS.glob("*.toml")))
def test_each_hostile_setting_stops_at_load(name, tmp_path):
    """The settings half of the corpus walk (test_build walks the inputs, each built once)."""
    proc = briefing("--config", SETTINGS / name, "build", CORPUS / "gbk-no-declaration.txt", *STANDIN,
                    "--out", tmp_path / "out", timeout=DEADLINE)
    assert_no_crash(proc)
    assert proc.returncode == 3, proc.stderr


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_articles(name):
    expected = EXPECTED[name]
    proc = briefing("articles", CORPUS / name, "--json")
    if expected[0] == "error":
        assert_clean_failure(proc, expected[1], expected[2])
        return
    assert proc.returncode == 0, proc.stderr
    articles = json.loads(proc.stdout)
    assert any(expected[1] in a["title"] for a in articles), [a["title"] for a in articles]
    for leak in LEAKS:
        assert leak not in proc.stdout
    for article in articles:
        assert article["paragraphs"] and all(p.strip() for p in article["paragraphs"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_build(name, tmp_path, fake_edge):
    expected = EXPECTED[name]
    out = tmp_path / "out"
    proc = briefing("build", CORPUS / name, "--engine", "edge", "--out", out, "--date", "2025-03-01",
                    timeout=DEADLINE)
    assert_no_crash(proc)
    if expected[0] == "error":
        assert_clean_failure(proc, expected[1], expected[2])
        assert not (out / "feed.xml").exists()
        return
    assert proc.returncode == 0, proc.stderr
    assert (out / "feed.xml").exists() and list((out / "episodes").glob("*.mp3"))
    spoken = "\n".join(fake_edge.requests)
    for leak in LEAKS:
        assert leak not in spoken
    if name == "markup-and-controls.md":
        assert "<b>loudly</b>" in spoken  # markup in the news is read as text, not obeyed
        assert "\x1b" not in spoken and "\u202e" not in spoken  # control and bidi characters are not sent


def test_a_real_process_fails_with_one_line_over_the_size_limit(tmp_path):
    from briefing.read.source import MAX_INPUT_BYTES

    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(MAX_INPUT_BYTES * 3)
    for command in ("articles", "build"):
        proc = briefing_process(command, huge, *(["--out", tmp_path / "out"] if command == "build" else []))
        assert_clean_failure(proc, 2, "limit")


def test_a_real_process_builds_a_hostile_input_with_nothing_else_on_stderr(tmp_path, fake_edge):
    """Warnings of libraries and the interpreter reach a real stderr only (pytest catches them here)."""
    env = {**os.environ, "BRIEFING_EDGE_WSS_URL": fake_edge.url}
    for name, settings in (("invalid-utf8.txt", []), ("empty.txt", []), ("gbk-no-declaration.txt",
                                                                        ["--config", SETTINGS / "lone-brace-open.toml"])):
        proc = briefing_process(*settings, "build", CORPUS / name, "--engine", "edge", "--out", tmp_path / "out",
                                timeout=DEADLINE, env=env)
        if name == "invalid-utf8.txt":
            assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        else:
            assert_clean_failure(proc, *((2, "empty") if name == "empty.txt" else (3, "lone-brace-open.toml")))
