"""The live output pane: a capped, word-wrapping `Log` titled with the run under way, a one-line progress/status
line and a full transcript on disk.

Streaming rules (docs/console.md#streaming-output): producers only enqueue (`post_line`/`post_lines` are cheap and
thread-safe); a 50 ms timer flushes the queue with ONE `Log.write_lines` call per tick (at most `BATCH_LIMIT` lines),
after stripping any ANSI escape and passing every line through `redact()`. The on-screen `Log` keeps `MAX_LINES`; the
transcript file keeps everything (redacted). Spinner frames update the progress line in place, never the log.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import IO, ClassVar

from rich._wrap import divide_line  # rich's own word-wrap offsets (what Text.wrap uses), without building Texts
from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip
from textual.widgets import Input, Log, Static

from neontui.core.display import event_line
from neontui.core.paths import state_dir
from neontui.core.redact import display_text

MAX_LINES = 10_000
BATCH_LIMIT = 1_500  # one flush of 5,000 lines stalled frames ~70 ms (benchmarks/console.py); 1,500 ~25 ms
FLUSH_INTERVAL = 0.05
TITLE = "Log"
BAR_CELLS = 12  # the progress bar's width at most; narrower when the pane is


class RunProgress:
    """A migrate's or dry run's progress: statements done of the plan's total, the one running, the time since the
    run began. Fed by the migrator's PlanReady, StatementStarted and StatementFinished events."""

    def __init__(self, total: int, since: float) -> None:
        self.total, self.since = total, since
        self.begun = self.done = 0
        self.current = ""

    def started(self, tag: str, statement: int, summary: str) -> None:
        self.done = self.begun  # statements run one at a time: every one begun before this has finished
        self.begun += 1
        self.current = f"{tag} #{statement} {summary}"

    def finished(self) -> None:
        self.done = self.begun

    def line(self, width: int) -> str:
        """`3/10 ████░░░░ 1.2s · 0003_x #1 ALTER TABLE …`, cut to `width` cells: the count always shows, the bar
        only where it leaves the statement room."""
        cells = min(BAR_CELLS, width // 8) if width >= 40 else 0
        filled = cells * self.done // self.total if self.total else cells
        bar = f" {'█' * filled}{'░' * (cells - filled)}" if cells else ""
        text = f"{self.done}/{self.total}{bar} {time.monotonic() - self.since:.1f}s · {self.current}"
        return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def _clean_batch(raw: list[str]) -> list[str]:
    lines: list[str] = []
    for text in raw:
        lines.extend(display_text(part) for part in (text.splitlines() or [""]))
    return lines


@cache  # built on the first long line, not at import: the console's first frame must not wait for it
def _narrow() -> frozenset[str]:
    """Printable characters one cell wide: ASCII, Latin, and the symbol blocks drizzle-kit and neontui print
    (✓ ✗ → · … ─ ❯), as rich measures them."""
    blocks = [(0x20, 0x7F), (0xA0, 0x300), (0x370, 0x483), (0x2000, 0x2800)]
    return frozenset(c for start, end in blocks for c in map(chr, range(start, end))
                     if c.isprintable() and cell_len(c) == 1)


def _breaks(text: str, width: int, narrow: bool) -> list[int]:
    """Where `text` (wider than `width` cells; `narrow`: every character one cell) wraps: after a space, folding
    a word longer than a row."""
    if not narrow:  # wide or zero-width characters: rich measures cells word by word
        return [0, *divide_line(text, width, fold=True)]
    # one cell a character (nearly all drizzle-kit output), so str.rfind finds each break in C
    offsets, start, end = [0], 0, len(text)
    while end - start > width:
        space = text.rfind(" ", start, start + width + 1)
        start = space + 1 if space > start else start + width
        offsets.append(start)
    return offsets


class WrappedLog(Log):
    """A `Log` that wraps long lines at word boundaries instead of cutting them at its edge.

    Wrapping happens at render time: an append only measures the new lines (`cell_len`; a line wider than the
    view also gets its break offsets), a width change re-measures the kept lines once, and `render_line` turns a
    visual row into a slice of one line. `_starts[i]` is the first visual row of line `i`, counted from the first
    line ever written, so dropping old lines (`max_lines`) only moves `_base` and never renumbers the rest.
    """

    DEFAULT_CSS = """
    WrappedLog {
        overflow-x: hidden;
    }
    """

    def __init__(self, *, max_lines: int | None = None, id: str | None = None) -> None:
        super().__init__(max_lines=max_lines, id=id)
        self._wrap_width = 0
        self._starts: list[int] = []  # absolute first row of each kept line
        self._splits: dict[int, list[int]] = {}  # absolute line number -> break offsets, only for wrapped lines
        self._first = 0  # absolute number of the first kept line
        self._base = 0  # absolute first row of the first kept line
        self._rows = 0  # absolute row after the last line

    @property
    def row_count(self) -> int:
        """Visual rows the kept lines take at the current width."""
        return self._rows - self._base

    def row_of(self, index: int) -> int:
        """The first visual row of kept line `index` (for scrolling to a search match)."""
        return self._starts[index] - self._base if 0 <= index < len(self._starts) else 0

    def _measure(self, lines: list[str], first: int) -> None:
        width = self._wrap_width
        rows = self._rows
        starts = self._starts
        process = self._process_line
        for number, line in enumerate(lines, first):
            starts.append(rows)
            # len() first: a line of at most width/2 characters fits whatever they are (a cell is at most 2)
            if not width or len(line) * 2 <= width:
                rows += 1
                continue
            narrow = _narrow().issuperset(line)  # no tab or control character either: process() would not change it
            text = line if narrow else process(line)
            if (len(text) if narrow else cell_len(text)) > width:
                offsets = _breaks(text, width, narrow)
                self._splits[number] = offsets
                rows += len(offsets)
            else:
                rows += 1
        self._rows = rows

    def _remeasure(self) -> None:
        self._starts, self._splits = [], {}
        self._rows = self._base
        self._measure(self._lines, self._first)
        self._render_line_cache.clear()
        self.virtual_size = Size(self._wrap_width, self.row_count)

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._wrap_width:
            at_end = self.is_vertical_scroll_end
            self._wrap_width = width
            self._remeasure()
            if at_end:
                self.scroll_end(animate=False, immediate=True, x_axis=False)

    def _update_size(self, updates: int, lines: list[str]) -> None:  # type: ignore[override]
        """Log measures the widest line in a thread for horizontal scrolling; wrapped lines never need it."""

    def write(self, data: str, scroll_end: bool | None = None) -> WrappedLog:
        """Write `data` as whole lines (the pane only ever writes whole lines)."""
        return self.write_lines(data.splitlines(), scroll_end)

    def write_lines(self, lines: Iterable[str], scroll_end: bool | None = None) -> WrappedLog:
        at_end = self.is_vertical_scroll_end
        new_lines = [part for line in lines for part in line.splitlines()]
        self._measure(new_lines, self._first + len(self._lines))
        self._lines.extend(new_lines)
        self._prune()
        self.virtual_size = Size(self._wrap_width, self.row_count)
        follow = self.auto_scroll if scroll_end is None else scroll_end
        if follow and at_end and not self.is_vertical_scrollbar_grabbed:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()
        return self

    def _prune(self) -> None:
        excess = len(self._lines) - self.max_lines if self.max_lines is not None else 0
        if excess <= 0:
            return
        for number in range(self._first, self._first + excess):
            self._splits.pop(number, None)
        del self._lines[:excess], self._starts[:excess]
        self._first += excess
        self._base = self._starts[0] if self._starts else self._rows

    def clear(self) -> WrappedLog:
        super().clear()
        self._first += len(self._starts)
        self._starts, self._splits = [], {}
        self._base = self._rows
        return self

    def _locate(self, row: int) -> tuple[int, int, int | None]:
        """(kept line index, start offset, end offset) of visual `row`."""
        absolute = row + self._base
        index = bisect_right(self._starts, absolute) - 1
        offsets = self._splits.get(self._first + index)
        if offsets is None:
            return index, 0, None
        piece = absolute - self._starts[index]
        return index, offsets[piece], offsets[piece + 1] if piece + 1 < len(offsets) else None

    def row_text(self, row: int) -> str:
        """What visual `row` shows (trailing spaces of a wrapped piece dropped)."""
        index, start, end = self._locate(row)
        return self._process_line(self._lines[index])[start:end].rstrip()

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        width = self.size.width
        row = scroll_y + y
        rich_style = self.rich_style
        if row >= self.row_count or not self._lines:
            return Strip.blank(width, rich_style)
        selection = self.text_selection
        key = row + self._base  # the absolute row: dropping old lines does not move it
        if selection is None and key in self._render_line_cache:
            return self._render_line_cache[key]
        text = Text(self.row_text(row), no_wrap=True, style=rich_style)
        if selection is not None and (span := selection.get_span(row)) is not None:
            start, end = span
            style = self.screen.get_component_rich_style("screen--selection")
            text.stylize(style, start, len(text) if end == -1 else end)
        strip = Strip(text.render(self.app.console), text.cell_len).crop_extend(0, width, rich_style)
        strip = strip.apply_offsets(0, row)
        if selection is None:
            self._render_line_cache[key] = strip
        return strip

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text as the rows show it (selection offsets are visual rows here)."""
        text = "\n".join(self.row_text(row) for row in range(self.row_count))
        return selection.extract(text), "\n"


def logs_dir() -> Path:
    """`$XDG_STATE_HOME/neontui/logs`, else `~/.local/state/neontui/logs`."""
    return state_dir() / "logs"


def default_transcript_path() -> Path:
    """A fresh transcript file name for this session: timestamp plus process id."""
    return logs_dir() / f"session-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"


class LogPane(Vertical):
    """Live drizzle-kit / migrator output, long lines wrapped; the border title names the run under way.

    `begin_run("dry run")` titles the pane and writes a header line; `end_run(code)` writes the run's separator
    (exit code and duration) and keeps the title on the last run until the next one.

    Bindings: `s` saves the whole (redacted) transcript to `save_dir` (the project's `.neontui/logs`; without one,
    next to the session transcript) and notifies its path, `/` opens a search
    box (Enter jumps to the next matching line, Escape closes it), `n` / `N` jump to the next / previous match,
    `f` stops / resumes following new output (the subtitle says "paused" while it does not follow).
    """

    DEFAULT_CSS = """
    LogPane {
        height: 1fr;
        border: round $panel-lighten-2;
        background: $surface;
    }
    LogPane:focus-within {
        border: round $primary;
    }
    LogPane > Log {
        height: 1fr;
        background: $surface;
        scrollbar-size-vertical: 1;
    }
    LogPane > #progress {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        background: $panel;
    }
    LogPane > #progress.-active {
        color: $text-accent;
    }
    LogPane > #search {
        display: none;
        height: 3;
        border: tall $accent;
    }
    LogPane.-searching > #search {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "save", "Save log", id="log.save"),
        Binding("f", "toggle_follow", "Follow", id="log.follow"),
        Binding("slash", "search", "Search", id="log.search"),
        Binding("n", "find(1)", "Next match", show=False, id="log.find_next"),
        Binding("N", "find(-1)", "Prev match", show=False, id="log.find_previous"),
        Binding("escape", "close_search", "Close search", show=False, id="log.close_search"),
    ]

    class Saved(Message):
        """The transcript was saved to `path`."""

        def __init__(self, pane: LogPane, path: Path) -> None:
            super().__init__()
            self.pane, self.path = pane, path

        @property
        def control(self) -> LogPane:
            return self.pane

    def __init__(self, *, transcript_path: str | Path | None = None, keep_transcript: bool = True,
                 max_lines: int = MAX_LINES, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.transcript_path: Path | None = (
            (Path(transcript_path) if transcript_path is not None else default_transcript_path())
            if keep_transcript else None
        )
        self._max_lines = max_lines
        self._pending: deque[str] = deque()
        self._lock = threading.Lock()
        self._transcript: IO[str] | None = None
        self._transcript_failed = False
        self.total_lines = 0  # every line ever flushed (the Log keeps only the last max_lines)
        self._search_term = ""
        self._match_index: int | None = None
        self._progress_text = ""
        self._run: tuple[str, float] | None = None  # (title, monotonic start) of the run under way
        self._bar: RunProgress | None = None  # a migrate's or dry run's statements, once its plan is announced
        self._bar_shown = ""
        # Where `s` saves the log: the app sets the project's `.neontui/logs` once it has loaded the project.
        self.save_dir: Path | None = None
        self.border_title = TITLE

    # --- composition -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield WrappedLog(max_lines=self._max_lines, id="log")
        yield Input(placeholder="search the log (Enter: next match, Escape: close)", id="search")
        yield Static("", id="progress", markup=False)

    def on_mount(self) -> None:
        self.set_interval(FLUSH_INTERVAL, self.flush, name="log-flush")

    def on_unmount(self) -> None:
        self._write_transcript(_clean_batch(self._take(len(self._pending))))
        self._close_transcript()

    @property
    def log_widget(self) -> WrappedLog:
        return self.query_one("#log", WrappedLog)

    @property
    def pending(self) -> int:
        """Lines posted but not yet flushed."""
        return len(self._pending)

    # --- producers (thread-safe) ---------------------------------------------------------------------------

    def post_line(self, text: str) -> None:
        """Queue one line (it may contain newlines). Safe from any thread; the next flush shows it."""
        with self._lock:
            self._pending.append(text)

    def post_lines(self, texts: Iterable[str]) -> None:
        """Queue several lines. Safe from any thread; the next flush shows them."""
        with self._lock:
            self._pending.extend(texts)

    # --- flushing (event loop) ---------------------------------------------------------------------------

    def _take(self, limit: int) -> list[str]:
        with self._lock:
            count = min(limit, len(self._pending))
            popleft = self._pending.popleft
            return [popleft() for _ in range(count)]

    def flush(self, limit: int = BATCH_LIMIT) -> int:
        """Move up to `limit` queued lines into the Log (one `write_lines`) and the transcript. Returns the count."""
        if self._bar is not None:  # the elapsed time moves on while a statement runs
            self._show_bar()
        raw = self._take(limit)
        if not raw:
            return 0
        lines = _clean_batch(raw)
        self.log_widget.write_lines(lines)
        self.total_lines += len(lines)
        self._write_transcript(lines)
        return len(lines)

    def flush_all(self) -> None:
        while self._pending:
            self.flush()

    # --- transcript ----------------------------------------------------------------------------------------

    def _write_transcript(self, lines: list[str]) -> None:
        if not lines or self.transcript_path is None or self._transcript_failed:
            return
        try:
            if self._transcript is None:
                self.transcript_path.parent.mkdir(parents=True, exist_ok=True)
                self._transcript = self.transcript_path.open("a", encoding="utf-8")
            self._transcript.write("\n".join(lines) + "\n")
            self._transcript.flush()
        except OSError as exc:
            self._transcript_failed = True  # keep streaming on screen; say so once
            self.notify(f"cannot write the log transcript: {exc.strerror}", title="Log", severity="warning")

    def _close_transcript(self) -> None:
        if self._transcript is not None:
            self._transcript.close()
            self._transcript = None

    def save(self, path: str | Path) -> Path:
        """Write the whole transcript (or, without one, the lines on screen) to `path`, flushing queued lines first."""
        path = Path(path)
        if self.is_mounted:
            self.flush_all()
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.transcript_path is not None and self._transcript is not None and not self._transcript_failed:
            self._transcript.flush()
            shutil.copyfile(self.transcript_path, path)
        else:
            lines = self.log_widget.lines if self.is_mounted else []
            path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        return path

    def default_save_path(self) -> Path:
        """`<project>/.neontui/logs/console-<UTC stamp>.log` once a project is loaded, else next to the transcript
        (`saved-<UTC stamp>.log`); a second save in the same second gets `-2`, `-3`, … rather than overwrite."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        if self.save_dir is not None:
            folder, name = self.save_dir, f"console-{stamp}"
        else:
            folder, name = (self.transcript_path.parent if self.transcript_path is not None else logs_dir(),
                            f"saved-{stamp}")
        path, n = folder / f"{name}.log", 1
        while path.exists():
            n += 1
            path = folder / f"{name}-{n}.log"
        return path

    def action_save(self) -> None:
        try:
            path = self.save(self.default_save_path())
        except OSError as exc:
            self.notify(f"cannot save the log: {exc.strerror}", title="Log", severity="error")
            return
        self.notify(str(path), title="Log saved")
        self.post_message(self.Saved(self, path))

    def action_toggle_follow(self) -> None:
        log = self.log_widget
        log.auto_scroll = not log.auto_scroll
        self.border_subtitle = "" if log.auto_scroll else "paused · f follows"
        if log.auto_scroll:
            log.scroll_end(animate=False, immediate=True, x_axis=False)

    # --- runs ------------------------------------------------------------------------------------------------

    def begin_run(self, title: str) -> None:
        """A run starts: the border names it ("drizzle-kit generate", "dry run") and the log gets a header."""
        self._run = (title, time.monotonic())
        self._bar = None
        self.border_title = f"{TITLE} · {title} · running"
        self.post_line(f"── {title} ──")

    def end_run(self, code: int) -> None:
        """The run ended with `code` (neontui's documented exit code, or drizzle-kit's): one separator line."""
        if self._run is None:
            return
        title, started = self._run
        self._run = None
        if self._bar is not None:  # the progress bar goes with the run
            self._bar = None
            self.clear_progress()
        elapsed = time.monotonic() - started
        mark = "✓" if code == 0 else "✗"
        self.border_title = f"{TITLE} · {title} · {mark} exit {code}"
        self.post_line(f"── {mark} {title} · exit {code} · {elapsed:.1f} s ──")

    @property
    def running_title(self) -> str | None:
        return self._run[0] if self._run is not None else None

    # --- progress --------------------------------------------------------------------------------------------

    def show_progress(self, text: str) -> None:
        """Replace the progress line (a spinner frame, the running statement); never adds a log line."""
        progress = self.query_one("#progress", Static)
        self._progress_text = display_text(text).strip()
        progress.update(self._progress_text)
        progress.add_class("-active")

    def _set_status(self, text: str) -> None:
        self._progress_text = text
        self.query_one("#progress", Static).update(text)

    def _show_bar(self) -> None:
        """The progress bar on the progress line (not while a search result is shown there)."""
        if self._bar is None or self.has_class("-searching"):
            return
        width = self.query_one("#progress", Static).content_region.width or 40
        text = display_text(self._bar.line(width))
        if text != self._bar_shown:
            self._bar_shown = text
            self.show_progress(text)

    def _track(self, event: object) -> bool:
        """Feed the progress bar from a migrator event; True when the event was only progress (no log line)."""
        from neontui.core.actions.events import PlanReady, StatementFinished, StatementStarted

        if isinstance(event, PlanReady):
            self._bar = RunProgress(event.total, self._run[1] if self._run is not None else time.monotonic())
        elif self._bar is None:
            return False
        elif isinstance(event, StatementStarted):
            self._bar.started(event.tag, event.statement, event.summary)
        elif isinstance(event, StatementFinished):
            self._bar.finished()
        else:
            return False
        self._show_bar()
        return isinstance(event, PlanReady | StatementStarted)

    def clear_progress(self) -> None:
        progress = self.query_one("#progress", Static)
        self._progress_text = self._bar_shown = ""
        progress.update("")
        progress.remove_class("-active")

    @property
    def progress_text(self) -> str:
        return self._progress_text

    # --- events ------------------------------------------------------------------------------------------------

    def handle(self, event: object) -> None:
        """Show any runner or migrator event: lines go to the log, spinner frames to the progress line."""
        # Imported here: the event modules pull in the database driver, which the first frame must not wait for.
        from neontui.core.actions.events import Exited, Line, Progress, Prompt, StatementStarted

        if self._track(event):  # a migrate's progress bar (its finished statements still get their line below)
            return
        if isinstance(event, Line):
            self.post_line(event.text)
        elif isinstance(event, Progress):
            self.show_progress(event.text)
        elif isinstance(event, Prompt):
            self.post_lines([*event.context, f"? {event.question}"])
        elif isinstance(event, StatementStarted):
            self.show_progress(f"{event.tag} #{event.statement}  {event.summary}")
        elif (text := event_line(event)) is not None:
            if isinstance(event, Exited):
                self.clear_progress()
            self.post_line(text)

    # --- search ------------------------------------------------------------------------------------------------

    def action_search(self) -> None:
        self.add_class("-searching")
        self.query_one("#search", Input).focus()

    def action_close_search(self) -> None:
        if self.has_class("-searching"):
            self.remove_class("-searching")
            self.log_widget.focus()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        term = event.value.strip()
        if term != self._search_term:
            self._search_term, self._match_index = term, None
        self.action_find(1)

    def action_find(self, step: int = 1) -> None:
        """Jump to the next (`step` 1) or previous (-1) line containing the search term (default: "error")."""
        term = (self._search_term or "error").lower()
        lines = self.log_widget.lines
        if not lines:
            return
        count = len(lines)
        if self._match_index is None or self._match_index >= count:
            start = 0 if step > 0 else count - 1
        else:
            start = self._match_index + step
        for offset in range(count):
            index = (start + offset * step) % count
            if term in lines[index].lower():
                self._match_index = index
                self.log_widget.scroll_to(y=max(0, self.log_widget.row_of(index) - 2), animate=False)
                self._set_status(f"/{term}  line {index + 1}: {lines[index].strip()}")
                return
        self._set_status(f"/{term}  no match")
        self.app.bell()
