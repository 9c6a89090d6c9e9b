"""Rollback SQL for one migration: the inverse of each statement, in reverse order.

Statements are parsed into pglast nodes (sql/parse.parse_tree), chunk by chunk exactly as drizzle splits the file
(journal.split_statements), and each statement is inverted through a dispatch table on its node type (and, for
ALTER TABLE, on the sub-command type); the inverses live in modules by kind of statement (creates, alters, renames,
drops), the steps and their rendering in script.py.
Whatever cannot be undone from the SQL alone (dropped data, previous types, defaults or definitions) becomes an
irreversible step whose reason says how to recover; it never gets made-up SQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pglast import ast

from neontui.core.drizzle.journal import Migration
from neontui.core.sql.parse import SqlSyntaxError, parse_tree, scan
from neontui.core.sql.rollback.alters import alter_domain, alter_table
from neontui.core.sql.rollback.creates import (
    create_composite,
    create_domain,
    create_enum,
    create_extension,
    create_function,
    create_index,
    create_policy,
    create_range,
    create_role,
    create_schema,
    create_sequence,
    create_table,
    create_table_as,
    create_trigger,
    create_view,
    grant,
)
from neontui.core.sql.rollback.drops import delete, drop, insert, select, truncate, update
from neontui.core.sql.rollback.naming import given
from neontui.core.sql.rollback.renames import alter_enum, rename, set_schema
from neontui.core.sql.rollback.script import RollbackPlan, RollbackStep
from neontui.core.sql.rollback.undo import RESTORE, Undo, lost, noop
from neontui.core.sql.statements import UnsupportedBody, do_body_sql

__all__ = ["RESTORE", "RollbackPlan", "RollbackStep", "rollback_plan", "rollback_sql"]

DO_GUARDED = "inside a DO block that ignores errors: it may have existed before this migration; check before undoing"
DO_CONDITIONAL = "inside a conditional (IF) in a DO block: it may not have run; check before undoing"


def rollback_sql(migration: Migration) -> str:
    return rollback_plan(migration).render()


def rollback_plan(migration: Migration) -> RollbackPlan:
    if not migration.exists:
        missing = RollbackStep(migration.tag, 0, "", None, f"{migration.path.name} is missing: the statements to "
                               f"undo are unknown; {RESTORE}")
        return RollbackPlan(migration.tag, (missing,))
    groups: list[list[RollbackStep]] = []  # one group per statement, each already in rollback order
    for index, chunk in enumerate(migration.statements):
        if not chunk.strip():
            continue
        try:
            raws = parse_tree(chunk)
        except SqlSyntaxError as exc:
            groups.append([RollbackStep(migration.tag, index, _display(chunk), None, f"cannot parse: {exc.message}")])
            continue
        for raw in raws:
            text = _statement_text(chunk, raw)
            groups.append([RollbackStep(migration.tag, index, original or text, undo.sql, undo.irreversible, undo.note)
                           for original, undo in _invert(raw.stmt, text)])
    return RollbackPlan(migration.tag, tuple(step for group in reversed(groups) for step in group))


def _invert(node: ast.Node | None, text: str) -> list[tuple[str | None, Undo]]:
    """(original override, undo) pairs in rollback order; the override is set only for statements inside DO."""
    if isinstance(node, ast.DoStmt):
        return _do_block(node, text)
    handler = _HANDLERS.get(type(node))
    if handler is None:
        return [(None, lost(f"no automatic inverse for {_kind_words(text)}"))]
    return [(None, undo) for undo in handler(node)]


def _nothing(note: str) -> Callable[[ast.Node], list[Undo]]:
    return lambda node: [noop(note)]


_HANDLERS: dict[type, Callable[[Any], list[Undo]]] = {
    ast.CreateStmt: create_table,
    ast.CreateTableAsStmt: create_table_as,
    ast.IndexStmt: create_index,
    ast.CreateEnumStmt: create_enum,
    ast.CreateRangeStmt: create_range,
    ast.CompositeTypeStmt: create_composite,
    ast.CreateDomainStmt: create_domain,
    ast.CreateSchemaStmt: create_schema,
    ast.CreateSeqStmt: create_sequence,
    ast.ViewStmt: create_view,
    ast.CreateFunctionStmt: create_function,
    ast.CreateExtensionStmt: create_extension,
    ast.CreatePolicyStmt: create_policy,
    ast.CreateTrigStmt: create_trigger,
    ast.CreateRoleStmt: create_role,
    ast.GrantStmt: grant,
    ast.AlterTableStmt: alter_table,
    ast.AlterDomainStmt: alter_domain,
    ast.RenameStmt: rename,
    ast.AlterObjectSchemaStmt: set_schema,
    ast.AlterEnumStmt: alter_enum,
    ast.DropStmt: drop,
    ast.TruncateStmt: truncate,
    ast.DeleteStmt: delete,
    ast.UpdateStmt: update,
    ast.MergeStmt: update,
    ast.InsertStmt: insert,
    ast.SelectStmt: select,
    ast.VariableSetStmt: _nothing("SET / RESET only changes a setting"),
    ast.VariableShowStmt: _nothing("SHOW"),
    ast.TransactionStmt: _nothing("transaction control"),
    ast.CommentStmt: _nothing("COMMENT ON (the previous comment is not restored)"),
    ast.LockStmt: _nothing("LOCK is released at the end of the transaction"),
    ast.RefreshMatViewStmt: _nothing("REFRESH MATERIALIZED VIEW only recomputes derived rows"),
    ast.VacuumStmt: _nothing("VACUUM / ANALYZE"),
    ast.ReindexStmt: _nothing("REINDEX"),
    ast.ClusterStmt: _nothing("CLUSTER only reorders rows"),
    ast.CheckPointStmt: _nothing("CHECKPOINT"),
    ast.DiscardStmt: _nothing("DISCARD"),
    ast.NotifyStmt: _nothing("NOTIFY"),
}


def _do_block(node: ast.DoStmt, text: str) -> list[tuple[str | None, Undo]]:
    options: dict[str | None, Any] = {opt.defname: opt.arg for opt in given(node.args)}
    language = options["language"].sval if "language" in options else "plpgsql"
    if language.lower() != "plpgsql":
        return [(None, lost(f"DO block in {language}: no automatic inverse"))]
    try:
        found = do_body_sql(text, strict=True)
        undone: list[list[tuple[str | None, Undo]]] = []
        for body in found:
            query = body.sql
            caveat = DO_CONDITIONAL if body.conditional else DO_GUARDED if body.guarded else None
            for raw in parse_tree(query):
                inner = _statement_text(query, raw)
                undone.append([(original or inner, _with_note(undo, caveat)) for original, undo in
                               _invert(raw.stmt, inner)])
    except UnsupportedBody as exc:
        return [(None, lost(f"DO block with a PL/pgSQL {exc.args[0]} statement: no automatic inverse (only plain "
                             "SQL statements, IF and BEGIN … EXCEPTION blocks are inverted)"))]
    except (SqlSyntaxError, KeyError, ValueError, TypeError) as exc:
        return [(None, lost(f"DO block: cannot parse its body: {exc}"))]
    if not undone:
        return [(None, noop("DO block that runs no SQL statement"))]
    return [pair for group in reversed(undone) for pair in group]


def _with_note(undo: Undo, caveat: str | None) -> Undo:
    if caveat is None or undo.sql is None:
        return undo
    return Undo(undo.sql, undo.irreversible, f"{undo.note}; {caveat}" if undo.note else caveat)


_LEADING_NOISE = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.DOTALL)


def _display(text: str) -> str:
    """The statement without leading comments and whitespace or the trailing semicolon."""
    return text[given(_LEADING_NOISE.match(text)).end():].rstrip().rstrip(";").rstrip()


def _statement_text(chunk: str, raw: ast.RawStmt) -> str:
    start = raw.stmt_location or 0
    end = start + raw.stmt_len if raw.stmt_len else len(chunk)  # stmt_len 0 means "to the end"
    return _display(chunk[start:end])


def _kind_words(text: str) -> str:
    """The leading keywords of a statement ("ALTER SEQUENCE"), to name it in a message."""
    words = []
    try:
        tokens = scan(text)
    except SqlSyntaxError:
        tokens = []
    for token in tokens[:3]:
        if token.kind == "NO_KEYWORD":
            break
        words.append(text[token.start:token.end + 1].upper())
    return " ".join(words) or "this statement"
