"""Reading the bundled YAML: LibYAML's C parser where PyYAML was built with it (about 10x faster
on the course's files), else the pure-Python one; both are the safe loader (no Python tags)."""

from __future__ import annotations

from typing import Any

import yaml

LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """One document, as yaml.safe_load reads it; errors carry the same line marks."""
    return yaml.load(text, Loader=LOADER)  # noqa: S506 - a safe loader, chosen above
