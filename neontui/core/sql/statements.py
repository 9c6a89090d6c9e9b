"""Facts about statements that several parts of neontui need, each computed in exactly one place."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from neontui.core.schema import Volatility
from neontui.core.sql import builtin_functions, versions
from neontui.core.sql.parse import SqlSyntaxError, parse, parse_plpgsql

DEFAULT_SCHEMA = "public"
# DROP statements name their objects as lists of strings, not RangeVars; these drop (and lock) a relation.
_DROP_RELATION_TYPES = frozenset({"OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"})


def statement_summary(text: str, width: int = 100) -> str:
    """A statement as one line in logs and lists: its first line that is not blank or a comment, cut to `width`."""
    first = next((line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("--")), "")
    return first if len(first) <= width else first[:width - 1] + "…"


# Utility statements PostgreSQL refuses in a transaction block whatever their options.
_NEVER_IN_TRANSACTION = frozenset({"CreatedbStmt", "DropdbStmt", "AlterSystemStmt", "CreateTableSpaceStmt",
                                   "DropTableSpaceStmt"})


_REINDEX_MANY = frozenset({"REINDEX_OBJECT_SCHEMA", "REINDEX_OBJECT_DATABASE", "REINDEX_OBJECT_SYSTEM"})


def option_enabled(options: Iterable[dict[str, Any]] | None, name: str) -> bool:
    """Is a boolean option of VACUUM (FULL …) or REINDEX (CONCURRENTLY …) on, as PostgreSQL's defGetBoolean reads it:
    no value, TRUE / ON (any case) or 1 is on, FALSE / OFF or 0 off, and the last mention wins. Any other value
    (yes, 't', 2) fails the statement, so it is not counted as on."""
    enabled = False
    for option in options or ():
        item = option.get("DefElem", {})
        if item.get("defname") == name:
            value = item.get("arg")
            if value is None:
                enabled = True
            elif "Integer" in value:
                enabled = value["Integer"].get("ival", 0) == 1  # libpg_query's JSON leaves out an ival of 0
            else:
                enabled = str(value.get("String", {}).get("sval", "")).lower() in ("true", "on")
    return enabled


def no_transaction(node_type: str, node: dict[str, Any], server_version: int) -> bool:
    """Would PostgreSQL refuse this parsed statement inside a transaction block (25001)? Version gates: versions.py."""
    if node_type in ("IndexStmt", "DropStmt"):
        return bool(node.get("concurrent"))
    if node_type == "ReindexStmt":  # SCHEMA, DATABASE and SYSTEM refuse a transaction block even without it
        return node.get("kind") in _REINDEX_MANY or option_enabled(node.get("params"), "concurrently")
    if node_type == "VacuumStmt":
        return bool(node.get("is_vacuumcmd"))
    if node_type == "AlterTableStmt":
        return any(c.get("AlterTableCmd", {}).get("def", {}).get("PartitionCmd", {}).get("concurrent")
                   for c in node.get("cmds", ()))
    if node_type == "AlterEnumStmt":  # ADD VALUE; RENAME VALUE (oldVal → newVal) always runs in a transaction
        adds = bool(node.get("newVal")) and not node.get("oldVal")
        return adds and not versions.enum_add_value_in_transaction(server_version)
    return node_type in _NEVER_IN_TRANSACTION


def declared_volatility(create_function: dict[str, Any]) -> Volatility:
    """The volatility a CreateFunctionStmt declares; VOLATILE when it declares none (CREATE FUNCTION's default)."""
    for option in create_function.get("options") or ():
        item = option.get("DefElem", {})
        if item.get("defname") == "volatility":
            word = item.get("arg", {}).get("String", {}).get("sval", "volatile")
            return {"immutable": Volatility.IMMUTABLE, "stable": Volatility.STABLE}.get(word, Volatility.VOLATILE)
    return Volatility.VOLATILE


def builtin_volatility(name: str) -> Volatility | None:
    """The volatility of the pg_catalog function `name` (as PostgreSQL stores it); None: not built in."""
    for volatility, names in ((Volatility.VOLATILE, builtin_functions.VOLATILE),
                              (Volatility.STABLE, builtin_functions.STABLE),
                              (Volatility.IMMUTABLE, builtin_functions.IMMUTABLE)):
        if name in names:
            return volatility
    return None


def touched_tables(statements: Iterable[str]) -> set[tuple[str, str]]:
    """(schema, table) of every relation the SQL names; unqualified names count as "public".

    From pglast's JSON parse tree: every RangeVar (FROM, ALTER TABLE, CREATE INDEX ON, REFERENCES, TRUNCATE…) plus
    the relations of DROP TABLE/VIEW. Text that does not parse is skipped, and so are DO blocks and function bodies
    (their SQL is a string). A WITH query's name is not a table (an unqualified reference to it is left out); the
    names of tables the SQL creates are included: harmless, nothing locks them.
    """
    found: set[tuple[str, str]] = set()
    for text in statements:
        try:
            tree = parse(text)
        except SqlSyntaxError:
            continue
        found.update(_relations(tree, cte_names(tree)))
    return found


def cte_names(tree: Any) -> frozenset[str]:
    """The names of every WITH query in a parse tree (`WITH inserted AS (…)`): unqualified, they are not tables."""
    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            cte = node.get("CommonTableExpr")
            if isinstance(cte, dict) and isinstance(cte.get("ctename"), str):
                found.add(cte["ctename"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(found)


def range_var_key(node: dict[str, Any], ctes: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """(schema, table) a RangeVar names (unqualified: "public"); None for an unqualified WITH query's name."""
    schema = node.get("schemaname")
    if not (isinstance(schema, str) and schema) and node["relname"] in ctes:
        return None
    return (schema if isinstance(schema, str) and schema else DEFAULT_SCHEMA, node["relname"])


def _relations(node: Any, ctes: frozenset[str]) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if isinstance(node.get("relname"), str):  # a RangeVar, wrapped ({"RangeVar": {…}}) or not (as a typed field)
            key = range_var_key(node, ctes)
            if key is not None:
                yield key
        drop = node.get("DropStmt")
        if isinstance(drop, dict) and drop.get("removeType") in _DROP_RELATION_TYPES:
            yield from _dropped(drop.get("objects", []))
        for value in node.values():
            yield from _relations(value, ctes)
    elif isinstance(node, list):
        for value in node:
            yield from _relations(value, ctes)


def _dropped(objects: Any) -> Iterator[tuple[str, str]]:
    for obj in objects if isinstance(objects, list) else ():
        items = obj.get("List", {}).get("items", []) if isinstance(obj, dict) else []
        names = [i["String"]["sval"] for i in items if isinstance(i, dict) and "String" in i]
        if len(names) == 1:
            yield (DEFAULT_SCHEMA, names[0])
        elif len(names) >= 2:  # schema.table, or db.schema.table
            yield (names[-2], names[-1])


@dataclass(frozen=True)
class BodyStatement:
    """One SQL statement that the PL/pgSQL body of a DO block runs."""

    sql: str
    guarded: bool  # inside BEGIN … EXCEPTION: its error may be swallowed, so it may have done nothing
    conditional: bool  # inside IF/ELSIF/ELSE: it may not have run at all


class UnsupportedBody(Exception):
    """A PL/pgSQL statement whose effect is not plain SQL (a loop, EXECUTE…); args[0] names its kind."""


# PL/pgSQL statements that change nothing themselves (their SQL is a SELECT or an expression).
_PLPGSQL_INERT = frozenset({"PLpgSQL_stmt_return", "PLpgSQL_stmt_perform", "PLpgSQL_stmt_raise",
                            "PLpgSQL_stmt_assert", "PLpgSQL_stmt_assign"})


def do_body_sql(do_statement: str, *, strict: bool) -> list[BodyStatement]:
    """The SQL statements a DO block runs, in the order they appear in its body.

    `strict` raises UnsupportedBody at a loop, EXECUTE or the like (whoever inverts the SQL can only handle
    straight-line code); otherwise the SQL inside those is listed too, and so is the SQL of exception handlers
    (the review lints whatever may run). Raises SqlSyntaxError (or ValueError, for a body in another language) when
    the body does not parse.
    """
    (function,) = parse_plpgsql(do_statement)
    return list(_body_sql([function["PLpgSQL_function"]["action"]], strict, False, False))


def _body_sql(stmts: Sequence[dict[str, Any]], strict: bool, guarded: bool,
              conditional: bool) -> Iterator[BodyStatement]:
    for item in stmts:
        ((kind, body),) = item.items()
        if kind == "PLpgSQL_stmt_execsql":
            yield BodyStatement(body["sqlstmt"]["PLpgSQL_expr"]["query"], guarded, conditional)
        elif kind == "PLpgSQL_stmt_block":
            yield from _body_sql(body.get("body", ()), strict, guarded or "exceptions" in body, conditional)
            if not strict:
                yield from _nested_sql(body.get("exceptions", ()))
        elif kind == "PLpgSQL_stmt_if":
            branches = [body.get("then_body", ())]
            branches += [b["PLpgSQL_if_elsif"].get("stmts", ()) for b in body.get("elsif_list", ())]
            branches.append(body.get("else_body", ()))
            for branch in branches:
                yield from _body_sql(branch, strict, guarded, True)
        elif kind not in _PLPGSQL_INERT:
            if strict:
                raise UnsupportedBody(kind.removeprefix("PLpgSQL_stmt_"))
            yield from _nested_sql(body)


def _nested_sql(node: Any) -> Iterator[BodyStatement]:
    """Every SQL statement anywhere under `node` (loop bodies, exception handlers), in document order."""
    if isinstance(node, dict):
        query = node.get("PLpgSQL_stmt_execsql", {}).get("sqlstmt", {}).get("PLpgSQL_expr", {}).get("query")
        if isinstance(query, str):
            yield BodyStatement(query, guarded=True, conditional=True)
            return
        for value in node.values():
            yield from _nested_sql(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nested_sql(value)
