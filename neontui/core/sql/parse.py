"""The one way neontui parses SQL text: libpg_query through pglast, one chunk at a time.

`parse` gives the JSON parse tree (fast; the review, the plan and tables touched use it); `parse_tree` gives
pglast's Python nodes for code that prints SQL back from them (rollback); `parse_plpgsql` reads the body of a DO
block; `scan` gives the raw tokens. Every parser failure becomes a SqlSyntaxError. pglast is imported on the first
call, so commands that never parse SQL do not pay for it at start-up.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pglast import ast
    from pglast.parser import ParseError, Token


class SqlSyntaxError(Exception):
    """PostgreSQL's parser rejected the text; `location` is a character offset into it when known."""

    def __init__(self, message: str, location: int | None, text: str | None = None) -> None:
        super().__init__(text or message)
        self.message, self.location = message, location


def _syntax_error(exc: ParseError) -> SqlSyntaxError:
    location = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
    return SqlSyntaxError(str(exc.args[0]), location, str(exc))


def parse(sql: str) -> list[dict[str, Any]]:
    """The statements of `sql` as libpg_query JSON: [{"stmt": {NodeType: {...}}, "stmt_location", "stmt_len"}]."""
    from pglast import parser

    try:
        return json.loads(parser.parse_sql_json(sql))["stmts"]
    except parser.ParseError as exc:
        raise _syntax_error(exc) from None


def parse_tree(sql: str) -> tuple[ast.RawStmt, ...]:
    """The statements of `sql` as pglast nodes (slower than `parse`; for printing SQL back from the tree)."""
    import pglast

    try:
        return tuple(pglast.parse_sql(sql))
    except pglast.parser.ParseError as exc:
        raise _syntax_error(exc) from None


def parse_plpgsql(sql: str) -> list[dict[str, Any]]:
    """The PL/pgSQL tree of a DO block or CREATE FUNCTION as JSON; a body in another language raises too."""
    import pglast

    try:
        return pglast.parse_plpgsql(sql)
    except pglast.parser.ParseError as exc:
        raise _syntax_error(exc) from None


def scan(sql: str) -> list[Token]:
    """The lexer's tokens of `sql` (`start`/`end` are character offsets into `sql`, as pglast gives them, `end`
    inclusive)."""
    from pglast import parser

    try:
        return parser.scan(sql)
    except parser.ParseError as exc:
        raise _syntax_error(exc) from None
