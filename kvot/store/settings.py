"""Settings for one run: defaults < workspace-stored < config file < command-line options."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kvot.config import STORED_KEYS, Settings, from_mapping, read_file

LOCAL_CONFIG = Path("kvot.toml")


def effective_settings(workspace=None, config: Path | None = None,
                       options: dict[str, Any] | None = None) -> Settings:
    """Merge the layers; ``config`` defaults to ``./kvot.toml`` when that file exists."""
    values: dict[str, Any] = {}
    if workspace is not None:
        values.update({k: v for k, v in workspace.settings().items() if k in STORED_KEYS})
    path = config if config is not None else (LOCAL_CONFIG if LOCAL_CONFIG.exists() else None)
    if path is not None:
        values.update(read_file(Path(path)))
    values.update({k: v for k, v in (options or {}).items() if v is not None})
    return from_mapping(values)
