"""Where Moodle's own fixture files live (../shared/fixtures/moodle/, kept unchanged)."""

from pathlib import Path


def _find_moodle_fixtures() -> Path:
    # Beside the checkout (../shared for /work/main), or further up for a worktree (/work/wt/x).
    here = Path(__file__).resolve()
    candidates = [parent / "shared" / "fixtures" / "moodle" for parent in here.parents]
    return next((c for c in candidates if c.is_dir()), candidates[3])


MOODLE = _find_moodle_fixtures()


def moodle_text(name: str) -> str:
    return (MOODLE / name).read_text(encoding="utf-8")
