"""Reading the bundled YAML: LibYAML's C parser where PyYAML was built with it (about 10x faster
on the course's files), else the pure-Python one; both are the safe loader (no Python tags)."""

from __future__ import annotations

from typing import Any

import yaml

LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """One document, as yaml.safe_load reads it; errors carry the same line marks."""
    return yaml.load(text, Loader=LOADER)  # noqa: S506 - a safe loader, chosen above


def line_of(text: str, *keys: str) -> int | None:
    """The line (from 1) where the mapping key at `keys` is written (`line_of(text, "quiz",
    "behaviour")`), for an error message; None when the path is not there. Composes the
    document again, so call it on the error path only."""
    node = yaml.compose(text, Loader=LOADER)  # noqa: S506 - a safe loader, chosen above
    line = None
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                node, line = value_node, key_node.start_mark.line + 1
                break
        else:
            return None
    return line
