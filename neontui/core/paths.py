"""Where neontui keeps its own files on this machine: the one place that builds those folders."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path


def state_dir() -> Path:
    """`$XDG_STATE_HOME/neontui`, else `~/.local/state/neontui`: checklists, crash reports, logs, known servers."""
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "neontui"


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/neontui`, else `~/.cache/neontui`: facts neontui can always recompute (file_facts)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "neontui"


def write_json_atomic(path: Path, data: object, *, indent: int | None = 2) -> bool:
    """Write `data` as JSON so that readers see the old file or the new one, never half of one; False (never an
    exception) when the folder is not writable: neontui's own state files are best effort. `indent` None: compact,
    for files only neontui reads."""
    import tempfile  # here: with shutil and random it is 8 ms of every command's start, and only a write needs it

    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=indent)
        os.replace(tmp, path)
        return True
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
