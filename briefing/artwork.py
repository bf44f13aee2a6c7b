"""The show's cover art: the configured image (checked), or one drawn here.

Podcast apps want a square JPEG or PNG of 1400-3000 px in RGB. The cover sits in the
output folder as `cover.png`/`cover.jpg` for the feed; a small copy is embedded in each MP3.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from functools import lru_cache
from pathlib import Path

from .errors import ConfigError
from .files import kept_in_cache, write_atomic
from .settings import Settings

MIN_SIZE, MAX_SIZE = 1400, 3000
GENERATED_SIZE = 3000  # Apple's recommended size
EMBED_SIZE = 600  # pixels of the copy inside the MP3 (APIC), to keep the file small
# Text stays in this box (fractions of the side): 10 % margins, and out of the bottom quarter,
# the band apps and Apple's guidelines say may be covered by titles, gradients and controls.
TEXT_BOX = (0.10, 0.10, 0.90, 0.46)
MAX_TITLE_LINES = 3
COVER_MARK = "briefing-cover"  # PNG text key: which title a drawn cover shows (redrawn when it changes)
COVER_VERSION = "2"
FONT_PACKAGE, FONT_FILE, FONT_INDEX = "manimgx_fonts_cjk", "NotoSansCJK-VF.otf.ttc", 2  # Noto Sans CJK SC


def _image_module():
    from PIL import Image, ImageDraw, ImageFont

    return Image, ImageDraw, ImageFont


def cover_font_path() -> Path | None:
    """Noto Sans CJK from its PyPI package (no system font is assumed), or None if missing."""
    try:
        from importlib.resources import files

        path = Path(str(files(FONT_PACKAGE) / FONT_FILE))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


def draw_cover(title: str, size: int = GENERATED_SIZE, with_text: bool = True) -> bytes:
    """A generated cover: night-blue field, the show's title in the safe area, and a row of
    level bars like a voice below it. Without the font package it is drawn without text."""
    Image, ImageDraw, _ = _image_module()
    image = Image.new("RGB", (size, size), (14, 27, 48))
    draw = ImageDraw.Draw(image)
    for y in range(size):  # vertical gradient
        shade = int(14 + 22 * y / size)
        draw.line([(0, y), (size, y)], fill=(shade, 27 + shade // 2, 48 + shade))
    _draw_bars(draw, size, seed=sum(map(ord, title)) or 1)
    font_path = cover_font_path()
    if with_text and font_path is not None and title.strip():
        _draw_title(draw, title.strip(), size, font_path)
    out = io.BytesIO()
    info = _png_info({COVER_MARK: f"{COVER_VERSION}:{title}"})
    image.save(out, format="PNG", optimize=True, pnginfo=info)
    return out.getvalue()


def _png_info(texts: dict[str, str]):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for key, value in texts.items():
        info.add_itxt(key, value)
    return info


def _draw_bars(draw, size: int, seed: int) -> None:
    bars = 23
    width = size * 0.7 / bars
    left = size * 0.15
    middle, tallest = size * 0.64, size * 0.22
    for k in range(bars):
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        envelope = 1 - abs(k - bars // 2) / (bars / 2)
        height = tallest * (0.2 + 0.8 * envelope * (0.55 + 0.45 * (seed % 1000) / 1000))
        x = left + k * width
        draw.rounded_rectangle([x + width * 0.18, middle - height / 2, x + width * 0.82, middle + height / 2],
                               radius=width * 0.3, fill=(246, 178, 60) if k % 5 == 2 else (235, 240, 248))


def _draw_title(draw, title: str, size: int, font_path: Path) -> None:
    """The title centred in TEXT_BOX, as large as it fits in at most three balanced lines (one
    line is preferred unless more lines make it much larger)."""
    _, _, ImageFont = _image_module()
    left, top, right, bottom = (round(f * size) for f in TEXT_BOX)
    box_width, box_height = right - left, bottom - top
    best = None  # (score, points, font, lines)
    for points in range(size // 6, size // 40, -size // 150):
        font = ImageFont.truetype(str(font_path), points, index=FONT_INDEX)
        font.set_variation_by_name("Bold")

        def width_of(text: str, font=font) -> float:
            return draw.textlength(text, font=font)

        lines = wrap_title(title, width_of, box_width)
        if not lines or len(lines) > MAX_TITLE_LINES or len(lines) * points * 1.25 > box_height:
            continue
        score = points * 0.85 ** (len(lines) - 1)
        if best is None or score > best[0]:
            best = (score, points, font, balanced(title, width_of, box_width, len(lines)) or lines)
    if best is None:
        return  # too long to be read on a cover at any size: the feed and page still name the show
    _, points, font, lines = best
    line_height = points * 1.25
    y = top + (box_height - len(lines) * line_height) / 2
    for line in lines:
        draw.text((size / 2, y + line_height / 2), line, font=font, fill=(246, 248, 252), anchor="mm")
        y += line_height


def balanced(title: str, width_of, limit: float, count: int) -> list[str] | None:
    """The same number of lines with the narrowest widest line (no short last line)."""
    best = None
    for step in range(1, 50):
        lines = wrap_title(title, width_of, limit * (1 - step / 100))
        if not lines or len(lines) != count:
            break
        best = lines
    return best


def wrap_title(title: str, width_of, limit: float) -> list[str] | None:
    """Lines of `title` no wider than `limit`: broken at spaces, or between any two characters
    of Han script; None when a single word is wider than the limit."""
    from .text.script import is_han

    tokens: list[str] = []
    for word in title.split():
        if tokens:
            tokens.append(" ")
        run = ""
        for char in word:  # each Han character may start a line; Latin words stay whole
            if is_han(char):
                if run:
                    tokens.append(run)
                    run = ""
                tokens.append(char)
            else:
                run += char
        if run:
            tokens.append(run)
    lines, line = [], ""
    for token in tokens:
        candidate = line + token
        if width_of(candidate.strip()) <= limit:
            line = candidate
            continue
        if not line.strip() or width_of(token.strip()) > limit:
            return None
        lines.append(line.strip())
        line = token.lstrip()
    if line.strip():
        lines.append(line.strip())
    return lines


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
    if drawn_title(target) != settings.show.title:
        write_atomic(target, _kept_drawing(settings.show.title))
    return target


def _kept_drawing(title: str) -> bytes:
    """draw_cover(title), kept in the user's cache folder: drawing and compressing 3000 px takes
    about a second, and every new output folder of the same show needs the same picture."""
    key = f"{COVER_VERSION}|{GENERATED_SIZE}|{cover_font_path()}|{title}"
    name = f"covers/{hashlib.sha256(key.encode()).hexdigest()[:32]}.png"
    return kept_in_cache(name, lambda: draw_cover(title), lambda data: _intact_drawing(data, title))


def _intact_drawing(data: bytes, title: str) -> bool:
    Image, _, _ = _image_module()
    try:
        with Image.open(io.BytesIO(data)) as image:
            mark = str(image.info.get(COVER_MARK, ""))
            image.verify()  # every chunk's checksum tested: a damaged copy is drawn anew
    except (OSError, SyntaxError, ValueError):
        return False
    return mark == f"{COVER_VERSION}:{title}"


def drawn_title(path: Path) -> str | None:
    """The title a cover drawn by this version shows, or None (missing, older or not drawn here)."""
    Image, _, _ = _image_module()
    try:
        with Image.open(path) as image:
            mark = str(image.info.get(COVER_MARK, ""))  # text chunks before the image data: nothing decoded
    except OSError:
        return None
    version, _, title = mark.partition(":")
    return title if version == COVER_VERSION else None
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
    """A small JPEG copy of the cover for the MP3's APIC frame (made once per picture: the same
    cover in another output folder is the same copy)."""
    return _embedded_cover(path.read_bytes())


@lru_cache(maxsize=4)
def _embedded_cover(data: bytes) -> tuple[bytes, str]:
    Image, _, _ = _image_module()
    with Image.open(io.BytesIO(data)) as image:
        small = image.convert("RGB")
        small.thumbnail((EMBED_SIZE, EMBED_SIZE))
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=85)
    return out.getvalue(), "image/jpeg"
