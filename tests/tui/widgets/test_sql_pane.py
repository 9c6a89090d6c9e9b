"""SqlPane mounted alone in a tiny host app: rendering, gutter, finding navigation, copy, redaction, a 5 MB file."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.message import Message

from benchmarks.generate import big_migration
from neontui.core.drizzle.journal import Migration, read_journal
from neontui.core.safety.model import Finding, Severity
from neontui.tui.widgets.sql_pane import SqlPane
from tests.factories import entry, finding, make_folder

BILLING = (
    "CREATE TABLE \"billing\" (\n"
    "\t\"id\" serial PRIMARY KEY NOT NULL,\n"
    "\t\"email\" text\n"
    ");\n"
    "--> statement-breakpoint\n"
    "CREATE INDEX \"billing_email_idx\" ON \"billing\" (\"email\");--> statement-breakpoint\n"
    "ALTER TABLE \"billing\" ADD COLUMN \"plan\" text NOT NULL;\n"
)
ORDERS = (
    "-- orders\n"
    "CREATE TABLE \"orders\" (\"id\" serial PRIMARY KEY);\n"
    "--> statement-breakpoint\n"
    "ALTER TABLE \"orders\" ADD COLUMN \"total\" integer;\n"
)


class HostApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.selected: list[Finding] = []
        self.copies: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield SqlPane(id="sql")

    def on_sql_pane_finding_selected(self, message: SqlPane.FindingSelected) -> None:
        assert message.control is self.query_one(SqlPane)
        self.selected.append(message.finding)

    def on_sql_pane_copy_requested(self, message: SqlPane.CopyRequested) -> None:
        self.copies.append((message.what, message.text))


def migrations(tmp_path: Path, files: dict[str, str]) -> list[Migration]:
    out = make_folder(tmp_path, [entry(i, tag, (i + 1) * 1000) for i, tag in enumerate(files)],
                      {tag: sql.encode() for tag, sql in files.items()})
    return list(read_journal(out).entries)


def screen_lines(pane: SqlPane) -> list[str]:
    return [pane.render_line(y).text for y in range(pane.scrollable_content_region.height)]


async def test_renders_header_lines_statement_numbers_and_marks(tmp_path: Path):
    shown = migrations(tmp_path, {"0003_billing_email": BILLING, "0004_orders": ORDERS})
    findings = [finding(severity=Severity.ERROR, tag="0003_billing_email", statement=1, line=6),
                finding(tag="0003_billing_email", statement=2, line=7),
                finding(severity=Severity.INFO, tag="0004_orders", statement=1, line=4, suppressed=True)]
    async with HostApp().run_test(size=(80, 24)) as pilot:
        pane = pilot.app.query_one(SqlPane)
        pane.show(shown, findings)
        await pilot.pause()
        lines = screen_lines(pane)
        assert lines[0].startswith("── 0003_billing_email ──")
        assert "#0" in lines[1] and 'CREATE TABLE "billing" (' in lines[1]
        assert '    "id" serial PRIMARY KEY NOT NULL,' in lines[2]  # tab expanded
        assert lines[5].rstrip().endswith("--> statement-breakpoint") and "#" not in lines[5]
        assert lines[6].startswith(" E") and "#1" in lines[6] and "CREATE INDEX" in lines[6]
        assert lines[7].startswith(" W") and "#2" in lines[7] and 'ADD COLUMN "plan"' in lines[7]
        assert lines[8].startswith("── 0004_orders ──")
        assert "#0" in lines[9] and "-- orders" in lines[9]
        assert lines[12].startswith(" ·") and "#1" in lines[12]  # suppressed info: dimmed, readable mark
        assert all(len(line) == 80 for line in lines)
        # the breakpoint marker is styled apart from the code (dimmed)
        strip = pane.render_line(5)
        marker = [s for s in strip if "statement-breakpoint" in s.text]
        assert marker and marker[0].style is not None and (marker[0].style.dim or marker[0].style.italic)


async def test_n_walks_findings_in_order_and_posts_messages(tmp_path: Path):
    body = "".join(f"SELECT {i};\n--> statement-breakpoint\n" for i in range(60)) + "SELECT 60;\n"
    shown = migrations(tmp_path, {"0001_a": body})
    late, early, middle = (finding(tag="0001_a", statement=50, line=101), finding(tag="0001_a", statement=1, line=3),
                           finding(tag="0001_a", statement=20, line=41))
    async with HostApp().run_test(size=(80, 24)) as pilot:
        pane = pilot.app.query_one(SqlPane)
        pane.show(shown, [late, early, middle])
        pane.focus()
        await pilot.pause()
        assert pane.selected_finding is None
        await pilot.press("n")
        await pilot.pause()
        assert pane.selected_finding is early
        await pilot.press("n", "n")
        await pilot.pause()
        assert pane.selected_finding is late
        assert pilot.app.selected == [early, middle, late]
        top = round(pane.scroll_offset.y)
        row = pane.row_of("0001_a", 101)
        assert top <= row < top + pane.scrollable_content_region.height
        assert pane.render_line(row - top).text.startswith(">W")
        assert pane.current_statement() == (shown[0], 50)
        await pilot.press("N")
        await pilot.press("f8")
        await pilot.press("shift+f8")
        await pilot.pause()
        assert pilot.app.selected[3:] == [middle, late, middle]
        await pilot.press("n", "n")  # wraps around
        await pilot.pause()
        assert pane.selected_finding is early


async def test_highlight_error_scrolls_and_marks(tmp_path: Path):
    body = "".join(f"SELECT {i};\n--> statement-breakpoint\n" for i in range(100)) + "SELECT 100;\n"
    shown = migrations(tmp_path, {"0001_a": ORDERS, "0002_b": body})
    async with HostApp().run_test(size=(80, 24)) as pilot:
        pane = pilot.app.query_one(SqlPane)
        pane.show(shown, [])
        await pilot.pause()
        assert pane.scroll_offset.y == 0
        assert pane.highlight_error("0002_b", 151)
        await pilot.pause()
        top = round(pane.scroll_offset.y)
        row = pane.row_of("0002_b", 151)
        assert top > 0 and top <= row < top + pane.scrollable_content_region.height
        text = pane.render_line(row - top).text
        assert text.startswith("! ") and "SELECT 75;" in text and "#75" in text
        assert pane.current_statement() == (shown[1], 75)
        assert not pane.highlight_error("9999_missing", 1)


async def test_copy_posts_statement_and_migration_text(tmp_path: Path):
    shown = migrations(tmp_path, {"0003_billing_email": BILLING})
    async with HostApp().run_test(size=(80, 24)) as pilot:
        pane = pilot.app.query_one(SqlPane)
        pane.show(shown, [finding(tag="0003_billing_email", statement=1, line=6)])
        pane.focus()
        await pilot.pause()
        assert pane.current_statement() == (shown[0], 0)  # top of the view
        await pilot.press("c")
        await pilot.pause()
        assert pilot.app.copies[-1] == ("statement", shown[0].statements[0].strip())
        await pilot.press("n", "c")
        await pilot.pause()
        assert pilot.app.copies[-1] == ("statement", 'CREATE INDEX "billing_email_idx" ON "billing" ("email");')
        assert pane.current_statement_text() == pilot.app.copies[-1][1]
        await pilot.press("C")
        await pilot.pause()
        assert pilot.app.copies[-1] == ("migration", BILLING)
        assert pane.migration_text() == BILLING


async def test_scroll_keys(tmp_path: Path):
    body = "".join(f"SELECT {i};\n" for i in range(200))
    shown = migrations(tmp_path, {"0001_a": body})
    async with HostApp().run_test(size=(80, 24)) as pilot:
        pane = pilot.app.query_one(SqlPane)
        pane.show(shown, [])
        pane.focus()
        await pilot.pause()
        await pilot.press("j", "j", "down")
        await pilot.pause()
        assert round(pane.scroll_offset.y) == 3
        await pilot.press("k")
        await pilot.pause()
        assert round(pane.scroll_offset.y) == 2
        await pilot.press("end")
        await pilot.pause()
        assert round(pane.scroll_offset.y) == pane.max_scroll_y > 150
        assert "SELECT 199;" in "\n".join(screen_lines(pane))
        await pilot.press("home")
        await pilot.pause()
        assert pane.scroll_offset.y == 0


async def test_no_password_on_screen(tmp_path: Path):
    sql = ("-- seeded from postgresql://app_user:s3cr3t-Pa55@ep-cool-1.eu-central-1.aws.neon.tech/db\n"
           "CREATE ROLE reporter LOGIN PASSWORD 'hunter2-topsecret';\n"
           "--> statement-breakpoint\n"
           "SELECT dblink_connect('host=x password=pw-in-conninfo dbname=y');\n")
    shown = migrations(tmp_path, {"0005_secrets": sql})
    async with HostApp().run_test(size=(80, 24)) as pilot:
        pane = pilot.app.query_one(SqlPane)
        pane.show(shown, [])
        await pilot.pause()
        visible = "\n".join(screen_lines(pane))
        assert "app_user:****@" in visible and "CREATE ROLE reporter" in visible
        for x in range(0, 40, 8):  # scrolled horizontally too
            pane.scroll_to(x=x, animate=False, force=True, immediate=True)
            await pilot.pause()
            visible += "\n".join(screen_lines(pane))
        visible += pilot.app.export_screenshot()
        for secret in ("s3cr3t-Pa55", "hunter2-topsecret", "pw-in-conninfo"):
            assert secret not in visible


async def test_five_megabyte_migration_opens_with_its_first_and_last_screens(tmp_path: Path):
    """How fast it opens is benchmarks/console.py's `sql_open`; here, that every screen of it is there."""
    out = make_folder(tmp_path, [entry(0, "0000_big", 1000)], {})
    big_migration(out / "0000_big.sql", size=5_000_000)
    migration = read_journal(out).entries[0]
    assert len(migration.raw) >= 5_000_000
    async with HostApp().run_test(size=(80, 24)) as pilot:
        pane = pilot.app.query_one(SqlPane)
        pane.show([migration], [finding(tag="0000_big", statement=3, line=migration.statement_lines[3])])
        first = screen_lines(pane)
        await pilot.pause()  # a real frame through the compositor
        await pilot.press("end")
        await pilot.pause()
        last = screen_lines(pane)
        assert first[0].startswith("── 0000_big ──") and "#0" in first[1]
        assert pane.row_count > 50_000
        assert any(line.strip() for line in last)


class _Recorder:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        self.messages.append(message)


async def test_message_hook_sees_finding_selected(tmp_path: Path):
    shown = migrations(tmp_path, {"0004_orders": ORDERS})
    recorder = _Recorder()
    target = finding(tag="0004_orders", statement=1, line=4)
    async with HostApp().run_test(size=(80, 24), message_hook=recorder) as pilot:
        pane = pilot.app.query_one(SqlPane)
        pane.show(shown, [target])
        pane.focus()
        await pilot.press("n")
        await pilot.pause()
    # the hook sees a message at each node it bubbles through: count distinct messages
    selected = list({id(m): m for m in recorder.messages if isinstance(m, SqlPane.FindingSelected)}.values())
    assert [m.finding for m in selected] == [target]


async def test_empty_and_missing_file(tmp_path: Path):
    out = make_folder(tmp_path, [entry(0, "0000_gone", 1000)], {})
    gone = read_journal(out).entries[0]
    async with HostApp().run_test(size=(80, 24)) as pilot:
        pane = pilot.app.query_one(SqlPane)
        assert pane.current_statement() is None and pane.current_statement_text() == ""
        await pilot.press("n", "c")  # no content: nothing happens, nothing crashes
        pane.show([gone], [])
        await pilot.pause()
        assert screen_lines(pane)[0].startswith("── 0000_gone (file missing) ──")
        assert pane.current_statement() is None and pane.migration_text() == ""
