"""briefing.toml: the show's configuration, validated once into Settings.

Every key is checked against the typed fields of Settings and Show; an unknown key, a
value of the wrong type or a bad URL stops with a message naming the key and the fix.
Relative paths are taken relative to the folder of the configuration file.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
import types
import typing
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

from .editions import KEYS as EDITION_KEYS
from .editions import Edition
from .errors import ConfigError, InputError
from .files import write_atomic
from .models import Source
from .read.fetch import check_url
from .settings import FIELD_TYPES, STAGE_GROUPS, Settings, Show
from .speak.engine import ENGINES

CONFIG_NAME = "briefing.toml"

# TOML table -> (dataclass, {toml key: field name}); keys equal field names unless mapped.
_SHOW_KEYS = {f.name: f.name for f in fields(Show)}
_BUILD_KEYS = {
    "engine": "engine", "offline_engine": "offline_engine", "rate": "rate", "item_seconds": "item_seconds", "max_items": "max_items",
    "bitrate_kbps": "bitrate_kbps", "keep": "keep", "concurrency": "concurrency",
    "probe_timeout": "probe_timeout", "skip_failed": "skip_failed", "edge_timeout": "edge_timeout",
    "edge_retries": "edge_retries", "lock_wait": "lock_wait", "allow_private_links": "allow_private_links",
    "minutes": "minutes", "repeat_days": "repeat_days", "loudness_lufs": "loudness_lufs",
}
_PUBLISH_KEYS = {"base_url": "base_url", "out_dir": "out_dir", "cache_dir": "cache_dir",
                 "allow_private_links": "allow_private_links"}
_WORDING_KEYS = {"opening": "opening_words", "transition": "transition_words", "closing": "closing_words"}
_CLUSTER_KEYS = {"address": "cluster", "fallback": "cluster_fallback", "connect_timeout": "cluster_timeout"}
_SOURCE_KEYS = {"path", "url", "max_items"}
_TABLES = ("show", "build", "publish", "wording", "voices", "sources", "cluster", "editions", "pronunciations")


def find_config(explicit: Path | None) -> Path | None:
    """The --config file, else ./briefing.toml when present."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such configuration file; create one with `briefing init`")
        return explicit
    default = Path(CONFIG_NAME)
    return default if default.is_file() else None


def load_config(path: Path) -> Settings:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the line it names") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None
    return settings_from_mapping(data, base=path.parent, origin=str(path))


def settings_from_mapping(data: dict[str, Any], base: Path = Path("."), origin: str = CONFIG_NAME) -> Settings:
    _no_unknown(data, _TABLES, origin, "top-level table")
    show_values = _table(data.get("show", {}), _SHOW_KEYS, typing.get_type_hints(Show), base, f"{origin} [show]")
    build_values = _table(data.get("build", {}), _BUILD_KEYS, FIELD_TYPES, base, f"{origin} [build]")
    publish_values = _table(data.get("publish", {}), _PUBLISH_KEYS, FIELD_TYPES, base, f"{origin} [publish]")
    wording_values = _table(data.get("wording", {}), _WORDING_KEYS, FIELD_TYPES, base, f"{origin} [wording]")
    cluster_values = _table(data.get("cluster", {}), _CLUSTER_KEYS, FIELD_TYPES, base, f"{origin} [cluster]")
    voices = _voices(data.get("voices", {}), f"{origin} [voices]")
    sources = _sources(data.get("sources", []), base, f"{origin} [[sources]]")
    editions = _editions(data.get("editions", []), f"{origin} [[editions]]")
    pronunciations = _pronunciations(data.get("pronunciations", {}), f"{origin} [pronunciations]")
    publish_values.setdefault("out_dir", base / Settings.out_dir)  # output lives beside the config
    try:
        return Settings.make(show=Show(**show_values), voices=voices, sources=sources, editions=editions,
                             pronunciations=pronunciations, **build_values, **publish_values, **wording_values,
                             **cluster_values)
    except ConfigError as exc:
        raise ConfigError(f"{origin}: {exc}") from None


def _no_unknown(table: dict, known, where: str, what: str = "key") -> None:
    for key in table:
        if key not in known:
            raise ConfigError(f"{where}: unknown {what} {key!r}; valid: {', '.join(sorted(known))}")


def _table(table: Any, keys: dict[str, str], hints: dict[str, Any], base: Path, where: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table of key = value lines")
    _no_unknown(table, keys, where)
    return {keys[k]: _coerce(v, hints[keys[k]], base, f"{where} {k}") for k, v in table.items()}


def _coerce(value: Any, hint: Any, base: Path, where: str) -> Any:
    """Check `value` against the field's type; turn strings into Paths and dates where typed so."""
    allowed = typing.get_args(hint) if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union \
        else (hint,)
    target = next(t for t in allowed if t is not type(None))
    if target is Path:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}: must be a path in quotes, not {value!r}")
        try:
            path = Path(value).expanduser()
        except RuntimeError:  # ~nosuchuser
            raise ConfigError(f"{where}: {value!r} names a home folder that does not exist; fix the path") from None
        return path if path.is_absolute() else base / path
    if target is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: must be true or false, not {value!r}")
        return value
    if target is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if target is dt.date and isinstance(value, dt.date):
        return value
    if not isinstance(value, target) or isinstance(value, bool) and target is not bool:
        raise ConfigError(f"{where}: must be {_type_name(target)}, not {value!r}")
    return value


def _type_name(t: type) -> str:
    return {str: "text in quotes", int: "a whole number", float: "a number"}.get(t, t.__name__)


def _pronunciations(table: Any, where: str) -> tuple[tuple[str, str], ...]:
    """word = "ne2 zha1" (pinyin with tone digits) or word = "呢扎" (respelling); checked here."""
    from .speak.mandarin import parse_lexicon

    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table of word = \"pinyin\" lines")
    parse_lexicon(table, where)
    return tuple(table.items())


def _voices(table: Any, where: str) -> tuple[tuple[str, str, str], ...]:
    """[voices] zh.kokoro = "zm_yunxi" -> (("zh", "kokoro", "zm_yunxi"),)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table like  zh.kokoro = \"zm_yunxi\"")
    out = []
    for lang, engines in table.items():
        if lang not in ("zh", "en") or not isinstance(engines, dict):
            raise ConfigError(f"{where}: unknown language {lang!r}; use zh.ENGINE = \"VOICE\" or en.ENGINE = \"VOICE\"")
        for engine, voice in engines.items():
            if engine not in ENGINES:
                raise ConfigError(f"{where} {lang}.{engine}: unknown engine; valid: {', '.join(ENGINES)}")
            if not isinstance(voice, str):
                raise ConfigError(f"{where} {lang}.{engine}: must be a voice name in quotes")
            out.append((lang, engine, voice))
    return tuple(out)


def _array_of_tables(entries: Any, where: str, what: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """([[table]] #n, its keys) for each table of an array of tables; `what` says what each holds."""
    if not isinstance(entries, list):
        raise ConfigError(f"{where}: write each one as a {where.rsplit(' ', 1)[-1]} table with {what}")
    for number, entry in enumerate(entries, 1):
        here = f"{where} #{number}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{here}: must be a table with {what}")
        yield here, entry


def _editions(entries: Any, where: str) -> tuple[Edition, ...]:
    """[[editions]] tables -> Editions (each checked; the settings check the values' ranges)."""
    out = []
    for here, entry in _array_of_tables(entries, where, "name, title and minutes"):
        _no_unknown(entry, EDITION_KEYS, here)
        missing = [k for k in ("name", "title", "minutes") if k not in entry]
        if missing:
            raise ConfigError(f"{here}: needs {', '.join(missing)}")
        try:
            out.append(Edition(**entry))
        except ConfigError as exc:
            raise ConfigError(f"{here}: {exc}") from None
    return tuple(out)


def _sources(entries: Any, base: Path, where: str) -> tuple[Source, ...]:
    out = []
    for here, entry in _array_of_tables(entries, where, 'path = "..." or url = "..."'):
        _no_unknown(entry, _SOURCE_KEYS, here)
        if ("path" in entry) == ("url" in entry):
            raise ConfigError(f"{here}: give exactly one of path = \"...\" or url = \"...\"")
        max_items = entry.get("max_items")
        if max_items is not None and (not isinstance(max_items, int) or isinstance(max_items, bool) or max_items < 1):
            raise ConfigError(f"{here} max_items: must be a whole number of 1 or more, not {max_items!r}")
        if "url" in entry:
            url = entry["url"]
            try:
                check_url(url)
            except InputError as exc:
                raise ConfigError(f"{here} url: must be an http(s) URL such as https://example.org/feed.xml ({exc})") \
                    from None
            location = url
        else:
            location = str(_coerce(entry["path"], Path, base, f"{here} path"))
        out.append(Source(location, max_items))
    return tuple(out)


# What `briefing init` writes, table by table: (key, comment, example for a key without a default).
# The values written are the defaults of Settings and Show, so the template cannot drift from them.
_TEMPLATE: tuple[tuple[str, str, tuple[tuple[str, str, object], ...]], ...] = (
    ("show", "", (
        ("title", "the podcast's name, also spoken in the opening", None),
        ("description", "", None),
        ("author", "default: the title", "每日新闻简报"),
        ("owner_name", "default: the author", "每日新闻简报"),
        ("owner_email", "set your own: podcast directories send verification mail here", None),
        ("copyright", "default: © YEAR AUTHOR", "© 2026 每日新闻简报"),
        ("guid", "podcast:guid, a UUID; default: made once, kept in OUT/episodes.json", "…"),
        ("language", "zh or en: wording of opening/closing, feed language", None),
        ("category", "", None),
        ("subcategory", "", None),
        ("explicit", "", None),
        ("cover", "square PNG/JPEG, 1400-3000 px; omit to get a drawn one", "cover.png"),
    )),
    ("publish", "", (
        ("base_url", "where the output folder is served (briefing serve, or your web host)", None),
        ("out_dir", "feed.xml, episodes/, cover", None),
        ("cache_dir", "synthesized clips, reused by rebuilds (default: OUT/.cache)", "output/.cache"),
    )),
    ("build", "", (
        ("engine", "auto (online voice when reachable, else offline), edge, kokoro, standin", None),
        ("offline_engine", "the voice auto and a failing online voice fall back to", None),
        ("item_seconds", "speaking time per story", None),
        ("max_items", "stories per episode", 10),
        ("minutes", "bulletin length, opening and closing included: the most important stories", 5),
        ("repeat_days", "stories read in this many days before are left out (0: never)", None),
        ("bitrate_kbps", "", None),
        ("keep", "episodes kept in the feed (oldest retired)", 30),
        ("concurrency", "online voice requests at once", None),
    )),
    ("wording", "what the anchor says around the stories; {show}, {date} and {count} are filled in", (
        ("opening", "", "欢迎收听{show}。今天是{date}。"),
        ("transition", "before each story after the first; \" | \" separates variants", "下一条。 | 再来看。"),
        ("closing", "", "以上就是今天的{show}。"),
    )),
    ("voices", "override voices/presets.toml, per language and engine", (
        ("zh.kokoro", "", "zf_xiaoxiao"),
        ("zh.edge", "", "zh-CN-XiaoxiaoNeural"),
    )),
)


def _default(table: str, key: str) -> object:
    """The default a template key stands for (None: it has none)."""
    if table == "show":
        declared = {f.name: f.default for f in fields(Show)}[key]
        return getattr(Show(), key) if declared not in ("", None) else None  # "" and None: derived or unset
    name = {**_BUILD_KEYS, **_PUBLISH_KEYS, **_WORDING_KEYS}.get(key)
    if name is None:
        return None
    if name == "out_dir":
        return str(Settings.out_dir)
    settings = Settings()
    holder = next((getattr(settings, g) for g in STAGE_GROUPS if hasattr(getattr(settings, g), name)), settings)
    return getattr(holder, name)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return _toml_string(str(value))


_EDITIONS_EXAMPLE = [
    "# [[editions]]                        # several bulletins in one build, each under OUT/NAME/",
    '# name = "brief"', '# title = "两分钟新闻"',
    '# minutes = 2                          # optional: voice, item_seconds, loudness, format = "flash"', ""]


def _template_tables() -> list[str]:
    lines = ["# briefing.toml: your daily news bulletin. Edit, then run `briefing build`.",
             "# Every key is optional; the values shown are the defaults. Command-line options",
             "# override what is written here. `briefing doctor` checks this file.", ""]
    for table, note, keys in _TEMPLATE:
        entries = []
        for key, comment, example in keys:
            value = _default(table, key)
            prefix = "# " if value is None else ""
            entry = f"{prefix}{key} = {_toml_value(value if value is not None else example)}"
            entries.append((entry.ljust(38) + f" # {comment}") if comment else entry)
        commented = all(e.startswith("#") for e in entries)
        head = f"{'# ' if commented else ''}[{table}]"
        lines.append((head.ljust(38) + f" # {note}") if note else head)
        lines += entries + [""]
    return lines


def render_template(sources: list[str]) -> str:
    blocks = []
    for source in sources:
        key = "url" if source.startswith(("http://", "https://")) else "path"
        try:
            value = source if key == "url" else str(Path(source).expanduser().resolve())
        except RuntimeError:  # ~nosuchuser
            raise ConfigError(f"--source {source!r} names a home folder that does not exist; fix the path") from None
        blocks.append(f'[[sources]]\n{key} = {_toml_string(value)}\n# max_items = 10\n')
    if not blocks:
        blocks.append('# [[sources]]\n# path = "news/today.txt"\n# max_items = 10\n\n'
                      '# [[sources]]\n# url = "https://example.org/rss.xml"\n')
    return "\n".join([*_template_tables(), *_EDITIONS_EXAMPLE,
                      "# Where the news comes from: files, folders, feed or page URLs, in this order.",
                      "\n".join(blocks)])


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes (quotes, backslashes, control characters) are TOML's too."""
    return json.dumps(text, ensure_ascii=False)


def write_template(folder: Path, sources: list[str], force: bool) -> Path:
    path = folder / CONFIG_NAME
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists; edit it, or pass --force to overwrite it")
    text = render_template(sources)
    settings_from_mapping(tomllib.loads(text), base=folder, origin=str(path))  # the template must be valid
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise ConfigError(f"cannot write {path} ({exc.strerror}); run init in a folder you can write to") from None
    return path
