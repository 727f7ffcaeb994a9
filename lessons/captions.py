"""WebVTT captions from a track's transcript and per-line timings."""

from __future__ import annotations


def _stamp(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _text(line: str) -> str:
    # A cue's text may not hold "-->", and & and < start markup.
    return line.replace("&", "&amp;").replace("<", "&lt;").replace("-->", "→")


def webvtt(lines: list[dict[str, str]], timings: list[dict[str, float]], *, voices: bool) -> str:
    """One cue per line; with `voices`, each cue names its speaker (`<v Maya>`)."""
    cues = ["WEBVTT", ""]
    for i, (line, at) in enumerate(zip(lines, timings, strict=True), start=1):
        cues.append(str(i))
        cues.append(f"{_stamp(at['start'])} --> {_stamp(at['end'])}")
        speaker = line["speaker"].replace(">", "")
        cues.append(f"<v {speaker}>{_text(line['line'])}" if voices else _text(line["line"]))
        cues.append("")
    return "\n".join(cues)
