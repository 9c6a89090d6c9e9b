"""The live output pane: a capped `Log`, a one-line progress/status line and a full transcript on disk.

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
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import IO, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Log, Static

from neontui.core.display import event_line
from neontui.core.paths import state_dir
from neontui.core.redact import display_text

MAX_LINES = 10_000
BATCH_LIMIT = 1_500  # one flush of 5,000 lines stalled frames ~70 ms (benchmarks/console.py); 1,500 ~25 ms
FLUSH_INTERVAL = 0.05
def _clean_batch(raw: list[str]) -> list[str]:
    lines: list[str] = []
    for text in raw:
        lines.extend(display_text(part) for part in (text.splitlines() or [""]))
    return lines


def logs_dir() -> Path:
    """`$XDG_STATE_HOME/neontui/logs`, else `~/.local/state/neontui/logs`."""
    return state_dir() / "logs"


def default_transcript_path() -> Path:
    """A fresh transcript file name for this session: timestamp plus process id."""
    return logs_dir() / f"session-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"


class LogPane(Vertical):
    """Live drizzle-kit / migrator output.

    Bindings: `s` saves the transcript (next to the session transcript, with a notification), `/` opens a search
    box (Enter jumps to the next matching line, Escape closes it), `n` / `N` jump to the next / previous match.
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

    # --- composition -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Log(max_lines=self._max_lines, id="log")
        yield Input(placeholder="search the log (Enter: next match, Escape: close)", id="search")
        yield Static("", id="progress", markup=False)

    def on_mount(self) -> None:
        self.set_interval(FLUSH_INTERVAL, self.flush, name="log-flush")

    def on_unmount(self) -> None:
        self._write_transcript(_clean_batch(self._take(len(self._pending))))
        self._close_transcript()

    @property
    def log_widget(self) -> Log:
        return self.query_one("#log", Log)

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
        folder = self.transcript_path.parent if self.transcript_path is not None else logs_dir()
        return folder / f"saved-{time.strftime('%Y%m%d-%H%M%S')}.log"

    def action_save(self) -> None:
        try:
            path = self.save(self.default_save_path())
        except OSError as exc:
            self.notify(f"cannot save the log: {exc.strerror}", title="Log", severity="error")
            return
        self.notify(str(path), title="Log saved")
        self.post_message(self.Saved(self, path))

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

    def clear_progress(self) -> None:
        progress = self.query_one("#progress", Static)
        self._progress_text = ""
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
                self.log_widget.scroll_to(y=max(0, index - 2), animate=False)
                self._set_status(f"/{term}  line {index + 1}: {lines[index].strip()}")
                return
        self._set_status(f"/{term}  no match")
        self.app.bell()
