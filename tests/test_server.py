"""`briefing serve` as a real process on 127.0.0.1, spoken to with http.client (which sends
paths as given, without normalising them)."""

from __future__ import annotations

import http.client
import socket
import time
from urllib.parse import urlsplit

import pytest
from conftest import briefing_process
from published import build_episode, listed_episodes, serving


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One built episode, a secret outside the folder, links leading out, and the server."""
    base = tmp_path_factory.mktemp("serve")
    out = base / "out"
    build_episode(out, "2025-03-01")
    secret = base / "secret.txt"
    secret.write_text("not for the web\n")
    (out / "leak.txt").symlink_to(secret)
    (out / "outside").symlink_to(base, target_is_directory=True)
    (out / ".hidden.txt").write_text("hidden\n")
    (out / "episodes" / "inside.mp3").symlink_to(out / "episodes" / listed_episodes(out)[0]["media"])
    with serving(out) as (url, proc):
        parts = urlsplit(url)
        yield {"out": out, "url": url, "host": parts.hostname, "port": parts.port, "proc": proc,
               "episode": listed_episodes(out)[0]}


def request(site, method, path, headers=None):
    conn = http.client.HTTPConnection(site["host"], site["port"], timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def mp3_path(site):
    return "/episodes/" + site["episode"]["media"]


def test_binds_loopback_by_default(site):
    assert site["host"] == "127.0.0.1"


def test_head_and_get_of_the_mp3_agree_on_length(site):
    size = (site["out"] / "episodes" / site["episode"]["media"]).stat().st_size
    status, head, body = request(site, "HEAD", mp3_path(site))
    assert status == 200 and body == b""
    status, get, body = request(site, "GET", mp3_path(site))
    assert status == 200
    assert int(head["content-length"]) == int(get["content-length"]) == len(body) == size == site["episode"]["length"]
    assert head["accept-ranges"] == get["accept-ranges"] == "bytes"
    assert head["content-type"] == "audio/mpeg"


def test_first_hundred_bytes(site):
    data = (site["out"] / "episodes" / site["episode"]["media"]).read_bytes()
    status, headers, body = request(site, "GET", mp3_path(site), {"Range": "bytes=0-99"})
    assert status == 206
    assert body == data[:100]
    assert headers["content-range"] == f"bytes 0-99/{len(data)}"
    assert headers["accept-ranges"] == "bytes"


def test_last_bytes_and_open_ended_range(site):
    data = (site["out"] / "episodes" / site["episode"]["media"]).read_bytes()
    status, _, body = request(site, "GET", mp3_path(site), {"Range": "bytes=-10"})
    assert status == 206 and body == data[-10:]
    status, headers, body = request(site, "GET", mp3_path(site), {"Range": f"bytes={len(data) - 5}-"})
    assert status == 206 and body == data[-5:]
    assert headers["content-range"] == f"bytes {len(data) - 5}-{len(data) - 1}/{len(data)}"


@pytest.mark.parametrize("wanted", ["bytes=999999999-", "bytes=50-10"])
def test_impossible_range_is_416(site, wanted):
    size = site["episode"]["length"]
    status, headers, _ = request(site, "GET", mp3_path(site), {"Range": wanted})
    assert status == 416
    assert headers["content-range"] == f"bytes */{size}"


def test_several_ranges_get_the_whole_file(site):
    status, _, body = request(site, "GET", mp3_path(site), {"Range": "bytes=0-1,5-6"})
    assert status == 200 and len(body) == site["episode"]["length"]


def test_revalidation_gets_304(site):
    status, headers, _ = request(site, "GET", "/feed.xml")
    assert status == 200 and headers["etag"] and headers["last-modified"]
    status, _, body = request(site, "GET", "/feed.xml", {"If-None-Match": headers["etag"]})
    assert status == 304 and body == b""
    status, _, _ = request(site, "GET", "/feed.xml", {"If-Modified-Since": headers["last-modified"]})
    assert status == 304
    status, _, _ = request(site, "GET", "/feed.xml", {"If-None-Match": '"something-else"'})
    assert status == 200


def test_content_types(site):
    episode = site["episode"]
    expected = {
        "/feed.xml": "application/rss+xml",
        mp3_path(site): "audio/mpeg",
        "/episodes/" + episode["sidecars"]["vtt"]: "text/vtt",
        "/episodes/" + episode["sidecars"]["srt"]: "application/x-subrip",
        "/episodes/" + episode["sidecars"]["chapters"]: "application/json+chapters",
        "/cover.png": "image/png",
        "/": "text/html",
    }
    for path, mime in expected.items():
        status, headers, _ = request(site, "GET", path)
        assert status == 200, path
        assert headers["content-type"].split(";")[0] == mime, path
    for path in ("/feed.xml", "/episodes/" + episode["sidecars"]["vtt"], "/"):
        assert "charset=utf-8" in request(site, "HEAD", path)[1]["content-type"]


@pytest.mark.parametrize("path", [
    "/../../etc/passwd",
    "/episodes/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "//etc/passwd",
    "/leak.txt",
    "/outside/secret.txt",
    "/.hidden.txt",
    "/.staging/",
    "/episodes/",
    "/episodes",
    "/nothing-here.mp3",
])
def test_nothing_outside_the_folder_hidden_or_a_listing(site, path):
    status, _, body = request(site, "GET", path)
    assert status == 404, path
    assert b"not for the web" not in body and b"root:" not in body


def test_raw_request_with_dot_dot_is_404(site):
    """The path exactly as written, on a plain socket."""
    with socket.create_connection((site["host"], site["port"]), timeout=30) as sock:
        sock.sendall(b"GET /../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 404")
    assert b"root:" not in answer


def test_symlink_inside_the_folder_is_served(site):
    status, _, body = request(site, "GET", "/episodes/inside.mp3", {"Range": "bytes=0-9"})
    assert status == 206 and len(body) == 10


def test_only_get_and_head(site):
    assert request(site, "POST", "/feed.xml")[0] == 405
    assert request(site, "PUT", "/feed.xml")[0] == 405


def test_one_log_line_per_request(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "feed.xml").write_text("<rss/>", encoding="utf-8")
    with serving(out) as (url, proc):
        parts = urlsplit(url)
        target = {"host": parts.hostname, "port": parts.port}
        paths = ["/feed.xml", "/missing", "/feed.xml"]
        for path in paths:
            request(target, "GET", path)
    lines = [ln for ln in proc.request_log.splitlines() if '"GET ' in ln]
    assert [ln.split('"GET ')[1].split()[0] for ln in lines] == paths
    assert " 200 " in lines[0] and " 404 " in lines[1]


def _one_line_error(*args):
    proc = briefing_process("serve", *args, timeout=60)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, lines[0]


def test_missing_folder_is_a_one_line_error(tmp_path):
    code, line = _one_line_error("--out", str(tmp_path / "nope"))
    assert code == 3 and "does not exist" in line


def test_busy_port_is_a_one_line_error(site):
    code, line = _one_line_error("--out", str(site["out"]), "--port", str(site["port"]))
    assert code == 3 and f"{site['port']}" in line and "--port" in line


def raw_exchange(site, data: bytes, wait: float = 30.0) -> tuple[bytes, float]:
    """Send `data` on a plain socket; return what came back until the server closed, and when."""
    started = time.monotonic()
    with socket.create_connection((site["host"], site["port"]), timeout=wait) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer, time.monotonic() - started


def test_if_range_with_another_etag_gets_the_whole_file(site):
    size = site["episode"]["length"]
    _, headers, _ = request(site, "HEAD", mp3_path(site))
    status, _, body = request(site, "GET", mp3_path(site), {"Range": "bytes=0-99", "If-Range": '"not-this-one"'})
    assert status == 200 and len(body) == size
    status, _, body = request(site, "GET", mp3_path(site), {"Range": "bytes=0-99", "If-Range": "W/" + headers["etag"]})
    assert status == 200 and len(body) == size  # a weak tag never matches (strong comparison)
    status, reply, body = request(site, "GET", mp3_path(site), {"Range": "bytes=0-99", "If-Range": headers["etag"]})
    assert status == 206 and len(body) == 100 and reply["content-range"] == f"bytes 0-99/{size}"
    status, _, body = request(site, "GET", mp3_path(site), {"Range": "bytes=0-99",
                                                           "If-Range": headers["last-modified"]})
    assert status == 206 and len(body) == 100  # a date still works as aiohttp does it


def test_empty_suffix_range_is_416(site):
    size = site["episode"]["length"]
    status, headers, _ = request(site, "GET", mp3_path(site), {"Range": "bytes=-0"})
    assert status == 416 and headers["content-range"] == f"bytes */{size}"


def test_unknown_range_unit_is_ignored(site):
    status, headers, body = request(site, "GET", mp3_path(site), {"Range": "items=0-5"})
    assert status == 200 and len(body) == site["episode"]["length"] and "content-range" not in headers


def test_overlong_request_target_is_414(site):
    status, headers, _ = request(site, "GET", "/" + "a" * 9000)
    assert status == 414 and headers["server"] == "briefing"
    assert request(site, "GET", "/" + "a" * 8000)[0] == 404  # long but within the limit: looked up


@pytest.mark.parametrize("wanted", ["bytes=-0", "bytes=999999999-", "bytes=50-10"])
def test_errors_are_not_cached_for_good_nor_labelled_audio(site, wanted):
    status, headers, _ = request(site, "GET", mp3_path(site), {"Range": wanted})
    assert status == 416
    assert "immutable" not in headers.get("cache-control", "") and "max-age=31536000" not in headers.get(
        "cache-control", "")
    assert not headers.get("content-type", "").startswith("audio/")
    status, headers, _ = request(site, "GET", "/episodes/2025-03-01-0000000000.mp3")
    assert status == 404 and "immutable" not in headers.get("cache-control", "")
    assert not headers["content-type"].startswith("audio/")


def test_server_header_names_no_library_version(site):
    for method, path, headers in [("GET", "/feed.xml", {}), ("HEAD", mp3_path(site), {}), ("GET", "/missing", {}),
                                  ("POST", "/feed.xml", {}), ("GET", mp3_path(site), {"Range": "bytes=-0"})]:
        status, reply, _ = request(site, method, path, headers)
        assert reply["server"] == "briefing", (method, path, status)
    answer, _ = raw_exchange(site, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n")
    assert answer.startswith((b"HTTP/1.1 400", b"HTTP/1.0 400"))
    assert b"aiohttp" not in answer and b"Python/" not in answer


def test_sidecars_and_feed_allow_other_origins(site):
    episode = site["episode"]
    for path in ["/feed.xml", *("/episodes/" + episode["sidecars"][k] for k in ("chapters", "vtt", "srt"))]:
        status, headers, _ = request(site, "GET", path)
        assert status == 200 and headers["access-control-allow-origin"] == "*", path


def test_only_content_addressed_files_are_immutable(site):
    episode = site["episode"]
    for name in [episode["media"], *episode["sidecars"].values()]:
        assert "immutable" in request(site, "HEAD", "/episodes/" + name)[1]["cache-control"], name
    for path in ["/feed.xml", "/", "/cover.png", "/episodes/inside.mp3"]:
        status, headers, _ = request(site, "HEAD", path)
        assert status == 200 and headers["cache-control"] == "no-cache", path


def test_the_episode_history_is_not_served(site):
    assert (site["out"] / "episodes.json").is_file()
    status, _, body = request(site, "GET", "/episodes.json")
    assert status == 404 and site["episode"]["media"].encode() not in body


def test_a_half_sent_request_is_dropped_after_a_few_seconds(site):
    answer, took = raw_exchange(site, b"GET /feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: sl")
    assert answer == b"" and 3 <= took <= 10


def test_a_request_sent_slowly_within_the_deadline_is_answered(site):
    with socket.create_connection((site["host"], site["port"]), timeout=30) as sock:
        for piece in (b"GET /feed.xml HTTP/1.1\r\n", b"Host: 127.0.0.1\r\n", b"Connection: close\r\n\r\n"):
            sock.sendall(piece)
            time.sleep(1)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200") and b"<rss" in answer


def test_http_0_9_gets_no_content(site):
    answer, took = raw_exchange(site, b"GET /feed.xml\r\n")
    assert b"<rss" not in answer and not answer.startswith(b"HTTP/1.1 200") and took <= 10
