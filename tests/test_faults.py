"""Faults around publishing (issue 19, items 1-3, 11, 12, 15): a lost or damaged history,
damaged cached bulletins, a broken cover, full and read-only disks, MP3s deleted by hand,
temporary files left by a kill. After each, the published folder passes one check
(published.assert_folder_consistent)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import brief_wording, run_cli
from published import NEWS, assert_folder_consistent, build_standin, copy_folder

OTHER_NEWS = [{"id": "3", "title": "新图书馆开放", "body": "城东新图书馆今天开放。藏书五十万册。"}]
THIRD_NEWS = [{"id": "4", "title": "夜间公交线路增加", "body": "本月起新增三条夜间公交线路。末班车延后到凌晨一点。"}]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def one_episode(tmp_path_factory) -> Path:
    """A folder with the episode of 2025-04-01, built once: tests work on copies (copy_folder)."""
    out = tmp_path_factory.mktemp("one-episode") / "out"
    build_standin(out, "2025-04-01")
    return out


@pytest.fixture(scope="module")
def two_episodes(one_episode, tmp_path_factory) -> Path:
    """The same with the episode of 2025-04-02 added."""
    out = copy_folder(one_episode, tmp_path_factory.mktemp("two-episodes") / "out")
    build_standin(out, "2025-04-02", OTHER_NEWS)
    assert_folder_consistent(out)
    return out


# ---------------------------------------------------------------- item 1: the history

@pytest.mark.parametrize("damage", ["deleted", "garbage", "truncated"])
def test_a_lost_or_damaged_history_keeps_every_episode(tmp_path, two_episodes, damage):
    out = copy_folder(two_episodes, tmp_path / "out")
    before = assert_folder_consistent(out)
    history = out / "episodes.json"
    if damage == "deleted":
        history.unlink()
    elif damage == "garbage":
        history.write_bytes(os.urandom(500))
    else:
        history.write_text(history.read_text("utf-8")[:100], encoding="utf-8")
    build_standin(out, "2025-04-03", THIRD_NEWS)
    after = assert_folder_consistent(out)
    assert len(after) == 3 and set(before) <= set(after)  # nothing published before was deleted
    assert {e["date"] for e in json.loads(history.read_text("utf-8"))["episodes"]} == {
        "2025-04-01", "2025-04-02", "2025-04-03"}
    if damage != "deleted":
        assert (out / "episodes.json.damaged").exists()  # kept aside, not thrown away


def test_a_rebuilt_history_keeps_guids_and_retires_only_what_it_replaces(tmp_path, two_episodes):
    out = copy_folder(two_episodes, tmp_path / "out")
    guids = {e["date"]: e["guid"] for e in json.loads((out / "episodes.json").read_text("utf-8"))["episodes"]}
    (out / "episodes.json").unlink()
    build_standin(out, "2025-04-02", THIRD_NEWS)  # a rebuild of a date replaces that episode only
    listed = json.loads((out / "episodes.json").read_text("utf-8"))["episodes"]
    assert {e["date"]: e["guid"] for e in listed} == guids
    assert len(assert_folder_consistent(out)) == 2


# ---------------------------------------------------------------- item 2: cached bulletins

@pytest.mark.parametrize("damage", ["flipped", "random"])
def test_a_damaged_cached_bulletin_is_never_published(tmp_path, one_episode, damage):
    out = copy_folder(one_episode, tmp_path / "out")
    [good] = assert_folder_consistent(out)
    good_hash = _sha(out / good)
    [cached] = (out / ".cache" / "bulletins").glob("*/bulletin.mp3")
    data = bytearray(cached.read_bytes())
    if damage == "flipped":
        for i in range(len(data) // 2, min(len(data), len(data) // 2 + 20_000)):
            data[i] ^= 0xFF
    else:
        data = bytearray(os.urandom(len(data)))
    cached.write_bytes(bytes(data))
    for _ in range(2):  # and again: no build is stuck on the damaged entry
        result = build_standin(out, "2025-04-01")
        [published] = assert_folder_consistent(out)
        assert _sha(out / published) == good_hash, result.output  # made again, the same as before


# ---------------------------------------------------------------- item 3: the cover

def _cover(path: Path, size: int = 1400) -> Path:
    from PIL import Image

    Image.new("RGB", (size, size), (20, 90, 160)).save(path, format="PNG")
    return path


def test_a_broken_cover_is_refused_at_load_and_the_published_one_stays(tmp_path):
    out = tmp_path / "out"
    cover = _cover(tmp_path / "cover.png")
    config = brief_wording(tmp_path, f'[show]\ncover = "{cover}"\n[publish]\nout_dir = "{out}"\n')
    source = tmp_path / "news.json"
    source.write_text(json.dumps(NEWS, ensure_ascii=False), encoding="utf-8")
    args = ("build", source, "--engine", "standin", "--offline-engine", "standin", "--date", "2025-04-01")
    assert run_cli("--config", config, *args).exit_code == 0
    published = _sha(out / "cover.png")
    cover.write_bytes(cover.read_bytes()[: cover.stat().st_size // 2])  # truncated
    result = run_cli("--config", config, *args)
    assert result.exit_code == 3 and "cover image" in result.output, result.output
    assert _sha(out / "cover.png") == published
    assert_folder_consistent(out)


# ---------------------------------------------------------------- item 11: full and read-only disks

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")


@contextmanager
def tmpfs(folder: Path, size: str):
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    os.sync()


def _one_line_error(result) -> str:
    lines = [ln for ln in result.output.splitlines() if "error" in ln]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


@needs_root
def test_a_full_output_disk_is_exit_6_and_the_feed_stands(tmp_path):
    with tmpfs(tmp_path / "out", "3m") as out:
        disk = out
        build_standin(out, "2025-04-01", NEWS, "--cache", tmp_path / "cache")
        before = assert_folder_consistent(out)
        _fill(disk)
        result = build_standin(out, "2025-04-02", OTHER_NEWS, "--cache", tmp_path / "cache", expect=6)
        line = _one_line_error(result)
        assert "No space left" in line and "still stands" in line
        assert assert_folder_consistent(out) == before


@needs_root
def test_a_cached_bulletin_on_another_disk_survives_a_full_output_disk(tmp_path):
    with tmpfs(tmp_path / "out", "3m") as out:
        disk, cache = out, tmp_path / "cache"
        build_standin(out, "2025-04-01", NEWS, "--cache", cache)
        remembered = sorted(p.name for p in (cache / "bulletins").iterdir())
        (out / assert_folder_consistent(out)[0]).unlink()  # the rebuild must copy it
        (out / "episodes.json").unlink()
        _fill(disk)
        result = build_standin(out, "2025-04-01", NEWS, "--cache", cache, expect=6)
        _one_line_error(result)
        assert sorted(p.name for p in (cache / "bulletins").iterdir()) == remembered


@needs_root
def test_a_read_only_output_folder_is_exit_6(tmp_path):
    with tmpfs(tmp_path / "out", "8m") as out:
        disk = out
        build_standin(out, "2025-04-01", NEWS, "--cache", tmp_path / "cache")
        before = assert_folder_consistent(out)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = build_standin(out, "2025-04-02", OTHER_NEWS, "--cache", tmp_path / "cache", expect=6)
        assert "Read-only" in _one_line_error(result)
        assert assert_folder_consistent(out) == before


@needs_root
def test_the_message_says_when_the_feed_was_already_replaced(tmp_path, monkeypatch):
    """A disk that fills between feed.xml and index.html: the message says the feed is new."""
    from briefing import publish

    real = publish.render_page

    def page_then_full(*args, **kwargs):
        raise OSError(28, "No space left on device", "index.html")

    monkeypatch.setattr(publish, "render_page", page_then_full)
    out = tmp_path / "out"
    result = build_standin(out, "2025-04-01", expect=6)
    assert "feed.xml already lists the new episode" in _one_line_error(result)
    assert_folder_consistent(out)
    monkeypatch.setattr(publish, "render_page", real)
    build_standin(out, "2025-04-02", OTHER_NEWS)
    assert len(assert_folder_consistent(out)) == 2


# ---------------------------------------------------------------- item 12: an MP3 deleted by hand

def test_an_mp3_deleted_by_hand_is_put_back_from_the_cache(tmp_path, two_episodes):
    out = copy_folder(two_episodes, tmp_path / "out")
    first, _ = sorted(assert_folder_consistent(out))
    good = _sha(out / first)
    (out / first).unlink()
    result = build_standin(out, "2025-04-03", THIRD_NEWS)
    assert "put it back from the cache" in result.output
    assert len(assert_folder_consistent(out)) == 3 and _sha(out / first) == good


def test_an_mp3_deleted_by_hand_and_not_in_the_cache_is_dropped_and_said(tmp_path, two_episodes):
    out = copy_folder(two_episodes, tmp_path / "out")
    first, second = sorted(assert_folder_consistent(out))
    (out / first).unlink()
    import shutil

    shutil.rmtree(out / ".cache" / "bulletins")
    result = build_standin(out, "2025-04-03", THIRD_NEWS)
    assert "dropped it from the feed" in result.output
    listed = assert_folder_consistent(out)
    assert first not in listed and second in listed and len(listed) == 2


# ---------------------------------------------------------------- item 15: leftovers

def test_temporary_files_left_by_a_kill_are_removed_by_the_next_build(tmp_path, one_episode):
    out = copy_folder(one_episode, tmp_path / "out")
    leftovers = [out / ".feed.xml.k1ll3d.tmp", out / ".episodes.json.x8y9.tmp", out / ".index.html.abcd.tmp",
                 out / "episodes" / ".2025-04-01-0123456789.mp3.zz.tmp"]
    for path in leftovers:
        path.write_text("half", encoding="utf-8")
    keep = out / "notes.tmp"  # not a name write_atomic makes
    keep.write_text("mine", encoding="utf-8")
    build_standin(out, "2025-04-02", OTHER_NEWS)
    assert not any(p.exists() for p in leftovers) and keep.exists()
    assert_folder_consistent(out)
