"""Reading YAML files (the registries: ``sources.yml``, ``book/runs.yml``, the claims, a chapter's declarations).

libyaml's C loader when PyYAML was built with it (the wheels are): the same documents as the pure-Python
``SafeLoader`` (only the standard YAML tags are accepted), several times faster, which matters to a no-op build
that reads every registry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: The safe loader, in C when available.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """The YAML document of ``path`` (UTF-8), loaded safely; ``None`` for an empty file."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)
