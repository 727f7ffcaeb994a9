"""The default text corpus: the platform's own glossary and lesson YAML, read from files.

No database and no Django: the worker and the benchmark read the same bundled files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (ROOT / "glossary" / "content", ROOT / "lessons" / "content")
FALLBACK = ROOT / "playground" / "content" / "corpus.txt"
_CACHE: dict[str, str] = {}
# libyaml's loader parses the study files about 13x faster than the pure-Python one (26 ms
# against 345 ms here): the first text estimate of a web process no longer waits on it.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node.strip()] if " " in node.strip() else []  # slugs and keys are not prose
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def platform_text(sources: tuple[Path, ...] = SOURCES) -> str:
    """All prose in the study YAML files, in a stable order; the bundled fallback if there is none."""
    key = "|".join(map(str, sources))
    if key not in _CACHE:
        parts = []
        for root in sources:
            for path in sorted(root.rglob("*.yaml")) if root.exists() else []:
                try:
                    parts.extend(
                        _strings(yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER))
                    )
                except (yaml.YAMLError, UnicodeDecodeError):
                    continue  # one broken file must not take the whole corpus down
        text = "\n\n".join(parts)
        _CACHE[key] = (
            text if len(text) > 20_000 else text + "\n\n" + FALLBACK.read_text(encoding="utf-8")
        )
    return _CACHE[key]
