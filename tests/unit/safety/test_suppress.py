"""Ignore comments: which statement or file they cover, squawk's names, and what a review reports as unused."""

from __future__ import annotations

from neontui.core.drizzle.journal import BREAKPOINT
from neontui.core.safety import Source, analyze
from neontui.core.safety.suppress import scan_ignores


def review(text: str):
    return analyze([Source("0000_x", text)])


def test_a_next_statement_comment_names_its_rules_and_where_it_is():
    text = 'SELECT 1;\n-- neontui-ignore: drop-table, Drop-Column\nDROP TABLE "a";'
    ignores = scan_ignores(text)
    (ignore,) = ignores.statement_level
    assert ignore.rules == {"drop-table", "drop-column"} and ignores.file_level == []
    assert ignore.offset == text.index("--") and ignore.comment == "-- neontui-ignore: drop-table, Drop-Column"
    assert ignores.between(0, ignore.offset) == [] and ignores.between(0, len(text)) == [ignore]


def test_a_block_comment_ends_at_its_close_and_an_empty_list_covers_every_rule():
    (ignore,) = scan_ignores('/* neontui-ignore */ DROP TABLE "a";').statement_level
    assert ignore.rules is None and ignore.covers("anything") and ignore.comment == "/* neontui-ignore */"


def test_squawk_names_map_to_neontui_ids_and_keep_their_own_name():
    (ignore,) = scan_ignores('-- squawk-ignore ban-drop-column\nALTER TABLE "a" DROP COLUMN "b";').statement_level
    assert ignore.covers("drop-column") and ignore.covers("ban-drop-column")


def test_text_without_an_ignore_comment_has_none():
    assert scan_ignores('DROP TABLE "a"; -- a comment').all() == []


def test_the_comment_covers_only_the_next_statement():
    findings = review(f'-- neontui-ignore drop-table\nDROP TABLE "a";{BREAKPOINT}\nDROP TABLE "b";').findings
    assert [(f.message.split('"')[1], f.suppressed, f.suppressed_by) for f in findings] == [
        ("a", True, "-- neontui-ignore drop-table"), ("b", False, None)]


def test_a_file_comment_covers_every_statement_of_the_file_for_its_rules():
    result = review(f'-- neontui-ignore-file drop-table\nDROP TABLE "a";{BREAKPOINT}\nDROP TABLE "b";{BREAKPOINT}\n'
                    'ALTER TABLE "c" DROP COLUMN "d";')
    assert [(f.rule, f.suppressed) for f in result.findings] == [
        ("drop-table", True), ("drop-table", True), ("drop-column", False)]
    assert result.counts()["suppressed"] == 2 and result.has_errors is False


def test_a_comment_that_suppressed_nothing_is_reported_with_its_line():
    result = review(f'SELECT 1;{BREAKPOINT}\n\n-- neontui-ignore drop-table\nALTER TABLE "a" ADD "b" int;')
    assert result.unused_ignores == [("0000_x", 3, "-- neontui-ignore drop-table")]
