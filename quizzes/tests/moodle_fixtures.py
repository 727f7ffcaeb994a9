"""Where Moodle's own fixture files live (../shared/fixtures/moodle/, kept unchanged)."""

from pathlib import Path

MOODLE = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "moodle"


def moodle_text(name: str) -> str:
    return (MOODLE / name).read_text(encoding="utf-8")
