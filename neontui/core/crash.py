"""Crash reports: the traceback without locals, redacted, written to a file; the user sees one line."""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from pathlib import Path

from neontui import __version__
from neontui.core.paths import state_dir
from neontui.core.redact import redact


def crash_dir() -> Path:
    return state_dir()


def write_crash_report(exc: BaseException) -> Path | None:
    """Write the redacted report and return its path (None when even that fails: never raise from here)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    text = "".join(traceback.format_exception(exc))  # frames and source lines only, never locals
    try:
        folder = crash_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}.txt"
        path.write_text(f"neontui {__version__} crash at {stamp} UTC\n\n{redact(text)}")
        return path
    except OSError:
        return None
