"""The bank's categories: a question's `category` is a path, `Week 1/CNNs` (Moodle's
`$course$/top/` prefix is dropped when read, and written back by the exporters). The tree is
made of the paths in use and every path above them."""

from __future__ import annotations

from dataclasses import dataclass

from .formats.result import category_path

MAX_PATH = 255  # Question.category's max_length


class CategoryPathError(ValueError):
    pass


@dataclass(frozen=True)
class Node:
    path: str
    depth: int
    own: int  # questions in this very category
    total: int  # ... and in every category below it

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def clean_path(raw: str) -> str:
    """A path as stored: Moodle's prefix dropped, each part trimmed, no empty part."""
    parts = [p.strip() for p in category_path(str(raw)).split("/")]
    path = "/".join(p for p in parts if p)
    if len(path) > MAX_PATH:
        raise CategoryPathError(f"A category path has at most {MAX_PATH} characters.")
    return path


def within(path: str, category: str) -> bool:
    """Whether `category` is `path` or below it."""
    return category == path or category.startswith(path + "/")


def tree(counts: dict[str, int]) -> list[Node]:
    """Every category in use and its ancestors, parents before children, by name."""
    paths: set[str] = set()
    for category in counts:
        parts = category.split("/") if category else []
        paths.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    nodes = []
    for path in sorted(paths, key=lambda p: p.casefold().split("/")):
        total = sum(n for c, n in counts.items() if within(path, c))
        nodes.append(Node(path, path.count("/"), counts.get(path, 0), total))
    return nodes
