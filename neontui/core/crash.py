"""Crash reports: the traceback without locals, redacted, written to a file; the user sees one line."""

from __future__ import annotations

from pathlib import Path

from neontui import __version__
from neontui.core.paths import state_dir
from neontui.core.redact import redact

# The exit code of the SIGHUP/SIGTERM that is ending the process (128 + signal), once one has arrived.
_ending: int | None = None


def note_termination(code: int) -> None:
    """The CLI's signal handler records that a hang-up or SIGTERM is ending the process (it then raises SystemExit)."""
    global _ending
    _ending = code


def termination_code(exc: BaseException | None = None) -> int | None:
    """The exit code to leave with when `exc` is the fallout of a hang-up or SIGTERM rather than a bug: the
    SystemExit the signal raised can land anywhere, and what fails while it unwinds (a write to the closed
    terminal, a cleanup cut short) raises its own error with the SystemExit as its context. None otherwise."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, SystemExit) and _ending is not None and exc.code == _ending:
            return _ending
        exc = exc.__cause__ or exc.__context__
    return _ending


def crash_dir() -> Path:
    return state_dir()


def write_crash_report(exc: BaseException) -> Path | None:
    """Write the redacted report and return its path (None when even that fails: never raise from here)."""
    import traceback  # here: every command imports this module for its handler, and only a crash needs them
    from datetime import UTC, datetime

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
