"""Load an input (file or URL) into text: size limit, binary check, encoding detection."""

from __future__ import annotations

import codecs
import logging
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .fetch import fetch

log = logging.getLogger(__name__)

MAX_INPUT_BYTES = 20 * 1024 * 1024  # a day's news is far smaller; refuse anything larger
MAX_PAGE_BYTES = 5 * 1024 * 1024  # one web page a feed item links to

# Files read from a folder given as an input; other files there (pictures, PDFs) are skipped.
NEWS_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".json", ".jsonl", ".ndjson", ".xml", ".rss",
                 ".atom", ".html", ".htm", ".xhtml", "")

_DECLARED = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)|<meta[^>]*?charset\s*=\s*["']?([A-Za-z0-9._-]+)""",
                      re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class Document:
    """The text of one input and where it came from."""

    text: str
    source: str  # path or URL as given
    encoding: str
    content_type: str | None = None  # from HTTP, when fetched
    allow_private_links: bool = False  # links inside it may lead to loopback, private, link-local hosts
    deadline: float | None = None  # time.monotonic() by which everything it links to must be fetched

    @property
    def is_url(self) -> bool:
        return is_url(self.source)


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def expand_folders(sources: list[str]) -> list[str]:
    """Inputs with every folder replaced by the news files directly inside it, sorted by name."""
    expanded: list[str] = []
    for source in sources:
        path = Path(source)
        if is_url(source) or not path.is_dir():
            expanded.append(source)
            continue
        inside = [p for p in path.iterdir() if _stays_inside(p, path)]
        files = sorted(p for p in inside
                       if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in NEWS_SUFFIXES)
        skipped = sum(1 for p in inside if p.is_file() and not p.name.startswith(".")) - len(files)
        if skipped:
            log.info("%s: skipped %d file(s) that are not news text (%s)", source, skipped,
                     ", ".join(s or "no suffix" for s in NEWS_SUFFIXES))
        if not files:
            raise InputError(f"{source}: the folder holds no news files ({', '.join(NEWS_SUFFIXES[:-1])}); "
                             "put them there or name the files")
        expanded.extend(str(p) for p in files)
    return expanded


def _stays_inside(path: Path, folder: Path) -> bool:
    """False (with a note) for a symbolic link that leads out of the folder: it is not read."""
    if not path.is_symlink():
        return True
    if path.resolve().is_relative_to(folder.resolve()):
        return True
    log.warning("%s: skipped, a symbolic link to a file outside %s", path, folder)
    return False


def load(source: str) -> Document:
    """Read a path or URL and decode it to text."""
    if is_url(source):
        data, content_type = fetch_bytes(source)
    else:
        data, content_type = _read_file(source), None
    text, encoding = decode(data, source)
    log.debug("%s: %d bytes, encoding %s", source, len(data), encoding)
    return Document(text=text, source=source, encoding=encoding, content_type=content_type)


def _read_file(source: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """A regular file's bytes, at most `limit` (checked while reading: the file may grow).
    FIFOs, devices and sockets are refused before anything is read from them."""
    path = Path(source)
    if not path.exists():
        raise InputError(f"{source}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{source}: is a folder; give the news files inside it")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"{source}: cannot read it ({exc.strerror}); check its permissions") from None
    with os.fdopen(fd, "rb") as f:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise InputError(f"{source}: not a regular file (a pipe, device or socket); give a news file")
        if status.st_size > limit:
            raise InputError(f"{source}: {status.st_size / 1e6:.1f} MB is over the {limit // 2**20} MB input limit; "
                             "split it into smaller files")
        os.set_blocking(fd, True)
        try:
            data = f.read(limit + 1)
        except OSError as exc:
            raise InputError(f"{source}: cannot read it ({exc.strerror}); check the file") from None
    if len(data) > limit:
        raise InputError(f"{source}: over the {limit // 2**20} MB input limit; split it into smaller files")
    return data


def fetch_bytes(url: str, limit: int = MAX_INPUT_BYTES, deadline: float | None = None,
                public_only: bool = False) -> tuple[bytes, str | None]:
    """GET a URL with one deadline for the whole answer and a size cap (see fetch.py)."""
    return fetch(url, limit, deadline=deadline, public_only=public_only)


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Bytes to text: BOM, then strict UTF-8, then detection (GB18030, Big5, ...)."""
    if not data.strip():
        raise InputError(f"{source}: the file is empty; give a file with news text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _clean(data.decode(encoding, errors="replace"), source), encoding
    if _looks_binary(data):
        raise InputError(f"{source}: looks like binary data, not text; give a text, HTML, feed or JSON file")
    try:
        return _clean(data.decode("utf-8"), source), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_encoding(data)
    if declared is not None:
        try:
            return _clean(data.decode(declared), source), declared
        except UnicodeDecodeError:
            log.debug("%s: declares %s but is not; detecting the encoding", source, declared)
    encoding = _detect(data)
    return _clean(data.decode(encoding, errors="replace"), source), encoding


def _declared_encoding(data: bytes) -> str | None:
    """The encoding an XML declaration or HTML meta tag names, if Python knows it."""
    match = _DECLARED.search(data[:2048])
    if match is None:
        return None
    try:
        name = codecs.lookup((match.group(1) or match.group(2)).decode("ascii")).name
    except LookupError:
        return None
    return _superset(name)


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        return "utf-8"
    return _superset(best.encoding)


def _superset(encoding: str) -> str:
    """GBK/GB2312 are subsets of GB18030; decode with the superset so rare characters survive."""
    return "gb18030" if encoding in ("gbk", "gb2312", "hz") else encoding


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.05


# Control characters (but tab and newline), bidi overrides/isolates and the replacement
# character left by undecodable bytes: never news, and a voice would read them as noise.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd]")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _clean(text: str, source: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text, dropped = _INVISIBLE.subn("", _ANSI.sub("", text))
    if dropped:
        log.info("%s: dropped %d control, bidi or undecodable character(s)", source, dropped)
    if not text.strip():
        raise InputError(f"{source}: the file holds only whitespace; give a file with news text")
    return text
