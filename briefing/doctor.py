"""`briefing doctor`: what this machine has for a build, one check a line."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import BriefingError
from .settings import Settings


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    needed: bool = True  # a failed check that is not needed is a warning only


def check_ffmpeg(settings: Settings) -> Check:
    from .assemble.codec import ffmpeg_exe

    exe = ffmpeg_exe()
    version = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True, text=True, timeout=20, check=False)
    first = (version.stdout.splitlines() or ["?"])[0]
    return Check("ffmpeg", version.returncode == 0, f"{exe} ({first})")


def check_offline_voice(settings: Settings) -> Check:
    """The offline engine builds fall back to, with the voices briefing.toml gives it, speaking."""
    from .speak import create_engine
    from .speak.voices import configured_voice

    name = settings.speak.offline_engine
    engine = create_engine(name, settings)
    voices = []
    for lang in ("zh", "en"):
        voice = configured_voice(settings, lang, name)
        engine.check_voice(voice)
        voices.append(voice)
    clip = engine.synthesize(["你好。"], voices[0], "zh", "+0%")
    audible = sum(len(a) for a in clip.sentences) > 0
    return Check("offline voice", audible, f"{name} ({engine.version}); voices {', '.join(voices)}")


def check_online_voice(settings: Settings) -> Check:
    from .speak import create_engine

    reachable = create_engine("edge", settings).available(settings.speak.probe_timeout)
    detail = "service answers" if reachable else \
        f"service did not answer within {settings.speak.probe_timeout:.0f} s; builds use the offline voice"
    return Check("online voice (edge-tts)", reachable, detail, needed=settings.speak.engine == "edge")


def check_output(settings: Settings) -> Check:
    out = settings.out_dir
    existing = next(p for p in (out, *out.absolute().parents) if p.exists())
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check("output folder", False, f"{out} is not writable ({exc.strerror}); choose another --out")
    free = os.statvfs(existing)
    state = "writable" if existing == out else f"will be created in {existing}"
    return Check("output folder", True, f"{out.absolute()} {state}, {free.f_bavail * free.f_frsize / 2**30:.1f} GB free")


def check_owner_email(settings: Settings) -> Check:
    email = settings.show.owner_email
    if settings.show.owner_email_is_placeholder:
        return Check("feed owner email", False, f"{email} is a placeholder: podcast directories (Apple, Spotify) "
                     "refuse the feed until owner_email under [show] in briefing.toml is an address you read",
                     needed=False)
    return Check("feed owner email", True, f"{email} (directories send verification mail here)")


CHECKS: tuple[Callable[[Settings], Check], ...] = (check_ffmpeg, check_offline_voice, check_online_voice, check_output,
                                                   check_owner_email)


def run_checks(settings: Settings, config: Path | None, config_error: str | None = None) -> list[Check]:
    results = [Check("config", config_error is None,
                     config_error or (f"{config} is valid" if config else "no briefing.toml here; using defaults"))]
    for check in CHECKS:
        name = check.__name__.removeprefix("check_").replace("_", " ")
        try:
            results.append(check(settings))
        except BriefingError as exc:
            results.append(Check(name, False, str(exc)))
        except Exception as exc:  # noqa: BLE001 - doctor reports, it does not crash
            results.append(Check(name, False, f"{type(exc).__name__}: {exc}"))
    return results
