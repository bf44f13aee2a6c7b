"""Settings that used to pass validation and crash or hang later (issue 19, item 10), `init`
with hostile sources (item 13), and caches kept out of the shared temp folder (item 15)."""

from __future__ import annotations

import os
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from conftest import briefing_in_process as briefing
from conftest import python_process

NEWS = '[{"title": "新桥通车", "body": "一座跨江大桥今天正式通车。"}]'


def one_line_error(proc, code: int) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "onnxruntime" not in proc.stderr and "DecompressionBomb" not in proc.stderr
    return lines[0]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(size: int) -> bytes:
    """A PNG that claims to be size x size pixels (the bytes of a decompression bomb's header)."""
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\0" * 100)) \
        + _chunk(b"IEND", b"")


def png_with_huge_text(path: Path) -> bytes:
    """A valid 1400 px PNG carrying a zTXt chunk that inflates to 50 MB."""
    from PIL import Image

    Image.new("RGB", (1400, 1400), (1, 2, 3)).save(path, format="PNG")
    data = path.read_bytes()
    text = _chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"A" * 50_000_000, 9))
    return data[:33] + text + data[33:]  # after the IHDR chunk


COVERS = {
    "bomb-20000": lambda p: png_header_only(20000),
    "bomb-10000": lambda p: png_header_only(10000),
    "huge-text-chunk": png_with_huge_text,
    "truncated": lambda p: png_with_huge_text(p)[:20000],
}


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "briefing.toml"
    path.write_text(text, encoding="utf-8")
    return path


SETTINGS = {
    "rate -100%": '[build]\nrate = "-100%"\n',
    "rate -99%": '[build]\nrate = "-99%"\n',
    "rate +900%": '[build]\nrate = "+900%"\n',
    "lone { in the opening": '[wording]\nopening = "欢迎收听{show"\n',
    "lone } in the closing": '[wording]\nclosing = "再见}"\n',
    "lone { in a transition": '[wording]\ntransition = "下面 | {"\n',
    "source URL with a space": '[[sources]]\nurl = "https://example.org/my feed.xml"\n',
    "source URL with a newline": '[[sources]]\nurl = "https://example.org/\\nfeed.xml"\n',
    "source URL, broken IPv6": '[[sources]]\nurl = "http://[::1/feed.xml"\n',
    "source URL, bad port": '[[sources]]\nurl = "http://127.0.0.1:8x/feed.xml"\n',
    "base URL, broken IPv6": '[publish]\nbase_url = "http://[::1/"\n',
    "~nosuchuser path": '[[sources]]\npath = "~nosuchuser-briefing/news.txt"\n',
    "~nosuchuser out": '[publish]\nout_dir = "~nosuchuser-briefing/out"\n',
    "out is a file": '[publish]\nout_dir = "FILE"\n',
    "cache is a file": '[publish]\ncache_dir = "FILE"\n',
}


@pytest.mark.parametrize("case", sorted(SETTINGS))
def test_bad_settings_stop_at_load_in_one_line(tmp_path, case):
    (tmp_path / "FILE").write_text("not a folder", encoding="utf-8")
    (tmp_path / "news.json").write_text(NEWS, encoding="utf-8")
    config = _config(tmp_path, SETTINGS[case])
    proc = briefing("--config", config, "build", tmp_path / "news.json", "--engine", "standin",
                    "--offline-engine", "standin")
    line = one_line_error(proc, 3)
    assert str(config) in line or "cover" in line, line
    assert not (tmp_path / "output" / "feed.xml").exists()


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1000-06-01"])
def test_a_date_out_of_range_is_a_setting_error(tmp_path, date):
    (tmp_path / "news.json").write_text(NEWS, encoding="utf-8")
    proc = briefing("build", tmp_path / "news.json", "--engine", "standin", "--offline-engine", "standin",
                    "--out", tmp_path / "out", "--date", date)
    assert "out of range" in one_line_error(proc, 3)


@pytest.mark.parametrize("kind", sorted(COVERS))
def test_cover_bombs_are_refused_without_decoding_them(tmp_path, kind):
    cover = tmp_path / "cover.png"
    cover.write_bytes(COVERS[kind](tmp_path / "base.png"))
    config = _config(tmp_path, f'[show]\ncover = "{cover}"\n')
    (tmp_path / "news.json").write_text(NEWS, encoding="utf-8")
    proc = briefing("--config", config, "build", tmp_path / "news.json", "--engine", "standin",
                    "--offline-engine", "standin", timeout=60)
    assert "cover image" in one_line_error(proc, 3)


def test_the_rate_limits_are_the_documented_ones():
    from briefing.errors import ConfigError
    from briefing.settings import Settings

    assert Settings.make(rate="-50%").speak.rate == "-50%" and Settings.make(rate="+100%").speak.rate == "+100%"
    for rate in ("-51%", "+101%", "-100%", "+1000000000000%"):
        with pytest.raises(ConfigError, match="rate"):
            Settings.make(rate=rate)


# ---------------------------------------------------------------- item 13: init

@pytest.mark.parametrize("source", ["https://example.org/a\nb.xml", "http://[::1", "http://example.org/a b",
                                    "~nosuchuser-briefing/news.txt"])
def test_init_with_a_broken_source_is_one_line(tmp_path, source):
    proc = briefing("init", "--source", source, cwd=tmp_path)
    one_line_error(proc, 3)
    assert not (tmp_path / "briefing.toml").exists()


def test_init_escapes_what_toml_needs_escaped(tmp_path):
    odd = tmp_path / 'news "quoted" \\ back\tslash'
    odd.mkdir()
    proc = briefing("init", "--source", odd, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    import tomllib

    assert tomllib.loads((tmp_path / "briefing.toml").read_text("utf-8"))["sources"][0]["path"] == str(odd)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a read-only tmpfs needs root")
def test_init_in_a_read_only_folder_is_one_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(folder)], capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        assert "cannot write" in one_line_error(briefing("init", cwd=folder), 3)
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


# ---------------------------------------------------------------- item 15: caches

def test_jieba_and_onnxruntime_keep_their_caches_out_of_the_shared_temp_folder(tmp_path):
    shared, home = tmp_path / "shared-tmp", tmp_path / "cache-home"
    shared.mkdir()
    script = ("from briefing.text.words import jieba_module; jieba_module().lcut('今天天气很好，我们去公园散步。');"
              "from briefing.speak.kokoro import _import_onnxruntime; _import_onnxruntime()")
    proc = python_process("-c", script, env={**os.environ, "TMPDIR": str(shared), "XDG_CACHE_HOME": str(home)})
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in shared.iterdir()) == []  # no jieba.cache, no .ses
    private = home / "briefing"
    assert (private / "jieba.cache").is_file()
    assert private.stat().st_mode & 0o777 == 0o700
    assert os.environ.get("TMPDIR") != str(private)


def test_a_cache_folder_others_may_write_is_made_private(tmp_path, monkeypatch):
    from briefing.files import private_cache_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "briefing").mkdir(mode=0o777)
    os.chmod(tmp_path / "briefing", 0o777)
    assert private_cache_dir().stat().st_mode & 0o777 == 0o700
