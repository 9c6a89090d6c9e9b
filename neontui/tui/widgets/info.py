"""Small read-only widgets: the status bar, the problems banner, the selected finding's details, and the
scrollbar look they share with the other panes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.message import Message
from textual.scrollbar import ScrollBarRender
from textual.widget import Widget
from textual.widgets import Static

from neontui.core.display import finding_label, finding_notes, shorten_middle
from neontui.core.redact import redact
from neontui.core.safety.model import Finding

if TYPE_CHECKING:
    from neontui.core.drizzle.status import Problem


class WholeCellScrollBarRender(ScrollBarRender):
    """Textual's scrollbar without its eighth-of-a-cell thumb ends (▁▄▇, ▉▋▏): on their own (a copied screen, a
    font without them, a screenshot) those read as stray glyphs; the thumb is whole reverse-video cells instead."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


def plain_scrollbars(root: DOMNode) -> None:
    """Every scrollbar of `root`'s scrollable widgets drawn in whole cells (Textual's documented per-instance
    `renderer`; its class-wide form would change every app's scrollbars in the process)."""
    # ScrollBar.renderer is a ClassVar that Textual documents as settable per instance too, hence the ignores.
    for widget in root.query(Widget):
        styles = widget.styles
        if styles.overflow_y in ("auto", "scroll"):
            widget.vertical_scrollbar.renderer = WholeCellScrollBarRender  # type: ignore[misc]
        if styles.overflow_x in ("auto", "scroll"):
            widget.horizontal_scrollbar.renderer = WholeCellScrollBarRender  # type: ignore[misc]


@dataclass(frozen=True)
class StatusPart:
    """One part of the status bar: its full text first, then shorter forms; `middle`: may also be cut in the
    middle (a host, a path: `path` keeps its file name whole) down to `least` characters; `keep`: never dropped."""

    forms: tuple[str, ...]
    middle: bool = False
    keep: bool = False
    least: int = 12
    path: bool = False

    @property
    def narrowest(self) -> int:
        """The least width it may be cut to: a path only with its file name whole ("/ho…/drizzle.config.ts")."""
        name = self.forms[-1].rsplit("/", 1)[-1]
        return max(self.least, len(name) + 4) if self.path else self.least

    def cut(self, width: int) -> str:
        text = self.forms[-1]
        name = text.rsplit("/", 1)[-1]
        if self.path and len(name) + 4 <= width < len(text):  # "/home/so…/db/drizzle.config.ts"
            return shorten_middle(text[:len(text) - len(name)], width - len(name)) + name
        return shorten_middle(text, width)


SEP = " · "


def fit_status(parts: Sequence[StatusPart], width: int) -> str:
    """The parts (most important first) joined in `width` characters. Lowest priority first, each part takes its
    shorter forms, then (unless it is kept) is cut in the middle or dropped, before the next one is touched; only
    then are the kept parts cut in the middle ("dev" before a cut host), and last the line's end."""
    chosen: list[str | None] = [p.forms[0] for p in parts]

    def joined() -> str:
        return SEP.join(c for c in chosen if c)

    def room_for(index: int) -> int:  # what the others leave to this part
        chosen[index] = ""
        others = joined()
        return width - len(others) - (len(SEP) if others else 0)

    for index in reversed(range(len(parts))):
        part = parts[index]
        for form in part.forms:
            chosen[index] = form
            if len(joined()) <= width:
                return joined()
        if not part.keep:
            room = room_for(index)
            if part.middle and room >= part.narrowest:
                chosen[index] = part.cut(room)
                return joined()
            chosen[index] = None
    for index in reversed(range(len(parts))):
        part = parts[index]
        if part.keep and part.middle:
            room = room_for(index)
            chosen[index] = part.cut(room) if room >= part.narrowest else part.forms[-1]
            if len(joined()) <= width:
                return joined()
    text = joined()
    return text if len(text) <= width else text[:max(0, width - 1)] + "…"


def status_parts(*, production: bool, target: str, kind: str, version: str, kit: str | None,
                 config: str) -> list[StatusPart]:
    """What the status bar says once loaded, by priority: environment, target, connection, server, drizzle-kit,
    config file (each redacted: a target may carry a user name)."""
    short_kind = "PG" if kind == "PostgreSQL" else kind.split(" →")[0]
    server = [f"{kind} {version}", f"{short_kind} {version}", f"{short_kind.split(' ')[0]} {version}"]
    kit_forms = [f"drizzle-kit {kit}", f"kit {kit}"] if kit else ["drizzle-kit not installed", "no drizzle-kit"]
    forms = [
        (["PRODUCTION"] if production else ["development", "dev"], False, True),
        ([target], True, True),
        (["connected"], False, True),
        (list(dict.fromkeys(server)), False, False),
        (kit_forms, False, False),
        ([config], True, False),
    ]
    return [StatusPart(tuple(redact(f) for f in fs), middle=middle, keep=keep, path=index == len(forms) - 1)
            for index, (fs, middle, keep) in enumerate(forms)]


class StatusBar(Static):
    """One line: environment, target, connection, server, drizzle-kit and config file, fitted to the width by
    priority (`fit_status`) and re-fitted on resize; the whole text is the tooltip. Plain messages (connecting,
    a failure) end in "…" when they do not fit."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; text-wrap: nowrap;
                text-overflow: ellipsis; }
    StatusBar.production { background: $error; color: $text; text-style: bold; }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, id=id, markup=False)
        self.parts: list[StatusPart] = []

    @property
    def full_text(self) -> str:
        """Everything the bar knows, unshortened (the tooltip, and for the help screen)."""
        return SEP.join(p.forms[0] for p in self.parts) if self.parts else str(self.tooltip or "")

    def show(self, parts: Sequence[StatusPart]) -> None:
        self.parts = list(parts)
        self.tooltip = self.full_text
        self._fit()

    def say(self, text: str) -> None:
        """A plain message instead of the parts (connecting…, a failure)."""
        self.parts = []
        self.tooltip = text
        self.update(Text(text))

    def on_resize(self, _event: events.Resize) -> None:
        if self.parts:
            self._fit()

    def _fit(self) -> None:
        self.update(Text(fit_status(self.parts, self.content_region.width or self.app.size.width - 2)))


def banner_text(problems: Sequence[Problem], key: str, width: int) -> str:
    """`✗ 1 problem: unlisted-file 0300_hand…credentials — press e for all` in `width`: the first problem by its
    code and migration (the tag cut in the middle: it keeps its number and its end), else its message cut at the
    end."""
    n = len(problems)
    head, tail = f"✗ {n} problem{'s' if n > 1 else ''}: ", f" — press {key} for all"
    first = problems[0]
    room = width - len(head) - len(tail)
    if room < 24:  # too narrow for the hint too: the problem first
        tail, room = "", width - len(head)
    if first.tag:
        text = f"{first.code} {shorten_middle(first.tag, max(room - len(first.code) - 1, 1))}"
    else:
        text = f"{first.code}: {first.message}"
        text = text if len(text) <= room else text[:max(0, room - 1)] + "…"
    return redact(head + text + tail)


class ProblemBanner(Static):
    """One line in the error colour above the journal when status reports problems (an unlisted file, a skipped
    or edited migration …): how many, the first, and how to see them all. A click opens the list."""

    DEFAULT_CSS = """
    ProblemBanner { height: 1; display: none; color: $text-error; background: $error-muted; text-style: bold;
                    padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    ProblemBanner.shown { display: block; }
    """

    class Opened(Message):
        """The banner was clicked: show every problem."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.problems: list[Problem] = []
        self.key = ""

    def show(self, problems: Sequence[Problem], key: str) -> None:
        self.problems, self.key = list(problems), key
        self.set_class(bool(self.problems), "shown")
        self.tooltip = self.all_text() if self.problems else None
        self._fit()

    def on_resize(self, _event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        if self.problems:
            self.update(Text(banner_text(self.problems, self.key, self.content_region.width or 44)))

    def all_text(self) -> str:
        return redact("\n".join(f"• {p.code}: {p.message}" for p in self.problems))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Opened())


class FindingDetail(Static):
    """The selected finding: rule, place, lock, why, and the safe alternative with the user's own names (the
    whole text: in the console a FindingBox around it scrolls what does not fit)."""

    DEFAULT_CSS = """
    FindingDetail { height: auto; border: round $warning; padding: 0 1; display: none; }
    FindingDetail.shown { display: block; }
    """

    def show(self, finding: Finding) -> None:
        head = (f"{finding_label(finding)} {finding.tag} statement {finding.statement} "
                f"(line {finding.line}, column {finding.column})")
        lines = [finding.message, *(f"{name}: {text}" for name, text in finding_notes(finding))]
        if finding.suggestion:
            lines += ["safe alternative:", *("  " + line for line in finding.suggestion.splitlines())]
        # Text, not markup: SQL and rule ids contain square brackets
        self.update(Text.assemble((redact(head), "bold"), "\n", redact("\n".join(lines))))
        self.add_class("shown")
        if isinstance(self.parent, FindingBox):
            self.parent.add_class("shown")
            self.parent.scroll_home(animate=False)


class FindingBox(VerticalScroll, can_focus=True):
    """The finding's frame in the right column: as tall as the text up to a third of the column, scrolling
    beyond (arrows when focused, or the wheel), so that the log below keeps its rows; the text wraps, so it never
    scrolls sideways. Hidden until a finding is selected."""

    DEFAULT_CSS = """
    FindingBox { height: auto; max-height: 33%; border: round $warning; display: none; overflow-x: hidden;
                 scrollbar-size-vertical: 1; }
    FindingBox:focus { border: round $accent; }
    FindingBox.shown { display: block; }
    FindingBox > FindingDetail { border: none; }
    """

    def compose(self) -> ComposeResult:
        yield FindingDetail(id="finding")

    def on_mount(self) -> None:
        self.border_title = "Finding"

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._say_more()

    def on_resize(self, _event: events.Resize) -> None:
        self.call_after_refresh(self._say_more)

    def _say_more(self) -> None:
        """How many lines are below the fold, in words: a scrollbar alone is invisible without colour."""
        below = int(self.max_scroll_y - self.scroll_y)
        self.border_subtitle = f"↓ {below} more line{'s' if below > 1 else ''}" if below > 0 else ""
