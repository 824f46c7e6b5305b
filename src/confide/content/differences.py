"""What changed between two texts, line by line, for a reviewer to read (pure)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class LineChange:
    kind: Literal["same", "added", "removed", "gap"]
    text: str


def line_changes(before: str, after: str, context: int = 2) -> list[LineChange]:
    """The lines of `after` against `before`: added, removed, and a few unchanged around each
    change ("gap" marks lines left out). Empty when the texts are the same."""
    found: list[LineChange] = []
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=context)
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            found.append(LineChange("gap", "…"))
        elif line.startswith("+"):
            found.append(LineChange("added", line[1:]))
        elif line.startswith("-"):
            found.append(LineChange("removed", line[1:]))
        else:
            found.append(LineChange("same", line[1:]))
    return found
