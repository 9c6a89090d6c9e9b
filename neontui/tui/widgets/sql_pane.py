"""The pending-SQL pane: a read-only, virtualised SQL viewer with a findings gutter.

`SqlPane` is a `ScrollView` that renders only the visible rows through the Line API (`render_line`), as
docs/console.md#highlighting-sql explains: `show()` splits the files into lines and indexes the statements, but nothing
is lexed or laid out until a row is painted, and each painted row's highlighted code is kept in an LRU cache keyed by
row.

Row layout (one row per file line, plus one header row before each migration):

    ── 0003_billing_email ──
    >W   12 #2    │ CREATE INDEX "orders_user_idx" ON "orders" ("user_id");
      ^    ^  ^   code, highlighted with Pygments' PostgresLexer, redacted, tabs expanded
      |    |  statement number (drizzle's 0-based chunk index, as `neontui migrate` prints it), on the
      |    |  chunk's first non-blank line
      |    line number in the file (1-based)
      severity mark, readable without colour: E error, W warning, i info; lower case (e, w, ·) when every
      finding on the line is suppressed. Column 0 holds ">" on the selected finding's line and "!" on a line
      marked by `highlight_error`.

Keys: up/down (k/j), pgup/pgdn, home/end scroll; n / F8 next finding, N / shift+F8 previous finding; c copies
the current statement, C the current migration (both by posting `CopyRequested`; the app owns the clipboard).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, _TokenType
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from neontui.core.drizzle.journal import BREAKPOINT, Migration
from neontui.core.redact import redact
from neontui.core.safety.model import Finding, Severity
from neontui.core.sql.positions import line_column

if TYPE_CHECKING:
    from pygments.lexers.sql import PostgresLexer

__all__ = ["SqlPane", "warm_highlighter"]

TAB_SIZE = 4
LINE_CACHE_SIZE = 1024
# C0/C1 controls (tab is expanded before this runs): never let a file's ESC bytes reach the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_LEADING_SPACE = re.compile(r"\s*")

# Pygments token type → component class suffix; the first ancestor found wins.
_TOKEN_CLASSES: tuple[tuple[_TokenType, str], ...] = (
    (Comment, "comment"),
    (String, "string"),
    (Number, "number"),
    (Keyword, "keyword"),
    (Name.Builtin, "builtin"),
    (Operator, "operator"),
    (Punctuation, "punctuation"),
)

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_MARKS = {Severity.ERROR: "E", Severity.WARNING: "W", Severity.INFO: "i"}
_SUPPRESSED_MARKS = {Severity.ERROR: "e", Severity.WARNING: "w", Severity.INFO: "·"}


@dataclass
class _Block:
    """One migration as shown: a header row followed by its file lines."""

    migration: Migration
    first_row: int  # the header row
    lines: list[str]
    starts: list[int]  # per statement chunk: 1-based line of its first non-blank character
    start_of_line: dict[int, int] = field(default_factory=dict)  # line → statement index

    @property
    def row_count(self) -> int:
        return 1 + len(self.lines)


def _block(migration: Migration, first_row: int) -> _Block:
    text = migration.text or ""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    starts: list[int] = []
    for chunk, line in zip(migration.statements, migration.statement_lines, strict=True):
        lead = _LEADING_SPACE.match(chunk)
        end = lead.end() if lead else 0
        # a trailing all-blank chunk still gets a start, so indexes match drizzle's split
        starts.append(min(line_column(chunk, end, start=(line, 1))[0], max(len(lines), 1)))
    start_of_line: dict[int, int] = {}
    for index, line in enumerate(starts):
        start_of_line.setdefault(line, index)
    return _Block(migration, first_row, lines, starts, start_of_line)


def _new_lexer() -> PostgresLexer:
    """Pygments' PostgreSQL lexer (each pane its own: the lexer keeps the text it is on as state). Imported and built
    on first use, not at import: importing pygments.lexers reads the installed packages' metadata for plugins, and
    the first instance compiles the lexer's patterns (about 50 ms), neither of which the first frame should wait for."""
    from pygments.lexers.sql import PostgresLexer

    return PostgresLexer(stripnl=False, ensurenl=False)


def warm_highlighter() -> None:
    """Compile the lexer's patterns now (pygments keeps them on the class), from a thread that is waiting anyway:
    the console's load calls it, so the pending SQL's first paint does not pay for it."""
    _new_lexer()


class SqlPane(ScrollView, can_focus=True):
    """Read-only SQL of one or more migrations, with line numbers, statement numbers and finding marks."""

    DEFAULT_CSS = """
    SqlPane {
        background: $surface;
        color: $foreground;
        overflow: auto auto;
        &:focus { background-tint: $foreground 4%; }
        & > .sql-pane--gutter { color: $foreground-muted; }
        & > .sql-pane--statement { color: $text-accent; text-style: bold; }
        & > .sql-pane--header { color: $text-primary; text-style: bold; }
        & > .sql-pane--breakpoint { color: $foreground-muted; text-style: italic; }
        & > .sql-pane--keyword { color: $text-primary; text-style: bold; }
        & > .sql-pane--builtin { color: $text-secondary; }
        & > .sql-pane--string { color: $text-success; }
        & > .sql-pane--number { color: $text-warning; }
        & > .sql-pane--comment { color: $foreground-muted; text-style: italic; }
        & > .sql-pane--operator { color: $text-accent; }
        & > .sql-pane--punctuation { color: $foreground-muted; }
        & > .sql-pane--mark-error { color: $text-error; text-style: bold; }
        & > .sql-pane--mark-warning { color: $text-warning; text-style: bold; }
        & > .sql-pane--mark-info { color: $text-primary; }
        & > .sql-pane--mark-suppressed { color: $foreground-muted; }
        & > .sql-pane--selected-line { background: $accent-muted; }
        & > .sql-pane--error-line { background: $error-muted; }
    }
    """

    COMPONENT_CLASSES = {
        "sql-pane--gutter",
        "sql-pane--statement",
        "sql-pane--header",
        "sql-pane--breakpoint",
        "sql-pane--keyword",
        "sql-pane--builtin",
        "sql-pane--string",
        "sql-pane--number",
        "sql-pane--comment",
        "sql-pane--operator",
        "sql-pane--punctuation",
        "sql-pane--mark-error",
        "sql-pane--mark-warning",
        "sql-pane--mark-info",
        "sql-pane--mark-suppressed",
        "sql-pane--selected-line",
        "sql-pane--error-line",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "scroll_up", "Scroll up", show=False),
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("n,f8", "next_finding", "Next finding", key_display="n"),
        Binding("N,shift+f8", "previous_finding", "Prev finding", key_display="N"),
        Binding("c", "copy_statement", "Copy statement"),
        Binding("C", "copy_migration", "Copy migration", show=False),
    ]
    """Also inherited from ScrollableContainer: up/down/left/right, pageup/pagedown, home/end."""

    class FindingSelected(Message):
        """`n`/`N` (or `select_finding`) moved to a finding; its line is scrolled into view."""

        def __init__(self, pane: SqlPane, finding: Finding) -> None:
            self.pane = pane
            self.finding = finding
            super().__init__()

        @property
        def control(self) -> SqlPane:
            return self.pane

    class CopyRequested(Message):
        """The user asked to copy `text`; `what` is "statement" or "migration". The app owns the clipboard."""

        def __init__(self, pane: SqlPane, text: str, what: str) -> None:
            self.pane = pane
            self.text = text
            self.what = what
            super().__init__()

        @property
        def control(self) -> SqlPane:
            return self.pane

    selected: reactive[int] = reactive(-1, init=False)
    """Index into `findings` of the selected finding, -1 for none."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None,
                 disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._blocks: list[_Block] = []
        self._block_rows: list[int] = []
        self._rows = 0
        self._findings: list[Finding] = []
        self._finding_rows: list[int] = []
        self._marks: dict[int, list[Finding]] = {}  # row → findings on it
        self._error_row: int | None = None
        self._line_width = 4
        self._stmt_width = 2
        self._lexer: PostgresLexer | None = None  # built on first paint (`_new_lexer`)
        self._code_cache: LRUCache[int, Strip] = LRUCache(LINE_CACHE_SIZE)
        self._token_styles: dict[_TokenType, Style] = {}
        self._part_styles: dict[str, Style] = {}

    # ------------------------------------------------------------------ content

    def show(self, migrations: Sequence[Migration], findings: Sequence[Finding] = ()) -> None:
        """Display `migrations` in order, each after a header row, with `findings` marked in the gutter."""
        self._blocks, self._block_rows = [], []
        row, widest, most_statements, longest = 0, 0, 0, 0
        for migration in migrations:
            block = _block(migration, row)
            self._blocks.append(block)
            self._block_rows.append(row)
            row += block.row_count
            widest = max(widest, len(block.lines))
            most_statements = max(most_statements, len(block.starts))
            longest = max(longest, max(map(len, block.lines), default=0))
        self._rows = row
        self._line_width = max(3, len(str(widest)))
        self._stmt_width = max(2, len(f"#{max(most_statements - 1, 0)}"))
        by_tag = {b.migration.tag: i for i, b in reversed(list(enumerate(self._blocks)))}
        placed: list[tuple[int, int, int, Finding]] = []
        for finding in findings:
            index = by_tag.get(finding.tag)
            if index is None:
                continue
            block = self._blocks[index]
            line = min(max(finding.line, 1), max(len(block.lines), 1))
            placed.append((block.first_row + line, finding.column, _SEVERITY_ORDER.get(finding.severity, 3), finding))
        placed.sort(key=lambda item: item[:3])
        self._findings = [item[3] for item in placed]
        self._finding_rows = [item[0] for item in placed]
        self._marks = {}
        for finding_row, finding in zip(self._finding_rows, self._findings, strict=True):
            self._marks.setdefault(finding_row, []).append(finding)
        self._error_row = None
        self._code_cache.clear()
        self.set_reactive(SqlPane.selected, -1)
        self.virtual_size = Size(self._gutter_width + longest + 1, self._rows)
        if self.is_mounted:
            self.scroll_to(0, 0, animate=False, force=True, immediate=True)
        self.refresh()

    @property
    def migrations(self) -> list[Migration]:
        return [block.migration for block in self._blocks]

    @property
    def findings(self) -> list[Finding]:
        """The shown findings in navigation order (file order, then line, column, severity)."""
        return list(self._findings)

    @property
    def selected_finding(self) -> Finding | None:
        return self._findings[self.selected] if 0 <= self.selected < len(self._findings) else None

    @property
    def row_count(self) -> int:
        return self._rows

    def row_of(self, tag: str, line: int) -> int | None:
        """The row showing `line` (1-based) of migration `tag`, or None when it is not shown."""
        for block in self._blocks:
            if block.migration.tag == tag:
                return block.first_row + min(max(line, 1), max(len(block.lines), 1))
        return None

    def highlight_error(self, tag: str, line: int) -> bool:
        """Mark the failing line of `tag` (after a failed migrate) and scroll it into view."""
        row = self.row_of(tag, line)
        self._error_row = row
        self.refresh()
        if row is None:
            return False
        self._scroll_row_into_view(row)
        return True

    def clear_error(self) -> None:
        self._error_row = None
        self.refresh()

    # ------------------------------------------------------------------ findings

    def select_finding(self, index: int) -> None:
        """Select finding `index` (wrapping), scroll to it and post `FindingSelected`."""
        if not self._findings:
            return
        index %= len(self._findings)
        if index == self.selected:
            self._scroll_row_into_view(self._finding_rows[index])
            self.post_message(self.FindingSelected(self, self._findings[index]))
        else:
            self.selected = index

    def watch_selected(self, index: int) -> None:
        self.refresh()
        if 0 <= index < len(self._findings):
            self._scroll_row_into_view(self._finding_rows[index])
            self.post_message(self.FindingSelected(self, self._findings[index]))

    def action_next_finding(self) -> None:
        self.select_finding(self.selected + 1 if self.selected >= 0 else 0)

    def action_previous_finding(self) -> None:
        self.select_finding(self.selected - 1 if self.selected >= 0 else -1)

    # ------------------------------------------------------------------ statements and copying

    def _locate(self, row: int) -> tuple[_Block, int] | None:
        """The block showing `row` and the 1-based file line there (line 1 for the header row)."""
        if not self._blocks or not 0 <= row < self._rows:
            return None
        block = self._blocks[bisect_right(self._block_rows, row) - 1]
        return block, max(row - block.first_row, 1)

    def _focus_row(self) -> int:
        """The row whose statement is "current": the selected finding or marked error when on screen, else the top."""
        top = round(self.scroll_offset.y)
        height = max(self.scrollable_content_region.height, 1)
        for row in (self._finding_rows[self.selected] if self.selected_finding else None, self._error_row):
            if row is not None and top <= row < top + height:
                return row
        return top

    def current_statement(self) -> tuple[Migration, int] | None:
        """The migration and 0-based statement index at the selected finding (when visible) or the top of view."""
        located = self._locate(self._focus_row())
        if located is None:
            return None
        block, line = located
        if not block.starts:
            return None
        return block.migration, max(bisect_right(block.starts, line) - 1, 0)

    def current_statement_text(self) -> str:
        current = self.current_statement()
        if current is None:
            return ""
        migration, index = current
        return migration.statements[index].strip()

    def migration_text(self) -> str:
        """The whole text of the current migration (the first shown when there is no current statement)."""
        current = self.current_statement()
        if current is not None:
            return current[0].text or ""
        return (self._blocks[0].migration.text or "") if self._blocks else ""

    def action_copy_statement(self) -> None:
        text = self.current_statement_text()
        if text:
            self.post_message(self.CopyRequested(self, text, "statement"))

    def action_copy_migration(self) -> None:
        text = self.migration_text()
        if text:
            self.post_message(self.CopyRequested(self, text, "migration"))

    # ------------------------------------------------------------------ scrolling

    def action_scroll_home(self) -> None:
        """Jump (no animation: in a 100k-line file an animated scroll paints thousands of rows)."""
        self.scroll_home(animate=False, x_axis=self.scroll_y == 0)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False, x_axis=self.scroll_y == self.max_scroll_y)

    def _scroll_row_into_view(self, row: int) -> None:
        if not self.is_mounted:
            return
        top = round(self.scroll_offset.y)
        height = max(self.scrollable_content_region.height, 1)
        if top <= row < top + height:
            return
        self.scroll_to(y=max(row - height // 3, 0), animate=False, force=True, immediate=True)

    # ------------------------------------------------------------------ rendering

    @property
    def _gutter_width(self) -> int:
        # cursor, mark, space, line number, space, statement number, " │ "
        return 2 + 1 + self._line_width + 1 + self._stmt_width + 3

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._part_styles.clear()
        self._token_styles.clear()
        self._code_cache.clear()

    def _style(self, part: str) -> Style:
        style = self._part_styles.get(part)
        if style is None:
            name = f"sql-pane--{part}"
            style = self.get_component_rich_style(name, partial=True)
            styles = self.get_component_styles(name)
            if styles.has_rule("color") and styles.color.a < 1:
                # a partial Rich style drops the alpha of colours such as $foreground-muted: blend it here
                style += Style(color=(self.background_colors[1] + styles.color).rich_color)
            self._part_styles[part] = style
        return style

    def _token_style(self, token: _TokenType) -> Style:
        style = self._token_styles.get(token)
        if style is None:
            style = Style.null()
            for ancestor, part in _TOKEN_CLASSES:
                if token in ancestor:
                    style = self._style(part)
                    break
            self._token_styles[token] = style
        return style

    def _code(self, row: int, text: str) -> Strip:
        """The highlighted, redacted code of one row (uncropped), lexed on first paint and cached."""
        cached = self._code_cache.get(row)
        if cached is not None:
            return cached
        text = _CONTROL.sub("\ufffd", redact(text.rstrip("\r")).expandtabs(TAB_SIZE))
        cut = text.find(BREAKPOINT)
        code, marker = (text, "") if cut < 0 else (text[:cut], text[cut:])
        lexer = self._lexer = self._lexer or _new_lexer()
        segments = [Segment(value, self._token_style(token))
                    for _, token, value in lexer.get_tokens_unprocessed(code) if value]
        if marker:
            segments.append(Segment(marker, self._style("breakpoint")))
        strip = Strip(segments)
        self._code_cache[row] = strip
        return strip

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        return self._render_row(scroll_y + y, scroll_x, width)

    def _render_row(self, row: int, scroll_x: int, width: int) -> Strip:
        base = self.rich_style
        located = self._locate(row)
        if located is None:
            return Strip.blank(width, base)
        block, line = located
        if row == block.first_row:
            title = redact(block.migration.tag) + ("" if block.migration.exists else " (file missing)")
            title = _CONTROL.sub("\ufffd", title)
            header = Strip([Segment(f"── {title} ──", self._style("header"))])
            return header.crop_extend(0, width, None).apply_style(base)

        gutter_style = self._style("gutter")
        cursor = " "
        line_style: Style | None = None
        if row == self._error_row:
            cursor, line_style = "!", self._style("error-line")
        if self.selected_finding is not None and row == self._finding_rows[self.selected]:
            cursor, line_style = ">", self._style("selected-line")
        mark, mark_style = " ", gutter_style
        findings = self._marks.get(row)
        if findings:
            active = [f for f in findings if not f.suppressed]
            worst = min(active or findings, key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))
            if active:
                mark = _MARKS.get(worst.severity, "?")
                mark_style = self._style(f"mark-{worst.severity.value}")
            else:
                mark = _SUPPRESSED_MARKS.get(worst.severity, "·")
                mark_style = self._style("mark-suppressed")
        statement = block.start_of_line.get(line)
        number = f"#{statement}" if statement is not None else ""
        gutter = Strip([
            Segment(cursor, mark_style if cursor == " " else gutter_style + Style(bold=True)),
            Segment(mark, mark_style),
            Segment(f" {line:>{self._line_width}} ", gutter_style),
            Segment(f"{number:<{self._stmt_width}}", self._style("statement")),
            Segment(" │ ", gutter_style),
        ])
        code_width = max(width - self._gutter_width, 0)
        code = self._code(row, block.lines[line - 1]) if block.lines else Strip([])
        code = code.crop_extend(scroll_x, scroll_x + code_width, None)
        if line_style is not None:
            code = code.apply_style(line_style)
            gutter = gutter.apply_style(line_style)
        return Strip.join([gutter, code]).crop_extend(0, width, None).apply_style(base)
