"""Where Moodle's own fixture files live (../shared/fixtures/moodle/, kept unchanged)."""

import os
from pathlib import Path

# DLP_SHARED_DIR: where ../shared is for a checkout that is not beside it (a git worktree).
SHARED = Path(os.environ.get("DLP_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared")
MOODLE = SHARED / "fixtures" / "moodle"


def moodle_text(name: str) -> str:
    return (MOODLE / name).read_text(encoding="utf-8")
