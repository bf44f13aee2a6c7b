"""The command line: help everywhere, one-line errors, non-zero exits, no tracebacks."""

from __future__ import annotations

import pytest
from conftest import ROOT, SAMPLE_PAGE, briefing_in_process, run_cli

from briefing.cli import app

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output.splitlines()) > 3


def _assert_one_line_error(args, expected_code, needle):
    """stderr is one line, no traceback (the CLI in this process, run from the project folder; that a
    real process prints nothing more is tested in test_hostile_inputs, test_a_real_process_*)."""
    proc = briefing_in_process(*args, cwd=ROOT)
    assert proc.returncode == expected_code, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert needle in lines[0]


def test_missing_input_file(tmp_path):
    _assert_one_line_error(["build", tmp_path / "nope.txt", "--out", tmp_path / "out"], 2, "no such file")


def test_empty_input_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    _assert_one_line_error(["build", empty, "--out", tmp_path / "out"], 2, "empty")


def test_binary_input_file(tmp_path):
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(bytes(range(256)) * 64)
    _assert_one_line_error(["articles", binary], 2, "binary")
    _assert_one_line_error(["build", binary, "--out", tmp_path / "out"], 2, "binary")


def test_bad_input_leaves_no_output(tmp_path):
    out = tmp_path / "out"
    run_cli("build", tmp_path / "missing.txt", "--out", out)
    assert not (out / "feed.xml").exists()


def test_unknown_engine_lists_valid_ones(tmp_path):
    _assert_one_line_error(["build", SAMPLE_PAGE, "--engine", "espeak", "--out", tmp_path], 3, "auto, edge, kokoro")


def test_unknown_format_is_a_bad_option_before_anything_is_read(tmp_path):
    _assert_one_line_error(["build", SAMPLE_PAGE, "--format", "pdf", "--engine", "kokoro", "--out", tmp_path], 3,
                           "input format must be one of jsonl, json, feed, html, markdown, page")
    assert not (tmp_path / "episodes").exists()


def test_unknown_voice_lists_valid_ones(tmp_path):
    _assert_one_line_error(["build", SAMPLE_PAGE, "--engine", "kokoro", "--voice", "nobody", "--out", tmp_path],
                           4, "zm_yunxi")


def test_bad_date(tmp_path):
    _assert_one_line_error(["build", SAMPLE_PAGE, "--date", "15/02/2025", "--out", tmp_path], 3, "YYYY-MM-DD")


def test_articles_json_lists_the_six_stories():
    import json

    result = run_cli("articles", SAMPLE_PAGE, "--json")
    assert result.exit_code == 0
    articles = json.loads(result.stdout)
    assert len(articles) == 6
    for article in articles:
        assert {"title", "byline", "dateline", "paragraphs", "lang"} <= set(article)
        assert article["lang"] == "zh" and article["paragraphs"]
    assert articles[1]["dateline"].startswith("新华社北京2月15日电")


def test_leads_json_carries_ids_from_jsonl(tmp_path):
    import json

    data = tmp_path / "news.jsonl"
    rows = [{"id": "a-1", "title": "Storm closes schools", "body": "Schools closed on Monday. Buses stopped."},
            {"id": "b-2", "title": "新线路开通", "body": "新的地铁线路今天开通。乘客可以免费试乘。"}]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = run_cli("leads", data, "--json")
    assert result.exit_code == 0
    items = json.loads(result.stdout)
    assert [i["id"] for i in items] == ["a-1", "b-2"]
    assert items[0]["lead"].startswith("Schools closed") and items[1]["lead"].startswith("新的地铁")


def test_voices_lists_the_shipped_offline_voices():
    result = run_cli("voices", "--engine", "kokoro")
    assert result.exit_code == 0
    for name in ("zm_yunxi", "zf_xiaoxiao", "af_heart"):
        assert name in result.stdout
