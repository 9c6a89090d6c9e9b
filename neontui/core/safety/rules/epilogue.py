"""Checks run after every statement, whatever its kind: identifier length, enum values used before their commit,
timeouts before the first lock-taking statement.
"""

from __future__ import annotations

import re

from neontui.core.safety.engine import Node, Statement
from neontui.core.safety.rules.nodes import show, walk
from neontui.core.schema.names import NAME_BYTES, clip
from neontui.core.sql.parse import scan

# Cheap pre-filter, in bytes like the limit: only a statement with such a run (a quoted one may hold spaces) can hold
# a long identifier. The lookbehind lets a run be tried only from its first byte: without it the search re-scans
# every run from each of its bytes (a tenth of a 5 MB file's lint time).
_LONG_RUN = re.compile(rb'(?<![^\s(),;.\'])[^\s(),;.\']{%d,}|"[^"]{%d,}' % (NAME_BYTES + 1, NAME_BYTES + 1))
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
LOCKING = {"AlterTableStmt", "IndexStmt", "DropStmt", "RenameStmt", "TruncateStmt", "ReindexStmt", "ClusterStmt",
           "RefreshMatViewStmt", "AlterObjectSchemaStmt"}


def after_statement(stmt: Statement, node_type: str, node: Node) -> None:
    """Per-statement checks that do not depend on the statement kind."""
    identifier_length(stmt)
    state = stmt.state
    if state.new_enum_labels and node_type not in ("AlterEnumStmt", "CreateEnumStmt"):
        for item in walk(node):
            value = item.get("A_Const", {}).get("sval", {}).get("sval")
            if value in state.new_enum_labels:
                stmt.report("enum-add-value-in-transaction", f"'{value}' was added to "
                            f"{show(state.new_enum_labels[value])} in this transaction and cannot be used before it "
                            "commits (55P04)")
                break
    if node_type in LOCKING and not stmt.source.timeout_advised and not (state.lock_timeout and
                                                                         state.statement_timeout):
        stmt.source.timeout_advised = True
        if not state.lock_timeout:
            stmt.report("missing-lock-timeout", "no lock_timeout is set before this lock-taking statement")
        if not state.statement_timeout:
            stmt.report("missing-statement-timeout", "no statement_timeout is set before this lock-taking statement")


def identifier_length(stmt: Statement) -> None:
    """The parser already truncates identifiers to 63 bytes, so the check reads the tokens of the raw text."""
    text = stmt.text
    if not _LONG_RUN.search(text.encode("utf-8")):
        return
    for token in scan(text):  # pglast's token offsets count characters, not bytes
        if token.name != "IDENT":
            continue
        word = text[token.start:token.end + 1]
        # Unquoted, PostgreSQL folds only ASCII letters under UTF-8 (ÉTÉ_X is stored as ÉtÉ_x).
        name = word[1:-1].replace('""', '"') if word.startswith('"') else word.translate(_ASCII_LOWER)
        size = len(name.encode("utf-8"))
        if size > NAME_BYTES:
            kept = clip(name)
            stmt.report("identifier-too-long", f'"{name}" is {size} bytes; PostgreSQL truncates it to "{kept}"',
                        at=stmt.start + token.start,
                        suggestion=f'-- PostgreSQL will use "{kept}"; a later statement naming "{name}" fails')
