"""Seconds of audio per second of rendering, for each installed text-to-speech backend.

Renders the narrations (and dialogues, where written) of the first topics of the bundled
content with every backend found (lessons/tts.py: piper when LESSONS_TTS_PIPER_MODEL is set,
espeak-ng), through the same code as the audio worker (WAV per line, joined, Ogg Opus by
ffmpeg), into a temporary folder. No database.

    .venv/bin/python bench/audio.py [--topics 6]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlplatform.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from lessons import audio, content, tts  # noqa: E402
from lessons.models import Topic  # noqa: E402


def sample_topics(count: int) -> list[Topic]:
    topics = []
    for filename, data in content.read_section_files():
        for raw in content.parse_section(filename, data)["topics"]:
            fields = {k: raw[k] for k in ("slug", "title", "explanation", "basic", "detailed")}
            topics.append(Topic(dialogue=raw.get("dialogue") or [], **fields))
            if len(topics) == count:
                return topics
    return topics


def measure(backend: tts.Backend, topics: list[Topic]) -> tuple[float, float, int]:
    spoken, lines = 0.0, 0
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for i, topic in enumerate(topics):
            for j, script in enumerate(audio.topic_scripts(topic)):
                rendered = audio.render(script, backend, Path(tmp) / f"{i}-{j}.ogg")
                spoken += rendered.duration
                lines += len(script.lines)
    return spoken, time.monotonic() - began, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=int, default=6, help="how many topics to render")
    args = parser.parse_args()
    backends = tts.available() if tts.ffmpeg() else []
    if not backends:
        print("no backend: install espeak-ng and ffmpeg (or piper with LESSONS_TTS_PIPER_MODEL)")
        return
    topics = sample_topics(args.topics)
    print(f"{len(topics)} topics of the bundled content, {os.cpu_count()} CPUs")
    for backend in backends:
        spoken, took, lines = measure(backend, topics)
        print(
            f"{backend.name:10s} {spoken:7.1f} s of audio ({lines} lines) in {took:6.1f} s: "
            f"{spoken / took:5.1f} s of audio per second of rendering"
        )


if __name__ == "__main__":
    main()
