"""What a topic's audio says, its content hash, and rendering it to one compressed file.

A `Script` is what one track speaks: the dialogue (one line per turn, each in its speaker's
voice) or the explanation narrated at one depth (one voice). Every line is synthesized to WAV
(lessons/tts.py), the lines are joined with a short pause, and the whole is encoded once to
Opus in Ogg by ffmpeg. A line's timing runs from its start to the start of the next one (the
pause belongs to the line before), so the timings cover the whole file: the player always has
a current line, and their sum is the duration.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from . import speakable, tts
from .dialogue import CAST, NARRATOR
from .models import AudioKind, Depth, Topic

# Bump when the rendering changes in a way that should re-render every track.
FORMAT_VERSION = 1
RATE = 22050
PAUSE_S = 0.35
EXTENSION = "ogg"
CONTENT_TYPE = "audio/ogg"
ENCODE = ["-c:a", "libopus", "-b:a", "24k", "-application", "voip", "-f", "ogg"]


@dataclass(frozen=True)
class Script:
    kind: str
    depth: str  # "" for the dialogue
    lines: tuple[tuple[str, str], ...]  # (speaker, text)


@dataclass(frozen=True)
class Rendered:
    path: Path
    duration: float
    timings: list[dict[str, float]]


def narration_markdown(topic: Topic, depth: str) -> str:
    """The topic body a reader sees at `depth` (the section page's rule)."""
    if depth == Depth.BASIC:
        return topic.basic or topic.explanation
    if depth == Depth.DETAILED and topic.detailed:
        return f"{topic.explanation}\n\n{topic.detailed}"
    return topic.explanation


def narration_depths(topic: Topic) -> dict[str, list[str]]:
    """The depth each narration track is stored under -> the reading depths it serves: a
    topic without a Basic body (or a Detailed part) says the same at two depths, once."""
    tracks: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for depth in (Depth.STANDARD, Depth.BASIC, Depth.DETAILED):
        text = narration_markdown(topic, depth)
        stored = seen.setdefault(text, depth)
        tracks.setdefault(stored, []).append(depth)
    return {d: sorted(v, key=Depth.values.index) for d, v in tracks.items()}


def narration_lines(topic: Topic, depth: str) -> list[str]:
    return speakable.lines(narration_markdown(topic, depth))


def topic_scripts(topic: Topic) -> list[Script]:
    """Every track `topic` has: its dialogue (when written) and its narrations."""
    scripts = []
    if topic.dialogue:
        turns = tuple((t["speaker"], t["line"]) for t in topic.dialogue)
        scripts.append(Script(AudioKind.DIALOGUE, "", turns))
    for depth in narration_depths(topic):
        spoken = narration_lines(topic, depth)
        if spoken:
            lines = tuple((NARRATOR.name, text) for text in spoken)
            scripts.append(Script(AudioKind.NARRATION, depth, lines))
    return scripts


def content_hash(script: Script, backend: tts.Backend) -> str:
    """Changes when anything that is heard changes: a line, a voice, the backend or format."""
    voices = {s: backend.voice_key(CAST[s]) for s in sorted({s for s, _ in script.lines})}
    payload = {
        "format": FORMAT_VERSION,
        "backend": backend.name,
        "kind": script.kind,
        "depth": script.depth,
        "lines": script.lines,
        "voices": voices,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _frames(path: Path, ffmpeg: str) -> bytes:
    """The 16-bit mono PCM of a WAV file at RATE (converted by ffmpeg when it differs)."""
    with wave.open(str(path)) as w:
        if (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (RATE, 1, 2):
            return w.readframes(w.getnframes())
    converted = path.with_suffix(".conv.wav")
    _run([ffmpeg, "-y", "-v", "error", "-i", str(path), "-ar", str(RATE), "-ac", "1",
          "-sample_fmt", "s16", str(converted)])  # fmt: skip
    return _frames(converted, ffmpeg)


def _run(argv: list[str]) -> None:
    done = subprocess.run(argv, capture_output=True, timeout=300, check=False)
    if done.returncode != 0:
        raise tts.TTSError(f"ffmpeg: {done.stderr.decode('utf-8', 'replace')[-300:]}")


def render(script: Script, backend: tts.Backend, out: Path) -> Rendered:
    """Speak `script` with `backend` into the Ogg Opus file `out`."""
    ffmpeg = tts.ffmpeg()
    if ffmpeg is None:
        raise tts.TTSError("ffmpeg is not installed")
    pause = b"\0\0" * int(RATE * PAUSE_S)
    pcm, timings, at = bytearray(), [], 0
    with tempfile.TemporaryDirectory(prefix="dlp-audio-") as tmp:
        for i, (speaker, text) in enumerate(script.lines):
            wav = Path(tmp) / f"{i}.wav"
            backend.synthesize(text, CAST[speaker], wav)
            frames = _frames(wav, ffmpeg) + (pause if i < len(script.lines) - 1 else b"")
            pcm += frames
            start, at = at, at + len(frames) // 2
            timings.append({"start": round(start / RATE, 3), "end": round(at / RATE, 3)})
        joined = Path(tmp) / "joined.wav"
        with wave.open(str(joined), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(bytes(pcm))
        out.parent.mkdir(parents=True, exist_ok=True)
        _run([ffmpeg, "-y", "-v", "error", "-i", str(joined), *ENCODE, str(out)])
    return Rendered(path=out, duration=round(at / RATE, 3), timings=timings)
