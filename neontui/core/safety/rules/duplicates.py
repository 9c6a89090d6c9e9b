"""duplicate-column-assignment: a column declared, assigned or named twice, which PostgreSQL rejects.

What PostgreSQL rejects (corpus cases 136-150, each statement run on a real server by tests/db/test_safety_pg_facts.py):
- a column declared twice in CREATE TABLE, CREATE FOREIGN TABLE or CREATE TYPE … AS (…), or added twice by one ALTER
  TABLE unless the later ADD COLUMN says IF NOT EXISTS (42701);
- a column of INSERT's or MERGE … INSERT's list, or of an UPDATE / MERGE … UPDATE / ON CONFLICT DO UPDATE SET, named
  twice when at least one of them is the whole column (42701 for INSERT lists, 42601 for SET). Sub-field and
  subscript assignments (`SET c.x = 1, c.y = 2`, `arr[1] = 1, arr[1] = 2`, `INSERT (c.x, c.y)`) are combined and
  legal, even on the same field or element;
- two output columns of the same name in a view, a materialized view, CREATE TABLE … AS or SELECT … INTO (42701),
  the names as PostgreSQL figures them (`SELECT 1, 2` is two columns named "?column?").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from neontui.core.safety.engine import Node, Statement, TableKey
from neontui.core.safety.rules.nodes import names, qualified, rel, show

NO_NAME = "?column?"  # PostgreSQL's name for an output column it cannot name
_STAR = "*"  # `t.*`: expands to columns whose names only the schema knows
# Expressions PostgreSQL does not name (FigureColnameInternal's default); A_Expr is handled apart (NULLIF is named).
_UNNAMED = {"A_Const", "BoolExpr", "NullTest", "BooleanTest"}
_FIXED = {"CoalesceExpr": "coalesce", "A_ArrayExpr": "array", "RowExpr": "row", "GroupingFunc": "grouping"}


def declared(stmt: Statement, table: TableKey, elements: Iterable[Node] | None) -> None:
    """Column definitions (CREATE TABLE, CREATE FOREIGN TABLE, CREATE TYPE … AS) naming one column twice."""
    counted = Counter(e["ColumnDef"].get("colname", "") for e in elements or () if "ColumnDef" in e)
    for name, n in counted.items():
        if name and n > 1:
            stmt.report("duplicate-column-assignment", f'column "{name}" is declared {n} times in {show(table)}')


def added(stmt: Statement, table: TableKey, commands: Iterable[Node]) -> None:
    """ALTER TABLE … ADD COLUMN a, ADD COLUMN a: the second fails unless it says IF NOT EXISTS (then it is skipped)."""
    seen: Counter[str] = Counter()
    failing: set[str] = set()
    for cmd in commands:
        if cmd.get("subtype") == "AT_AddColumn" and (name := cmd.get("def", {}).get("ColumnDef", {}).get("colname")):
            if seen[name] and not cmd.get("missing_ok"):
                failing.add(name)
            seen[name] += 1
    for name in sorted(failing):
        stmt.report("duplicate-column-assignment", f'column "{name}" is added {seen[name]} times to {show(table)}')


def assigned(stmt: Statement, targets: list[Node] | None, table: TableKey) -> None:
    """An INSERT column list or a SET list naming a column twice, one of them the whole column."""
    counted: Counter[str] = Counter()
    whole: set[str] = set()
    for target in targets or ():
        res = target.get("ResTarget", {})
        if name := res.get("name"):
            counted[name] += 1
            if not res.get("indirection"):
                whole.add(name)
    for name, n in counted.items():
        if n > 1 and name in whole:
            stmt.report("duplicate-column-assignment", f'column "{name}" of {show(table)} is assigned {n} times')


def merge(stmt: Statement, node: Node) -> None:
    table = rel(node["relation"])
    for clause in node.get("mergeWhenClauses", ()):
        assigned(stmt, clause.get("MergeWhenClause", {}).get("targetList"), table)


def create_foreign_table(stmt: Statement, node: Node) -> None:
    base = node.get("base", {})
    declared(stmt, rel(base.get("relation", {})), base.get("tableElts"))


def composite_type(stmt: Statement, node: Node) -> None:
    declared(stmt, rel(node.get("typevar", {})), node.get("coldeflist"))


def view(stmt: Statement, node: Node) -> None:
    output_columns(stmt, rel(node["view"]), names(node.get("aliases")), node.get("query", {}), "view")


def table_as(stmt: Statement, node: Node) -> None:
    into = node.get("into", {})
    what = "materialized view" if node.get("objtype") == "OBJECT_MATVIEW" else "table"
    output_columns(stmt, rel(into.get("rel", {})), names(into.get("colNames")), node.get("query", {}), what)


def select_into(stmt: Statement, node: Node) -> None:
    if into := node.get("intoClause"):
        output_columns(stmt, rel(into.get("rel", {})), names(into.get("colNames")), {"SelectStmt": node}, "table")


def output_columns(stmt: Statement, target: TableKey, aliases: list[str], query: Node, what: str) -> None:
    """The column list names the first columns; the query's own names (its leftmost SELECT's) the rest."""
    figured = query_names(query)
    if figured is None:
        return  # CREATE TABLE … AS EXECUTE: the prepared statement is not in the file
    if _STAR in figured[:len(aliases)]:
        columns = list(aliases)  # a star covered by the list: where the list ends among the columns is unknown
    else:
        columns = aliases + [n for n in figured[len(aliases):] if n is not None and n != _STAR]
    for name, n in Counter(columns).items():
        if n > 1:
            stmt.report("duplicate-column-assignment", f'{what} {show(target)} has {n} columns named "{name}"; '
                        "give each its own name (AS …)")


def query_names(query: Node) -> list[str | None] | None:
    """The output names of a query; UNION / INTERSECT / EXCEPT take them from the leftmost SELECT."""
    select = query.get("SelectStmt")
    if select is None:
        return None
    while select.get("larg"):
        select = select["larg"].get("SelectStmt", select["larg"])
    return [output_name(t["ResTarget"]) for t in select.get("targetList", ()) if "ResTarget" in t]


def output_name(target: Node) -> str | None:
    """The name PostgreSQL gives a SELECT output column (FigureColname): None when only the schema could tell,
    "*" for a star."""
    if name := target.get("name"):
        return str(name)
    name, strength = _figure(target.get("val", {}))
    return NO_NAME if strength == 0 else name


def _figure(node: Node) -> tuple[str | None, int]:
    """(name, strength) as PostgreSQL's FigureColnameInternal: 2 a real name, 1 a fallback (a cast's type, "case"),
    0 unnamed ("?column?"); -1: an expression this reader does not name (None) or a star ("*")."""
    kind, body = next(iter(node.items()), ("", {}))
    if kind in _FIXED:
        return _FIXED[kind], 2
    if kind in _UNNAMED:
        return None, 0
    reader = _READERS.get(kind)
    return reader(body) if reader else (None, -1)


def _field(body: Node) -> tuple[str | None, int]:
    """A column reference or `(row).field`: the last field name; a star expands to columns named elsewhere."""
    parts = body.get("fields") or body.get("indirection") or ()
    if any("A_Star" in p for p in parts):
        return _STAR, -1
    fields = [p["String"]["sval"] for p in parts if "String" in p]
    if fields:
        return fields[-1], 2
    return _figure(body["arg"]) if "arg" in body else (None, -1)  # `arr[1]`: the array's name


def _fallback(inner: tuple[str | None, int], name: str) -> tuple[str | None, int]:
    return inner if inner[1] == 2 or inner[1] < 0 else (name, 1)


def _sublink(body: Node) -> tuple[str | None, int]:
    kind = body.get("subLinkType")
    if kind in ("EXISTS_SUBLINK", "ARRAY_SUBLINK"):
        return kind.removesuffix("_SUBLINK").lower(), 2
    if kind != "EXPR_SUBLINK":
        return None, 0  # `x = ANY (SELECT …)`
    inner = query_names(body.get("subselect", {})) or [None]
    return (inner[0], 2) if inner[0] not in (None, _STAR) else (None, -1)  # `(SELECT a …)` is named "a"


_READERS = {
    "ColumnRef": _field, "A_Indirection": _field,
    "FuncCall": lambda b: (qualified(b.get("funcname"))[1], 2),
    "MinMaxExpr": lambda b: ("greatest" if b.get("op") == "IS_GREATEST" else "least", 2),
    "A_Expr": lambda b: ("nullif", 2) if b.get("kind") == "AEXPR_NULLIF" else (None, 0),
    "CollateClause": lambda b: _figure(b.get("arg", {})),
    "TypeCast": lambda b: _fallback(_figure(b.get("arg", {})), qualified(b["typeName"].get("names"))[1]),
    "CaseExpr": lambda b: _fallback(_figure(b.get("defresult") or {"A_Const": {}}), "case"),
    "SubLink": _sublink,
}
