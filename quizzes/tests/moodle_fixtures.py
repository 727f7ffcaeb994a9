"""Where Moodle's own fixture files live (../shared/fixtures/moodle/, kept unchanged)."""

from pathlib import Path

# Beside the checkout; a git worktree (one folder deeper) finds it one level further up.
MOODLE = next(
    (
        parent / "shared" / "fixtures" / "moodle"
        for parent in Path(__file__).resolve().parents[2:5]
        if (parent / "shared" / "fixtures" / "moodle").is_dir()
    ),
    Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "moodle",
)


def moodle_text(name: str) -> str:
    return (MOODLE / name).read_text(encoding="utf-8")
