import time

T0 = time.perf_counter()  # the probe's very first statement: the parent compares it with its own clock

"""One measurement of the console in a fresh process, for benchmarks/console.py (not meant to be run by hand).

    python benchmarks/console_probe.py console PROJECT_DIR URL OUT_JSON   first frame, status loaded, peak RSS
    python benchmarks/console_probe.py floor OUT_JSON                     first frame of a minimal app (one Static)
    python benchmarks/console_probe.py sql OUT_DIR OUT_JSON               big migration in a lone SqlPane, page-down
    python benchmarks/console_probe.py log LINES OUT_JSON                 stream lines into a lone LogPane, stalls

Times are `time.perf_counter()` values (CLOCK_MONOTONIC on Linux, shared by every process), written as JSON.
"""

import asyncio  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

WAIT = 60.0  # for the status to load, the stream to drain


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def after_refresh(app: Any) -> None:
    """Return once the app has painted the frame after everything queued so far."""
    done = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: done.done() or done.set_result(None))
    await asyncio.wait_for(done, WAIT)


async def console(project_dir: str, url: str) -> dict[str, Any]:
    from neontui.tui.app import NeontuiApp, Options
    from neontui.tui.messages import Failed, Loaded, StatusRead

    imported = time.perf_counter()
    marks: dict[str, float] = {}
    errors: list[str] = []

    class Probe(NeontuiApp):
        def on_status_read(self, message: StatusRead) -> None:  # runs just before NeontuiApp.show_status
            self.call_after_refresh(lambda: marks.setdefault("status_painted", time.perf_counter()))

        def on_loaded(self, message: Loaded) -> None:  # runs just before NeontuiApp.show_loaded
            marks["loaded_message"] = time.perf_counter()
            self.call_after_refresh(lambda: marks.setdefault("loaded_painted", time.perf_counter()))

        def on_failed(self, message: Failed) -> None:
            errors.append(f"{message.what}: {message.error}")

    app = Probe(Options(Path(project_dir), url=url))
    async with app.run_test(size=(120, 40)) as pilot:
        first_frame = time.perf_counter()
        deadline = first_frame + WAIT
        while "loaded_painted" not in marks and time.perf_counter() < deadline:
            if errors:
                break  # the load failed (an error dialog is up): reported below
            await pilot.pause(0.005)
        pending = len(app.gate.pending.migrations) if app.gate is not None else None
        status = str(app.query_one("#status").render())
    return {"t0": T0, "imported": imported, "first_frame": first_frame, "loaded_message": marks.get("loaded_message"),
            "status_shown": marks.get("status_painted"), "loaded": marks.get("loaded_painted"), "pending": pending,
            "status": status[:300], "error": errors[0] if errors else None, "peak_rss_mb": peak_rss_mb()}


async def floor() -> dict[str, Any]:
    """The floor under the console's first frame: Textual's own import and set-up, with one Static to paint."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("neontui")

    async with Minimal().run_test(size=(120, 40)):
        first_frame = time.perf_counter()
    return {"t0": T0, "first_frame": first_frame}


async def sql(out_dir: str) -> dict[str, Any]:
    from textual import events
    from textual.app import App, ComposeResult

    from neontui.core.drizzle.journal import read_journal
    from neontui.tui.widgets.sql_pane import SqlPane

    entries = read_journal(Path(out_dir)).entries

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield SqlPane(id="sql")

    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(SqlPane)
        pane.focus()
        await pilot.pause()
        start = time.perf_counter()
        pane.show(entries, ())
        await pilot.pause()
        await after_refresh(app)
        opened = time.perf_counter() - start
        rows = pane.row_count
        presses = 20
        start = time.perf_counter()
        for _ in range(presses):  # the key as the terminal would send it, until the scrolled frame is painted
            before = pane.scroll_y
            key = events.Key("pagedown", None)
            key.set_sender(app)
            app._driver.send_message(key)
            deadline = time.perf_counter() + WAIT
            while pane.scroll_y == before and time.perf_counter() < deadline:
                await asyncio.sleep(0)
            await after_refresh(app)
        page_down = (time.perf_counter() - start) / presses
        scrolled = pane.scroll_y
    return {"open": opened, "page_down": page_down, "rows": rows, "scroll_y": scrolled, "peak_rss_mb": peak_rss_mb()}


def log_lines(count: int) -> list[str]:
    """drizzle-kit-like output, every fifth line coloured (the pane strips the escapes)."""
    lines = []
    for i in range(count):
        text = f'[✓] applying statement {i}: ALTER TABLE "table_{i % 300}" ADD COLUMN "col_{i}" text DEFAULT \'\';'
        lines.append(f"\x1b[32m{text}\x1b[39m" if i % 5 == 0 else text)
    return lines


async def log(count: int) -> dict[str, Any]:
    from textual.app import App, ComposeResult

    from neontui.tui.widgets.log_pane import LogPane

    lines = log_lines(count)
    batch = 1_000

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield LogPane(id="log")

    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(LogPane)
        await pilot.pause()
        ticks: list[float] = []
        app.set_interval(0.01, lambda: ticks.append(time.perf_counter()))
        await pilot.pause(0.1)  # the ticker's steady state before the stream

        def produce() -> None:
            for i in range(0, count, batch):
                app.call_from_thread(pane.post_lines, lines[i:i + batch])

        start = time.perf_counter()
        producer = threading.Thread(target=produce, daemon=True)
        producer.start()
        deadline = start + WAIT
        while (producer.is_alive() or pane.pending) and time.perf_counter() < deadline:
            await pilot.pause(0.02)
        await after_refresh(app)
        end = time.perf_counter()
        await pilot.pause(0.05)  # one more tick after the last flush
        drained = not producer.is_alive() and pane.pending == 0
        window = [t for t in ticks if t >= start]
        seq = [t for t in ticks if t < start][-1:] + window  # the gap that spans the stream's start counts too
        gaps = [b - a for a, b in itertools.pairwise(seq)]
        shown = pane.total_lines
    return {"worst_gap": max(gaps) if gaps else None, "ticks": len(window), "wall": end - start,
            "drained": drained, "lines": shown, "peak_rss_mb": peak_rss_mb()}


def main() -> int:
    mode, *args = sys.argv[1:]
    if mode == "console":
        result = asyncio.run(console(args[0], args[1]))
    elif mode == "floor":
        result = asyncio.run(floor())
    elif mode == "sql":
        result = asyncio.run(sql(args[0]))
    elif mode == "log":
        result = asyncio.run(log(int(args[0])))
    else:
        raise SystemExit(f"unknown mode {mode}")
    Path(args[-1]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
