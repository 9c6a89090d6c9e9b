"""Textual's Linux driver resumes application mode on every SIGCONT. The kernel follows a terminal's hang-up
(SIGHUP) with a SIGCONT, so the driver would start a second output thread on a terminal that is gone: its writes
fail, its queue fills, and the shutdown that the hang-up began waits on that queue for ever. Resume only after a
suspend the driver itself made (Ctrl+Z, App.suspend)."""

from __future__ import annotations

import signal
from types import FrameType


def resume_only_after_suspend() -> None:
    """Wrap the driver's SIGTSTP and SIGCONT handlers (installed when it was created, before the app mounts)."""
    suspend, resume = signal.getsignal(signal.SIGTSTP), signal.getsignal(signal.SIGCONT)
    if not callable(suspend) or not callable(resume):
        return  # not Textual's Linux driver (the headless one of tests, Windows)
    suspended = False

    def on_suspend(signum: int, frame: FrameType | None) -> None:
        nonlocal suspended
        suspended = True  # before the driver stops the process: the SIGCONT may run inside its call
        suspend(signum, frame)

    def on_continue(signum: int, frame: FrameType | None) -> None:
        nonlocal suspended
        if suspended:
            suspended = False
            resume(signum, frame)

    signal.signal(signal.SIGTSTP, on_suspend)
    signal.signal(signal.SIGCONT, on_continue)
