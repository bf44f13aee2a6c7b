"""briefing.toml: validation errors name the key, CLI options override, init + build, doctor."""

from __future__ import annotations

import json

import feedparser
import pytest
from conftest import ENGLISH_SAMPLE, closed_port_url
from typer.testing import CliRunner

from briefing.cli import app


def invoke(*args, cwd=None, monkeypatch=None):
    if cwd is not None and monkeypatch is not None:
        monkeypatch.chdir(cwd)
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, needle", [
    ("[show]\ntitel = 'x'\n", "[show]: unknown key 'titel'; valid: author"),
    ("[build]\nitem_seconds = 'long'\n", "[build] item_seconds: must be a number"),
    ("[build]\nkeep = 2.5\n", "[build] keep: must be a whole number"),
    ("[show]\nexplicit = 'no'\n", "[show] explicit: must be true or false"),
    ("[publish]\nbase_url = 'ftp:/example'\n", "base URL must be an absolute http(s) URL"),
    ("[[sources]]\nurl = 'example.org/rss'\n", "[[sources]] #1 url: must be an http(s) URL"),
    ("[[sources]]\npath = 'a.txt'\nurl = 'https://example.org/rss'\n", "exactly one of path"),
    ("[playlist]\nx = 1\n", "unknown top-level table 'playlist'"),
    ("[voices]\nzh.espeak = 'x'\n", "zh.espeak: unknown engine"),
    ("[show\ntitle = 'x'\n", "not valid TOML"),
])
def test_config_errors_name_the_key_and_exit_3(tmp_path, text, needle):
    config = write(tmp_path / "briefing.toml", text)
    result = invoke("--config", config, "leads", ENGLISH_SAMPLE)
    assert result.exit_code == 3
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _lead_words(result) -> int:
    (item,) = json.loads(result.stdout)
    return len(item["lead"].split())


def test_cli_options_override_config_values(tmp_path):
    config = write(tmp_path / "briefing.toml", "[build]\nitem_seconds = 6.0\n")
    from_config = invoke("--config", config, "leads", ENGLISH_SAMPLE, "--json")
    overridden = invoke("--config", config, "leads", ENGLISH_SAMPLE, "--json", "--item-seconds", "60")
    assert from_config.exit_code == overridden.exit_code == 0
    assert _lead_words(from_config) < 25 < _lead_words(overridden)


def test_relative_paths_resolve_next_to_the_config(tmp_path, monkeypatch):
    show = tmp_path / "show"
    show.mkdir()
    write(show / "news.md", ENGLISH_SAMPLE.read_text("utf-8"))
    write(show / "briefing.toml", "[[sources]]\npath = 'news.md'\nmax_items = 1\n")
    monkeypatch.chdir(tmp_path)
    from briefing.config import load_config

    settings = load_config(show / "briefing.toml")
    assert settings.read.sources[0].location == str(show / "news.md")
    assert settings.out_dir == show / "output"


def test_init_refuses_to_overwrite_without_force(tmp_path, monkeypatch):
    assert invoke("init", cwd=tmp_path, monkeypatch=monkeypatch).exit_code == 0
    again = invoke("init")
    assert again.exit_code == 3 and "--force" in again.stderr
    assert invoke("init", "--force").exit_code == 0


def test_init_then_build_with_no_arguments(tmp_path, monkeypatch, fake_edge):
    result = invoke("init", "--source", ENGLISH_SAMPLE, cwd=tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    config = tmp_path / "briefing.toml"
    config.write_text(config.read_text("utf-8").replace('engine = "auto"', 'engine = "edge"'), encoding="utf-8")
    built = invoke("build")
    assert built.exit_code == 0, built.output
    assert "done: episode" in built.stdout and "engine edge" in built.stdout
    feed = feedparser.parse(str(tmp_path / "output" / "feed.xml"))
    assert not feed.bozo and len(feed.entries) == 1
    assert len(list((tmp_path / "output" / "episodes").glob("*.mp3"))) == 1
    assert any("Riverside" in text for text in fake_edge.requests)


def test_build_without_inputs_or_sources_says_what_to_do(tmp_path, monkeypatch):
    result = invoke("build", cwd=tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "[[sources]]" in result.stderr


def test_doctor_reports_ffmpeg_and_online_voice(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_EDGE_WSS_URL", closed_port_url())
    write(tmp_path / "briefing.toml", '[build]\noffline_engine = "standin"\n')  # the real voice: test_voices
    result = invoke("doctor", "--out", tmp_path / "out", cwd=tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.stdout  # the online voice is not needed: a warning only
    lines = result.stdout.splitlines()
    assert any(ln.startswith("ok   ffmpeg: ") and "ffmpeg" in ln for ln in lines)
    assert any(ln.startswith("warn online voice") for ln in lines)
    assert any(ln.startswith("ok   offline voice") for ln in lines)


def test_doctor_speaks_with_the_configured_offline_engine_and_voices(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_EDGE_WSS_URL", closed_port_url())
    write(tmp_path / "briefing.toml", '[build]\noffline_engine = "standin"\n')
    lines = invoke("doctor", "--out", tmp_path / "out", cwd=tmp_path, monkeypatch=monkeypatch).stdout.splitlines()
    assert "ok   offline voice: standin (standin-1); voices standin-zh, standin-en" in lines
    write(tmp_path / "briefing.toml", '[voices]\nzh.kokoro = "zf_nobody"\n')
    result = invoke("doctor", "--out", tmp_path / "out", cwd=tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 1
    (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith("FAIL offline voice: ")]
    assert "zf_nobody" in line


def test_doctor_fails_when_the_output_folder_cannot_be_written(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_EDGE_WSS_URL", closed_port_url())
    write(tmp_path / "briefing.toml", '[build]\noffline_engine = "standin"\n')  # the folder, not the voice
    blocker = write(tmp_path / "a-file", "not a folder")
    result = invoke("doctor", "--out", blocker / "out", cwd=tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert any(ln.startswith("FAIL output folder") for ln in result.stdout.splitlines())


def test_the_init_template_states_the_defaults_it_was_made_from(tmp_path):
    import tomllib

    from briefing.config import render_template, settings_from_mapping
    from briefing.settings import Settings

    data = tomllib.loads(render_template([]))
    loaded = settings_from_mapping(data, base=tmp_path)
    defaults = Settings()
    for group in ("show", "leads", "speak", "assemble", "publish", "script"):
        assert getattr(loaded, group) == getattr(defaults, group), group
    assert data["build"]["item_seconds"] == defaults.leads.item_seconds and data["show"]["title"] == defaults.show.title
