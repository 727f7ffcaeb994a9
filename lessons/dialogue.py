"""The audio lessons' cast and the rules a topic's dialogue follows, defined once.

A dialogue is a list of turns `{"speaker": ..., "line": ...}`. The content loader, the content
linter (`manage.py check_content`), the admin's `Speaker: line` textarea and the renderer all
take the cast and the limits from here. Pure Python: no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MIN_TURNS = 6
MAX_TURNS = 10
MIN_SPEAKERS = 2
MAX_LINE_CHARS = 600
# Control characters (NUL above all: PostgreSQL's JSON cannot store it) are never speech.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class CastMember:
    name: str
    role: str
    # espeak-ng: a voice with a variant ("en-gb-x-rp+m3"), its pitch (0-99) and words a minute.
    espeak_voice: str
    espeak_pitch: int
    espeak_speed: int
    # piper: the speaker id in a multi-speaker voice model (ignored by a one-speaker model) and
    # its length scale (above 1 is slower).
    piper_speaker: int
    piper_length_scale: float


CAST: dict[str, CastMember] = {
    m.name: m
    for m in (
        CastMember("Teacher", "the teacher", "en-gb-x-rp+m3", 42, 155, 0, 1.0),
        CastMember("Maya", "a student", "en-us+f3", 68, 170, 1, 0.95),
        CastMember("Leo", "a student", "en-gb-scotland+m7", 52, 165, 2, 1.0),
        CastMember("Sam", "a student", "en-029+f4", 60, 160, 3, 1.05),
    )
}
# The audio book's single voice.
NARRATOR = CAST["Teacher"]


class DialogueError(ValueError):
    """A dialogue that breaks a rule; `line` is the 1-based turn it concerns (0: the whole)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


def problems(turns: Any) -> list[DialogueError]:
    """Every rule `turns` breaks (an empty list: a valid dialogue)."""
    if not isinstance(turns, list):
        return [DialogueError("must be a list of {speaker, line} turns")]
    found = []
    for i, turn in enumerate(turns, start=1):
        if not isinstance(turn, dict) or set(turn) != {"speaker", "line"}:
            found.append(DialogueError(f"turn {i}: must be {{speaker, line}}", i))
            continue
        speaker, line = turn["speaker"], turn["line"]
        if speaker not in CAST:
            found.append(
                DialogueError(f"turn {i}: {_name(speaker)} is not in the cast ({_CAST})", i)
            )
        if not isinstance(line, str) or not line.strip():
            found.append(DialogueError(f"turn {i}: the line is empty", i))
        elif len(line) > MAX_LINE_CHARS:
            found.append(DialogueError(f"turn {i}: longer than {MAX_LINE_CHARS} characters", i))
        elif _CONTROL.search(line):
            found.append(DialogueError(f"turn {i}: contains a control character", i))
    if not MIN_TURNS <= len(turns) <= MAX_TURNS:
        found.append(DialogueError(f"{len(turns)} turns, not {MIN_TURNS} to {MAX_TURNS}"))
    speakers = {t.get("speaker") for t in turns if isinstance(t, dict)}
    if len(speakers) < MIN_SPEAKERS:
        found.append(DialogueError(f"{len(speakers)} speaker(s), fewer than {MIN_SPEAKERS}"))
    return found


_CAST = ", ".join(CAST)


def _name(speaker: Any) -> str:
    """A speaker as an error message quotes it: a pasted paragraph is cut, not echoed whole."""
    text = repr(speaker)
    return text if len(text) <= 40 else f"{text[:37]}..."


def clean(turns: Any) -> list[dict[str, str]]:
    """`turns` with stripped text, or the first rule it breaks raised as DialogueError."""
    broken = problems(turns)
    if broken:
        raise broken[0]
    return [{"speaker": t["speaker"], "line": " ".join(t["line"].split())} for t in turns]


def parse_text(text: str) -> list[dict[str, str]]:
    """The admin's textarea, one `Speaker: line` a line (blank lines ignored), as turns.
    Raises DialogueError naming the textarea line at fault."""
    turns = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        speaker, colon, line = raw.partition(":")
        speaker = speaker.strip()
        if not colon or not line.strip():
            raise DialogueError(f"line {number}: write it as 'Speaker: what they say'", number)
        if speaker not in CAST:
            raise DialogueError(
                f"line {number}: {_name(speaker)} is not in the cast ({_CAST})", number
            )
        turns.append({"speaker": speaker, "line": " ".join(line.split())})
    return turns


def to_text(turns: list[dict[str, str]]) -> str:
    """The textarea form of `turns` (parse_text reads it back unchanged)."""
    return "\n".join(f"{t['speaker']}: {t['line']}" for t in turns)
