"""Work the console may abandon at exit, in daemon threads."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def in_daemon_thread(work: Callable[[], T], name: str) -> T:
    """`work()` in a daemon thread, awaited: only for work the process may abandon at exit (database reads; state
    files are written atomically). Textual runs thread workers in the event loop's executor, and both asyncio.run
    and the interpreter join its threads before the process ends, so `q` would wait for a worker stuck connecting
    to a server that never answers; nothing waits for a daemon thread. A cancelled await (a newer exclusive load)
    simply drops the result."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(result: T | None, error: Exception | None) -> None:  # on the loop
        if future.done():
            return
        if error is not None:
            future.set_exception(error)  # re-raised by the await: the worker's own error handling applies
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def target() -> None:
        result: T | None = None
        error: Exception | None = None
        try:
            result = work()
        except Exception as exc:
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop has closed: the console quit, nobody is waiting
            loop.call_soon_threadsafe(deliver, result, error)

    threading.Thread(target=target, name=name, daemon=True).start()
    return await future

