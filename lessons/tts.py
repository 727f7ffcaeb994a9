"""Text-to-speech backends, chosen by configuration (settings `LESSONS_TTS_*`).

- piper (neural voices) when `LESSONS_TTS_PIPER_MODEL` names an existing voice model file and
  the `piper` command or Python package is installed;
- otherwise espeak-ng (Debian's package), with a voice, variant and pitch per speaker;
- otherwise none: the pages fall back to the browser's own speech synthesis.

`LESSONS_TTS_BACKEND` forces one ("piper", "espeak-ng", "none"; default "auto"). Each backend
writes one WAV file per line through a subprocess (no audio code in the web process).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .dialogue import CastMember

NAMES = ("piper", "espeak-ng")
TIMEOUT_S = 120


class TTSError(RuntimeError):
    pass


@dataclass(frozen=True)
class Backend:
    name: str
    command: tuple[str, ...]
    model: str = ""

    def voice_key(self, member: CastMember) -> str:
        """What decides how `member` sounds on this backend (part of a track's hash)."""
        if self.name == "piper":
            model = Path(self.model)
            stamp = model.stat().st_size if model.exists() else 0
            return f"piper:{model.name}:{stamp}:{member.piper_speaker}:{member.piper_length_scale}"
        return f"espeak:{member.espeak_voice}:{member.espeak_pitch}:{member.espeak_speed}"

    def speakers(self) -> int:
        """How many speakers the piper voice model has (its .onnx.json says; 1 if unknown)."""
        try:
            config = json.loads(Path(f"{self.model}.json").read_text(encoding="utf-8"))
            return max(1, int(config.get("num_speakers", 1)))
        except (OSError, ValueError, TypeError, AttributeError):
            return 1

    def argv(self, member: CastMember, out: Path) -> list[str]:
        if self.name == "piper":
            # A one-speaker model has no speaker ids: the cast then differs by pace only.
            count = self.speakers()
            speaker = ["--speaker", str(member.piper_speaker % count)] if count > 1 else []
            return [
                *self.command,
                "--model",
                self.model,
                "--output_file",
                str(out),
                *speaker,
                "--length_scale",
                str(member.piper_length_scale),
            ]
        return [
            *self.command,
            "-v",
            member.espeak_voice,
            "-p",
            str(member.espeak_pitch),
            "-s",
            str(member.espeak_speed),
            "-w",
            str(out),
            "--stdin",
        ]

    def synthesize(self, text: str, member: CastMember, out: Path) -> None:
        """Speak `text` in `member`'s voice into the WAV file `out` (text on stdin: no quoting,
        and a line starting with '-' is never read as an option)."""
        try:
            done = subprocess.run(
                self.argv(member, out),
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TTSError(f"{self.name}: {exc}") from exc
        if done.returncode != 0 or not out.exists() or out.stat().st_size <= 44:
            tail = done.stderr.decode("utf-8", "replace").strip()[-300:]
            raise TTSError(f"{self.name} exited {done.returncode}: {tail or 'no audio'}")


def _piper() -> Backend | None:
    model = settings.LESSONS_TTS_PIPER_MODEL
    if not model or not Path(model).is_file():
        return None
    found = shutil.which(settings.LESSONS_TTS_PIPER_COMMAND)
    if found:
        return Backend("piper", (found,), model)
    if importlib.util.find_spec("piper") is not None:
        return Backend("piper", (sys.executable, "-m", "piper"), model)
    return None


def _espeak() -> Backend | None:
    found = shutil.which(settings.LESSONS_TTS_ESPEAK_COMMAND)
    return Backend("espeak-ng", (found,)) if found else None


def available() -> list[Backend]:
    """Every installed backend, best first (the bench measures each)."""
    return [b for b in (_piper(), _espeak()) if b is not None]


def configured() -> Backend | None:
    """The backend this installation renders with, or None (no audio: the browser reads)."""
    wanted = settings.LESSONS_TTS_BACKEND
    if wanted == "none" or not ffmpeg():
        return None
    found = available()
    if wanted == "auto":
        return found[0] if found else None
    return next((b for b in found if b.name == wanted), None)


def ffmpeg() -> str | None:
    return shutil.which(settings.LESSONS_FFMPEG)
