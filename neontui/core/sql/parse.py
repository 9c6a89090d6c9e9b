"""The one way neontui parses SQL text fast: libpg_query's JSON parse tree through pglast, one chunk at a time.

pglast is imported on the first parse, so commands that never parse SQL do not pay for it at start-up.
"""

from __future__ import annotations

import json
from typing import Any


class SqlSyntaxError(Exception):
    """PostgreSQL's parser rejected the text; `location` is a character offset into it when known."""

    def __init__(self, message: str, location: int | None) -> None:
        super().__init__(message)
        self.message, self.location = message, location


def parse(sql: str) -> list[dict[str, Any]]:
    """The statements of `sql` as libpg_query JSON: [{"stmt": {NodeType: {...}}, "stmt_location", "stmt_len"}]."""
    from pglast import parser

    try:
        return json.loads(parser.parse_sql_json(sql))["stmts"]
    except parser.ParseError as exc:
        location = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
        raise SqlSyntaxError(str(exc.args[0]), location) from None
