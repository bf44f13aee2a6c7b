"""The show's cover art: the configured image (checked), or one drawn here.

Podcast apps want a square JPEG or PNG of 1400-3000 px in RGB. The cover sits in the
output folder as `cover.png`/`cover.jpg` for the feed; a small copy is embedded in each MP3.
"""

from __future__ import annotations

import io
import warnings
from functools import lru_cache
from pathlib import Path

from .errors import ConfigError
from .files import write_atomic
from .settings import Settings

MIN_SIZE, MAX_SIZE = 1400, 3000
GENERATED_SIZE = 1400
EMBED_SIZE = 600  # pixels of the copy inside the MP3 (APIC), to keep the file small


def _image_module():
    from PIL import Image, ImageDraw, ImageFont

    return Image, ImageDraw, ImageFont


def draw_cover(title: str, size: int = GENERATED_SIZE) -> bytes:
    """A generated cover: night-blue field, a row of level bars like a voice, the word 'briefing'."""
    Image, ImageDraw, ImageFont = _image_module()
    image = Image.new("RGB", (size, size), (14, 27, 48))
    draw = ImageDraw.Draw(image)
    for y in range(size):  # vertical gradient
        shade = int(14 + 22 * y / size)
        draw.line([(0, y), (size, y)], fill=(shade, 27 + shade // 2, 48 + shade))
    bars = 23
    width = size * 0.7 / bars
    left = size * 0.15
    seed = sum(map(ord, title)) or 1
    for k in range(bars):
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        envelope = 1 - abs(k - bars // 2) / (bars / 2)
        height = size * (0.08 + 0.32 * envelope * (0.55 + 0.45 * (seed % 1000) / 1000))
        x = left + k * width
        draw.rounded_rectangle([x + width * 0.18, size * 0.45 - height / 2, x + width * 0.82, size * 0.45 + height / 2],
                               radius=width * 0.3, fill=(246, 178, 60) if k % 5 == 2 else (235, 240, 248))
    font = ImageFont.load_default(size=size // 11)
    text = "briefing"
    box = draw.textbbox((0, 0), text, font=font)
    draw.text(((size - (box[2] - box[0])) / 2, size * 0.76), text, font=font, fill=(235, 240, 248))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def check_cover(path: Path) -> str:
    """Validate a user's cover; return its MIME type. The size is read from the header before
    anything is decoded (a decompression bomb never is); then the whole image must decode."""
    status = path.stat() if path.is_file() else None
    if status is None:
        raise ConfigError(f"cover image {path} does not exist; fix the path or remove the setting")
    return _checked_cover(path, status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=4)
def _checked_cover(path: Path, mtime_ns: int, size: int) -> str:
    Image, _, _ = _image_module()
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                kind, (w, h), mode = image.format, image.size, image.mode
                if kind in ("PNG", "JPEG") and w == h and MIN_SIZE <= w <= MAX_SIZE:
                    image.load()
        except Image.DecompressionBombError:
            raise ConfigError(f"cover image {path} is far too large; podcast apps need a square of "
                              f"{MIN_SIZE}-{MAX_SIZE} px") from None
        except (OSError, ValueError, SyntaxError) as exc:  # PIL: truncated, bad chunk, text chunk too large
            raise ConfigError(f"cover image {path} is not a readable image ({' '.join(str(exc).split())[:80]}); "
                              "save it again as PNG or JPEG") from None
    if kind not in ("PNG", "JPEG"):
        raise ConfigError(f"cover image {path} is {kind}; podcast apps need PNG or JPEG")
    if w != h or not MIN_SIZE <= w <= MAX_SIZE:
        raise ConfigError(f"cover image {path} is {w}x{h}; podcast apps need a square of {MIN_SIZE}-{MAX_SIZE} px")
    if mode not in ("RGB", "P", "L") and kind == "JPEG":
        raise ConfigError(f"cover image {path} is in {mode}; save it as RGB")
    return "image/png" if kind == "PNG" else "image/jpeg"


def cover_file(settings: Settings) -> Path:
    """The cover a build reads: the one set in the settings (checked, not yet copied into
    the output folder: publish_cover does that), or the one drawn once in the output folder."""
    source = settings.show.cover
    if source is not None:
        check_cover(Path(source))
        return Path(source)
    target = settings.out_dir / "cover.png"
    if not target.exists():
        write_atomic(target, draw_cover(settings.show.title))
    return target


def publish_cover(settings: Settings) -> str:
    """Put the cover into the output folder (atomically, when it changed); return its name there."""
    source = cover_file(settings)
    if settings.show.cover is None:
        return source.name
    mime = check_cover(source)
    target = settings.out_dir / ("cover.png" if mime == "image/png" else "cover.jpg")
    data = source.read_bytes()
    if not target.exists() or target.read_bytes() != data:
        write_atomic(target, data)
    return target.name


def embedded_cover(path: Path) -> tuple[bytes, str]:
    """A small JPEG copy of the cover for the MP3's APIC frame."""
    stat = path.stat()
    return _embedded_cover(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _embedded_cover(path: Path, mtime_ns: int, size: int) -> tuple[bytes, str]:
    Image, _, _ = _image_module()
    with Image.open(path) as image:
        small = image.convert("RGB")
        small.thumbnail((EMBED_SIZE, EMBED_SIZE))
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=85)
    return out.getvalue(), "image/jpeg"
