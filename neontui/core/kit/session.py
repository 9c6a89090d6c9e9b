"""drizzle-kit in a pseudo-terminal, as a stream of events: output lines, spinner progress, prompts, exit.

drizzle-kit's prompts (hanji) need a TTY since 0.31.10 and die without one; in a pseudo-terminal they work, and
this module turns each one into a `Prompt` event with its question and choices. Answering sends arrow keys and Enter —
never Escape, which at push's data-loss prompt APPLIES the changes (docs/compatibility.md#drizzle-kit-prompts). Spinner
redraws (`ESC[2K ESC[1G`) collapse into one updating `Progress` event; colours are stripped; every text is redacted.
The child runs in its own process group, so cancelling or a timeout kills node and anything it started.
"""

from __future__ import annotations

import codecs
import collections
import os
import pty
import queue
import re
import select
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from neontui.core.drizzle.project import Project
from neontui.core.errors import NeontuiError
from neontui.core.kit.discovery import SPINNER_REDRAW, binary, child_env, kill_group
from neontui.core.redact import display_text

CURSOR_HIDE, CURSOR_SHOW = "\x1b[?25l", "\x1b[?25h"
SELECTED = "❯"
DOWN, UP, ENTER = b"\x1b[B", b"\x1b[A", b"\r"
QUIET = 0.15  # seconds without output after which a drawn prompt counts as waiting for an answer


@dataclass(frozen=True)
class Line:
    text: str


@dataclass(frozen=True)
class Progress:
    text: str  # the spinner's current frame, replacing the previous one


@dataclass(frozen=True)
class Prompt:
    question: str
    choices: tuple[str, ...]
    selected: int  # the choice the cursor is on (drizzle's default)
    context: tuple[str, ...] = ()  # lines drawn with the prompt (e.g. push's data-loss warnings)
    statements: tuple[str, ...] = ()  # push: the SQL that a yes executes (kit/push_plan.py)

    @property
    def kind(self) -> str:
        text = self.question.lower()
        if "created or renamed" in text:
            return "rename"
        if "truncate" in text or any("truncate" in c.lower() for c in self.choices):
            return "truncate"
        if "data loss" in " ".join(self.context).lower() or "push changes" in text:
            return "data-loss"
        if "execute all statements" in " ".join(self.choices).lower():
            return "strict"
        return "other"


@dataclass(frozen=True)
class Exited:
    returncode: int
    elapsed: float
    cancelled: bool = False


Event = Line | Progress | Prompt | Exited


class RunnerError(NeontuiError):
    pass


@dataclass
class _Screen:
    """What the child drew since the last newline, and the prompt block being drawn, if any."""

    partial: str = ""
    prompt_block: list[str] = field(default_factory=list)
    in_prompt: bool = False


class KitSession:
    """One drizzle-kit command. Iterate `events()` (it never blocks longer than the command runs) and call
    `answer()` on a Prompt; `cancel()` kills the whole process group."""

    def __init__(self, project: Project, command: str, args: Sequence[str] = (), *, url: str | None = None,
                 timeout: float = 600.0, config: Path | None = None) -> None:
        """`config`: another config file for the project's drizzle-kit (still run from the project's root)."""
        self.project, self.command, self.timeout = project, command, timeout
        self.argv = (str(binary(project)), command, *args, "--config", str(config or project.config.path))
        self.env, self.switch = child_env(project, command, url)
        self._events: queue.Queue[Event] = queue.Queue()
        self._proc: subprocess.Popen[bytes] | None = None
        self._fd: int | None = None
        self._prompt: Prompt | None = None
        # Set by answer() until the kit shows its cursor again: the arrow keys make it redraw the prompt it was
        # asked, and a slow Enter must not turn that redraw into a second question.
        self._answered = False
        self._cancelled = False
        self._started = 0.0
        self.lines: list[str] = []  # every output line, cleaned: for after-run analysis
        # push prints its question and warnings before it hides the cursor and draws the choices
        self._recent: collections.deque[str] = collections.deque(maxlen=8)

    # --- lifecycle -----------------------------------------------------------------------------------------

    def start(self) -> KitSession:
        primary, secondary = pty.openpty()
        try:
            self._proc = subprocess.Popen(self.argv, cwd=self.project.config.root, env=self.env, stdin=secondary,
                                          stdout=secondary, stderr=secondary, start_new_session=True)
        except OSError as exc:
            os.close(primary)
            raise RunnerError(f"cannot start drizzle-kit: {exc.strerror}") from None
        finally:
            os.close(secondary)
        self._fd, self._started = primary, time.monotonic()
        threading.Thread(target=self._read, name=f"drizzle-kit {self.command}", daemon=True).start()
        return self

    def events(self) -> Iterator[Event]:
        """Events until (and including) Exited."""
        while True:
            event = self._events.get()
            yield event
            if isinstance(event, Exited):
                return

    def answer(self, choice: int) -> None:
        """Pick choice `choice` (0-based) of the current prompt: arrow keys, then Enter."""
        prompt = self._prompt
        if prompt is None or self._fd is None:
            raise RunnerError("drizzle-kit is not waiting for an answer")
        if not 0 <= choice < len(prompt.choices):
            raise RunnerError(f"choice {choice} is not one of the {len(prompt.choices)} choices")
        step = DOWN if choice > prompt.selected else UP
        self._answered, self._prompt = True, None
        os.write(self._fd, step * abs(choice - prompt.selected) + ENTER)

    def cancel(self) -> None:
        """Stop the child and everything it started (SIGTERM to the group, SIGKILL after 3 s)."""
        self._cancelled = True
        self._kill()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def _kill(self) -> None:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        kill_group(proc)

    # --- the reader thread ---------------------------------------------------------------------------------

    def _read(self) -> None:
        assert self._proc is not None and self._fd is not None
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        screen = _Screen()
        deadline = self._started + self.timeout
        last_output = time.monotonic()
        try:
            while True:
                if time.monotonic() > deadline:
                    self._emit_line(f"drizzle-kit {self.command} did not finish within {self.timeout:.0f} s: "
                                    "stopped")
                    self._cancelled = True
                    self._kill()
                ready, _, _ = select.select([self._fd], [], [], 0.05)
                if ready:
                    try:
                        data = os.read(self._fd, 65536)
                    except OSError:  # EIO: the child closed the terminal
                        data = b""
                    if not data:
                        break
                    self._feed(screen, decoder.decode(data))
                    last_output = time.monotonic()
                elif self._proc.poll() is not None:
                    break
                elif time.monotonic() - last_output > QUIET:
                    self._maybe_prompt(screen)
            self._feed(screen, decoder.decode(b"", final=True))
            self._flush(screen)
        finally:
            os.close(self._fd)
            returncode = self._proc.wait()
            self._events.put(Exited(returncode, time.monotonic() - self._started, self._cancelled))

    def _feed(self, screen: _Screen, text: str) -> None:
        text = screen.partial + text.replace("\r\n", "\n")
        *complete, screen.partial = text.split("\n")
        for raw in complete:
            self._line(screen, raw)
        if screen.partial and not screen.in_prompt and CURSOR_HIDE not in screen.partial:
            frame = _clean(screen.partial.split(SPINNER_REDRAW)[-1])
            if frame:
                self._events.put(Progress(frame))

    def _line(self, screen: _Screen, raw: str) -> None:
        if CURSOR_HIDE in raw:
            screen.in_prompt, screen.prompt_block = True, []
            raw = raw.split(CURSOR_HIDE)[-1]
        if CURSOR_SHOW in raw:
            before, after = raw.split(CURSOR_SHOW, 1)
            self._end_prompt(screen, before)
            raw = after
        if screen.in_prompt:
            if SPINNER_REDRAW in raw:  # a redraw after an arrow key: the block is drawn again
                screen.prompt_block = []
                raw = raw.split(SPINNER_REDRAW)[-1]
            screen.prompt_block.append(_clean(raw))
            return
        self._emit_line(raw.split(SPINNER_REDRAW)[-1])

    def _end_prompt(self, screen: _Screen, before: str) -> None:
        """The cursor is shown again: the prompt was answered; a block that was no prompt is output after all."""
        self._answered = False
        if not any(line.lstrip().startswith(SELECTED) for line in screen.prompt_block):
            for line in screen.prompt_block:
                self._emit_line(line)
        screen.in_prompt, screen.prompt_block = False, []
        if before.split(SPINNER_REDRAW)[-1].strip():
            self._emit_line(before.split(SPINNER_REDRAW)[-1])

    def _emit_line(self, raw: str) -> None:
        text = _clean(raw)
        self.lines.append(text)
        self._recent.append(text)
        self._events.put(Line(text))

    def _flush(self, screen: _Screen) -> None:
        for line in screen.prompt_block:
            self._emit_line(line)
        if screen.partial.strip():
            self._emit_line(screen.partial.split(SPINNER_REDRAW)[-1])
        screen.partial, screen.prompt_block = "", []

    def _maybe_prompt(self, screen: _Screen) -> None:
        if not screen.in_prompt or self._prompt is not None or self._answered:
            return
        block = [*screen.prompt_block, _clean(screen.partial.split(SPINNER_REDRAW)[-1])]
        prompt = parse_prompt(block) or parse_prompt([*self._recent, *block])
        if prompt is not None:
            self._prompt = prompt
            self._events.put(prompt)


def parse_prompt(block: Sequence[str]) -> Prompt | None:
    """A hanji select prompt: context lines, the question, then choices marked '❯ ' (selected) or '  '."""
    lines = [line for line in block if line.strip()]
    first = next((i for i, line in enumerate(lines) if line.lstrip().startswith(SELECTED)
                  or (i and lines[i - 1].rstrip().endswith("?") and line.startswith("  "))), None)
    if first is None or first == 0:
        return None
    choices: list[str] = []
    selected = 0
    for line in lines[first:]:
        marked = line.lstrip().startswith(SELECTED)
        if not (marked or line.startswith("  ")):
            break
        if marked:
            selected = len(choices)
        choices.append(line.lstrip().removeprefix(SELECTED).strip())
    if not any(line.lstrip().startswith(SELECTED) for line in lines[first:]):
        return None
    return Prompt(question=lines[first - 1].strip(), choices=tuple(choices), selected=selected,
                  context=tuple(line.strip() for line in lines[:first - 1]))


def _clean(raw: str) -> str:
    return display_text(raw).rstrip()


def find_choice(prompt: Prompt, pattern: str) -> int | None:
    """The first choice matching `pattern` (case-insensitive regular expression), if any."""
    regex = re.compile(pattern, re.IGNORECASE)
    return next((i for i, choice in enumerate(prompt.choices) if regex.search(choice)), None)
