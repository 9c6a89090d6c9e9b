"""A schema after a migration's SQL, without a database: each statement applied to the schema model, and the
differences between two descriptions of one schema in words.

`replay` reads a migration the way drizzle runs it (its split, each chunk parsed by libpg_query) and applies what it
models: tables, columns, constraints, indexes, enums, extensions and functions. Unnamed constraints and indexes get
the names PostgreSQL would choose (`users_pkey`, `users_email_key`, `posts_author_id_fkey`, `users_a_check`,
`posts_author_id_idx`), cut to 63 bytes the way the server cuts them. Statements it does not model, chunks
PostgreSQL's parser rejects, and statements that fail on an object that exists (CREATE TABLE, CREATE TYPE, ADD
CONSTRAINT of a name already there: drizzle 0.x runs them in DO blocks that swallow the error) change nothing.
`compare` lists how a replayed schema and drizzle's snapshot (or the live catalog) disagree, for the finding "the
snapshot does not match the SQL" (a hand-edited migration).

Known gaps (each needs a fact the model does not keep): an index's columns, so dropping a column drops the
constraints that name it but not the plain indexes on it, a partition gets its parent's columns, CHECKs, keys and
foreign keys but not its plain indexes, and ADD … USING INDEX cannot name the constraint's columns; a function's
overloads are not told apart; a CHECK's expression keeps a renamed column's old name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from neontui.core.drizzle.journal import split_statements
from neontui.core.schema import Column, Constraint, ConstraintKind, Schema, Table, TableKey, Volatility
from neontui.core.schema.names import NAME_BYTES, SERIALS, clip, object_name, regclass_text
from neontui.core.sql.nodes import names, object_key, qualified, rel
from neontui.core.sql.parse import SqlSyntaxError, parse, parse_tree
from neontui.core.sql.statements import UnsupportedBody, declared_volatility, do_body_sql
from neontui.core.sql.types import SqlType, parse_type, type_text

Node = dict[str, Any]

_INDEX_KINDS = {ConstraintKind.PRIMARY, ConstraintKind.UNIQUE, ConstraintKind.EXCLUSION}
# What drizzle's snapshots describe; NOT NULL constraints (PostgreSQL 18) are compared as the columns' not_null.
_COMPARED_KINDS = {ConstraintKind.PRIMARY, ConstraintKind.UNIQUE, ConstraintKind.FOREIGN, ConstraintKind.CHECK}
_KIND_WORDS = {ConstraintKind.PRIMARY: "a primary key", ConstraintKind.UNIQUE: "a unique constraint",
               ConstraintKind.FOREIGN: "a foreign key", ConstraintKind.CHECK: "a check constraint",
               ConstraintKind.EXCLUSION: "an exclusion constraint", ConstraintKind.NOT_NULL: "a not-null constraint"}


def replay(schema: Schema, text: str, *, origin: str) -> Schema:
    """`schema` after one migration file's SQL, as a new Schema described as `origin` (the input is not changed)."""
    run = _Run(schema, origin)
    for chunk in split_statements(text):
        run.chunk(chunk)
    return run.schema


# -- PostgreSQL's names ----------------------------------------------------------------------------------------------

def choose_name(name1: str, name2: str | None, label: str, taken: Callable[[str], bool]) -> str:
    """ChooseRelationName / ChooseConstraintName: the first of `label`, `label1`, `label2`… whose name is free."""
    name, number = object_name(name1, name2, label), 0
    while taken(name):
        number += 1
        name = object_name(name1, name2, f"{label}{number}")
    return name


def names_addition(names: Iterable[str]) -> str:
    """ChooseIndexNameAddition: the column names joined by `_`, stopping once past 63 bytes."""
    joined = ""
    for name in names:
        joined = f"{joined}_{clip(name)}" if joined else clip(name)
        if len(joined.encode()) >= NAME_BYTES + 1:
            break
    return joined


def index_column_names(elems: list[Node]) -> list[str]:
    """ChooseIndexColumnNames: a column's name, an expression's FigureColname (`lower`, `coalesce`) or `expr`, a
    repeated name numbered (`a`, `a1`)."""
    result: list[str] = []
    for elem in elems:
        original = elem.get("indexcolname") or elem.get("name") or _figure_colname(elem.get("expr")) or "expr"
        current, number = original, 0
        while current in result:
            number += 1
            current = clip(original, NAME_BYTES - len(str(number))) + str(number)
        result.append(current)
    return result


_NAMED_EXPRESSIONS = {"CoalesceExpr": "coalesce", "A_ArrayExpr": "array", "CaseExpr": "case", "RowExpr": "row"}


def _figure_colname(expr: Node | None) -> str | None:
    """FigureColnameInternal, for the expressions an index is built on."""
    if not expr:
        return None
    ((kind, body),) = expr.items()
    if kind == "ColumnRef":
        fields = [f["String"]["sval"] for f in body.get("fields", ()) if "String" in f]
        return fields[-1] if fields else None
    if kind == "FuncCall":
        return names(body.get("funcname"))[-1]
    if kind == "TypeCast":
        inner = body.get("arg")
        strong = inner and next(iter(inner)) in {"ColumnRef", "FuncCall"}
        return _figure_colname(inner) if strong else names(body["typeName"].get("names"))[-1]
    if kind == "CollateClause":
        return _figure_colname(body.get("arg"))
    if kind == "MinMaxExpr":
        return "greatest" if body.get("op") == "IS_GREATEST" else "least"
    return _NAMED_EXPRESSIONS.get(kind)


# -- reading nodes ---------------------------------------------------------------------------------------------------

def _column_refs(expr: Node | None) -> tuple[str, ...]:
    """The distinct columns an expression names, in order (a CHECK's conkey)."""
    found: list[str] = []
    stack: list[Any] = [expr]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            fields = item.get("ColumnRef", {}).get("fields")
            if fields is not None:
                name = [f["String"]["sval"] for f in fields if "String" in f][-1:]
                found.extend(n for n in name if n not in found)
            else:
                stack[:0] = list(item.values())
        elif isinstance(item, list):
            stack[:0] = item
    return tuple(found)


class _Expressions:
    """SQL text of the expressions in one chunk, printed by pglast from its own parse of the same text (JSON nodes
    cannot be printed): a node is found in pglast's tree by its path in the JSON tree, which has the same shape."""

    def __init__(self, chunk: str, stmts: list[Node]) -> None:
        self._chunk, self._stmts = chunk, stmts
        self._tree: tuple[Any, ...] | None = None

    def sql(self, node: Node) -> str:
        from pglast.stream import RawStream

        path = _path_to(self._stmts, node)
        if self._tree is None:
            self._tree = parse_tree(self._chunk)
        target: Any = self._tree
        for step in path or ():
            if isinstance(step, int):
                target = target[step]
            elif type(target).__name__ != step:  # a JSON wrapper ({"A_Expr": {…}}) is the pglast node itself
                target = getattr(target, step if hasattr(target, step) else step + "_")  # `def` is `def_`
        return str(RawStream()(target))


def _path_to(root: Any, node: Node) -> list[str | int] | None:
    stack: list[tuple[Any, list[str | int]]] = [(root, [])]
    while stack:
        item, path = stack.pop()
        if item is node:
            return path
        if isinstance(item, dict):
            stack.extend((value, [*path, key]) for key, value in item.items() if isinstance(value, dict | list))
        elif isinstance(item, list):
            stack.extend((value, [*path, i]) for i, value in enumerate(item) if isinstance(value, dict | list))
    return None


# -- the replay ------------------------------------------------------------------------------------------------------

@dataclass
class _Run:
    """The schema being built: tables are copied the first time a statement changes them, so the input stays
    as it was."""

    source: Schema
    origin: str
    schema: Schema = field(init=False)
    _copied: set[TableKey] = field(default_factory=set)
    _exprs: _Expressions | None = None

    def __post_init__(self) -> None:
        s = self.source
        self.schema = Schema(self.origin, dict(s.tables), {k: list(v) for k, v in s.enums.items()},
                             set(s.extensions), dict(s.functions), s.rows_known)

    # the chunks

    def chunk(self, chunk: str) -> None:
        try:
            stmts = parse(chunk)
        except SqlSyntaxError:
            return
        self._exprs = _Expressions(chunk, stmts)
        for raw in stmts:
            ((kind, node),) = raw["stmt"].items()
            if kind == "DoStmt":
                self._do(chunk, raw)
                continue
            handler = _HANDLERS.get(kind)
            if handler:
                handler(self, node)

    def _do(self, chunk: str, raw: Node) -> None:
        """A DO block's SQL statements, each as a chunk of its own (drizzle 0.x wraps enums and foreign keys in
        `DO $$ BEGIN … EXCEPTION WHEN duplicate_object THEN null; END $$`)."""
        start = raw.get("stmt_location", 0)
        text = chunk.encode()[start:start + raw["stmt_len"]].decode() if raw.get("stmt_len") else chunk
        try:
            body = do_body_sql(text, strict=False)
        except (SqlSyntaxError, ValueError, UnsupportedBody):
            return
        saved = self._exprs
        for statement in body:
            self.chunk(statement.sql)
        self._exprs = saved

    def expression(self, node: Node) -> str:
        assert self._exprs is not None
        return self._exprs.sql(node)

    # tables

    def table(self, key: TableKey) -> Table | None:
        """The table to change (copied on first change), None when the schema has no such table."""
        table = self.schema.tables.get(key)
        if table is None or key in self._copied:
            return table
        table = Table({n: replace(c) for n, c in table.columns.items()},
                      {n: replace(c) for n, c in table.constraints.items()}, set(table.indexes), table.partitioned,
                      table.rows)
        self.schema.tables[key] = table
        self._copied.add(key)
        return table

    def put(self, key: TableKey, table: Table) -> None:
        self.schema.tables[key] = table
        self._copied.add(key)

    def remove(self, key: TableKey) -> None:
        """A dropped table, and the foreign keys of other tables that pointed at it (gone with it or, without
        CASCADE, the DROP would have failed)."""
        self.schema.tables.pop(key, None)
        for other, table in list(self.schema.tables.items()):
            if any(c.references == key for c in table.constraints.values()):
                changed = self.table(other)
                assert changed is not None
                changed.constraints = {n: c for n, c in changed.constraints.items() if c.references != key}

    def relation_taken(self, schema: str) -> Callable[[str], bool]:
        def taken(name: str) -> bool:
            return any(key[0] == schema and (key[1] == name or name in t.indexes)
                       for key, t in self.schema.tables.items())
        return taken

    def constraint_taken(self, schema: str, also: Iterable[str] = ()) -> Callable[[str], bool]:
        extra = set(also)

        def taken(name: str) -> bool:
            return name in extra or any(key[0] == schema and name in t.constraints
                                        for key, t in self.schema.tables.items())
        return taken

    def index_owner(self, key: TableKey) -> TableKey | None:
        """The table of index `key` (schema, index name)."""
        return next((t for t, table in self.schema.tables.items() if t[0] == key[0] and key[1] in table.indexes),
                    None)


# -- CREATE TABLE and columns ----------------------------------------------------------------------------------------

def _create_table(run: _Run, node: Node) -> None:
    key = rel(node["relation"])
    if key in run.schema.tables:  # IF NOT EXISTS, or an error (swallowed in drizzle 0.x's DO blocks)
        return
    table = Table(partitioned="partspec" in node)
    run.put(key, table)
    parents = [rel(p["RangeVar"]) for p in node.get("inhRelations", ()) if "RangeVar" in p]
    if node.get("partbound") and parents:
        _inherit_partition(run, key, parents[0])
    elements = node.get("tableElts", ())
    for element in elements:
        if "ColumnDef" in element:
            _add_column(run, key, element["ColumnDef"], constraints=False)
    _create_constraints(run, key, elements)


def _create_constraints(run: _Run, key: TableKey, elements: list[Node]) -> None:
    """Named in the order PostgreSQL names them: CHECKs as the table is made, then the primary key, the unique
    constraints, and the foreign keys last."""
    pending: list[tuple[str | None, Node]] = []
    for element in elements:
        if "ColumnDef" in element:
            column = element["ColumnDef"]
            pending += [(column["colname"], c["Constraint"]) for c in column.get("constraints", ())
                        if "Constraint" in c]
        elif "Constraint" in element:
            pending.append((None, element["Constraint"]))
    order = ["CONSTR_CHECK", "CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_EXCLUSION", "CONSTR_FOREIGN"]
    for contype in order:
        for column, constraint in pending:
            if constraint["contype"] == contype:
                _add_constraint(run, key, constraint, column, creating=True)


def _inherit_partition(run: _Run, key: TableKey, parent_key: TableKey) -> None:
    """CREATE TABLE … PARTITION OF: the parent's columns, CHECKs and foreign keys (same names), and its primary
    key and unique constraints on indexes named for the partition."""
    parent, table = run.schema.tables.get(parent_key), run.table(key)
    if parent is None or table is None:
        return
    table.columns = {n: replace(c) for n, c in parent.columns.items()}
    _clone_constraints(run, key, parent)


def _clone_constraints(run: _Run, key: TableKey, parent: Table) -> None:
    table = run.table(key)
    assert table is not None
    for name, constraint in parent.constraints.items():
        if constraint.kind in (ConstraintKind.CHECK, ConstraintKind.FOREIGN):
            table.constraints.setdefault(name, replace(constraint))
        elif constraint.kind in _INDEX_KINDS and not any(
                c.kind is constraint.kind and c.columns == constraint.columns for c in table.constraints.values()):
            label = {ConstraintKind.PRIMARY: "pkey", ConstraintKind.UNIQUE: "key"}.get(constraint.kind, "excl")
            addition = None if constraint.kind is ConstraintKind.PRIMARY else names_addition(constraint.columns)
            child = choose_name(key[1], addition, label, run.relation_taken(key[0]))
            table.constraints[child] = replace(constraint)
            table.indexes.add(child)


def _add_column(run: _Run, key: TableKey, column_def: Node, *, constraints: bool = True) -> None:
    table = run.table(key)
    if table is None:
        return
    name, type_name = column_def["colname"], column_def["typeName"]
    column = Column(type_text(type_name))
    base = (names(type_name.get("names")) or [""])[-1]
    if base in SERIALS and not type_name.get("arrayBounds"):
        sequence = choose_name(key[1], name, "seq", run.relation_taken(key[0]))
        column = Column(SERIALS[base], not_null=True, default=f"nextval('{regclass_text(key[0], sequence)}'::regclass)")
    table.columns[name] = column
    for item in column_def.get("constraints", ()):
        constraint = item.get("Constraint", {})
        if constraint.get("contype") in _COLUMN_PROPERTIES:
            _COLUMN_PROPERTIES[constraint["contype"]](run, column, constraint)
        elif constraints and constraint:
            _add_constraint(run, key, constraint, name)


def _set_not_null(run: _Run, column: Column, constraint: Node) -> None:
    column.not_null = True


def _set_nullable(run: _Run, column: Column, constraint: Node) -> None:
    column.not_null = False


def _set_default(run: _Run, column: Column, constraint: Node) -> None:
    column.default = run.expression(constraint["raw_expr"]) if constraint.get("raw_expr") else None


def _set_identity(run: _Run, column: Column, constraint: Node) -> None:
    column.identity, column.not_null, column.default = True, True, None


def _set_generated(run: _Run, column: Column, constraint: Node) -> None:
    column.generated = run.expression(constraint["raw_expr"])


_COLUMN_PROPERTIES: dict[str, Callable[[_Run, Column, Node], None]] = {
    "CONSTR_NOTNULL": _set_not_null, "CONSTR_NULL": _set_nullable, "CONSTR_DEFAULT": _set_default,
    "CONSTR_IDENTITY": _set_identity, "CONSTR_GENERATED": _set_generated,
}


# -- constraints -----------------------------------------------------------------------------------------------------

_KINDS = {"CONSTR_PRIMARY": ConstraintKind.PRIMARY, "CONSTR_UNIQUE": ConstraintKind.UNIQUE,
          "CONSTR_CHECK": ConstraintKind.CHECK, "CONSTR_FOREIGN": ConstraintKind.FOREIGN,
          "CONSTR_EXCLUSION": ConstraintKind.EXCLUSION}


def _add_constraint(run: _Run, key: TableKey, node: Node, column: str | None = None, *,
                    creating: bool = False) -> None:
    """A table constraint, or a column constraint of `column`. NOT VALID counts only on an existing table: CREATE
    TABLE marks every constraint validated (the table is empty)."""
    kind = _KINDS.get(node.get("contype", ""))
    table = run.table(key)
    if kind is None or table is None:
        return
    if node.get("conname") in table.constraints:  # the ADD fails (drizzle 0.x's DO blocks swallow it)
        return
    columns = _constraint_columns(node, kind, column)
    if node.get("indexname"):  # ADD … USING INDEX: the index becomes the constraint's, renamed to its name
        columns = table.constraints.pop(node["indexname"], Constraint(kind)).columns or columns
        table.indexes.discard(node["indexname"])
    name = node.get("conname") or node.get("indexname") or _default_name(run, key, kind, columns)
    constraint = Constraint(kind, columns, validated=creating or not node.get("skip_validation"))
    if kind is ConstraintKind.CHECK:
        constraint.expression = f"({run.expression(node['raw_expr'])})"
    if kind is ConstraintKind.FOREIGN:
        constraint.references = rel(node["pktable"])
    table.constraints[name] = constraint
    if kind in _INDEX_KINDS:
        table.indexes.add(name)
    if kind is ConstraintKind.PRIMARY:
        for col in columns:
            if col in table.columns:
                table.columns[col].not_null = True


def _constraint_columns(node: Node, kind: ConstraintKind, column: str | None) -> tuple[str, ...]:
    if kind is ConstraintKind.CHECK:
        return _column_refs(node.get("raw_expr"))
    if kind is ConstraintKind.FOREIGN:
        return tuple(names(node.get("fk_attrs"))) or ((column,) if column else ())
    if kind is ConstraintKind.EXCLUSION:
        elems = [e["List"]["items"][0].get("IndexElem", {}) for e in node.get("exclusions", ()) if "List" in e]
        return tuple(e["name"] for e in elems if e.get("name"))
    return tuple(names(node.get("keys"))) or ((column,) if column else ())


def _default_name(run: _Run, key: TableKey, kind: ConstraintKind, columns: tuple[str, ...]) -> str:
    """The name PostgreSQL gives an unnamed constraint: `<table>_pkey`, `<table>_<cols>_key`/`_excl` (index names,
    free among the schema's relations), `<table>_<cols>_fkey`, `<table>_<col>_check` (one column) or
    `<table>_check` (free among the schema's constraints)."""
    schema, table = key
    if kind is ConstraintKind.PRIMARY:
        return choose_name(table, None, "pkey", run.relation_taken(schema))
    if kind in (ConstraintKind.UNIQUE, ConstraintKind.EXCLUSION):
        label = "key" if kind is ConstraintKind.UNIQUE else "excl"
        return choose_name(table, names_addition(columns), label, run.relation_taken(schema))
    if kind is ConstraintKind.FOREIGN:
        return choose_name(table, names_addition(columns), "fkey", run.constraint_taken(schema))
    return choose_name(table, columns[0] if len(columns) == 1 else None, "check", run.constraint_taken(schema))


def _drop_constraint(table: Table, name: str) -> None:
    constraint = table.constraints.pop(name, None)
    if constraint and constraint.kind in _INDEX_KINDS:
        table.indexes.discard(name)


# -- ALTER TABLE -----------------------------------------------------------------------------------------------------

def _alter_table(run: _Run, node: Node) -> None:
    if node.get("objtype", "OBJECT_TABLE") != "OBJECT_TABLE":
        return
    key = rel(node["relation"])
    for item in node.get("cmds", ()):
        cmd = item.get("AlterTableCmd", {})
        handler = _ALTER_COMMANDS.get(cmd.get("subtype", ""))
        if handler and key in run.schema.tables:
            handler(run, key, cmd)


def _cmd_add_column(run: _Run, key: TableKey, cmd: Node) -> None:
    column_def = cmd["def"]["ColumnDef"]
    if column_def["colname"] in run.schema.tables[key].columns:  # IF NOT EXISTS, or the ADD fails
        return
    _add_column(run, key, column_def)


def _cmd_drop_column(run: _Run, key: TableKey, cmd: Node) -> None:
    """The column, and the constraints that name it (with their indexes), as PostgreSQL drops them."""
    table = run.table(key)
    assert table is not None
    table.columns.pop(cmd["name"], None)
    for name, constraint in list(table.constraints.items()):
        if cmd["name"] in constraint.columns:
            _drop_constraint(table, name)


def _column_cmd(change: Callable[[_Run, Column, Node], None]) -> Callable[[_Run, TableKey, Node], None]:
    def apply(run: _Run, key: TableKey, cmd: Node) -> None:
        table = run.table(key)
        column = table.columns.get(cmd.get("name", "")) if table else None
        if column is not None:
            change(run, column, cmd)
    return apply


def _cmd_type(run: _Run, column: Column, cmd: Node) -> None:
    column.type = type_text(cmd["def"]["ColumnDef"]["typeName"])


def _cmd_default(run: _Run, column: Column, cmd: Node) -> None:
    column.default = run.expression(cmd["def"]) if cmd.get("def") else None


def _cmd_add_identity(run: _Run, column: Column, cmd: Node) -> None:
    _set_identity(run, column, cmd)


def _cmd_drop_identity(run: _Run, column: Column, cmd: Node) -> None:
    column.identity = False  # the column stays NOT NULL


def _cmd_drop_expression(run: _Run, column: Column, cmd: Node) -> None:
    column.generated = None


def _cmd_add_constraint(run: _Run, key: TableKey, cmd: Node) -> None:
    _add_constraint(run, key, cmd["def"]["Constraint"])


def _cmd_validate(run: _Run, key: TableKey, cmd: Node) -> None:
    table = run.table(key)
    constraint = table.constraints.get(cmd["name"]) if table else None
    if constraint:
        constraint.validated = True


def _cmd_drop_constraint(run: _Run, key: TableKey, cmd: Node) -> None:
    table = run.table(key)
    assert table is not None
    _drop_constraint(table, cmd["name"])


def _cmd_attach(run: _Run, key: TableKey, cmd: Node) -> None:
    """ATTACH PARTITION: the partition gets the parent's keys (an index made for it when it has none) and foreign
    keys; its columns and CHECKs must already match."""
    child = rel(cmd["def"]["PartitionCmd"]["name"])
    if child in run.schema.tables:
        _clone_constraints(run, child, run.schema.tables[key])


_ALTER_COMMANDS: dict[str, Callable[[_Run, TableKey, Node], None]] = {
    "AT_AddColumn": _cmd_add_column,
    "AT_DropColumn": _cmd_drop_column,
    "AT_AlterColumnType": _column_cmd(_cmd_type),
    "AT_SetNotNull": _column_cmd(_set_not_null),
    "AT_DropNotNull": _column_cmd(_set_nullable),
    "AT_ColumnDefault": _column_cmd(_cmd_default),
    "AT_AddIdentity": _column_cmd(_cmd_add_identity),
    "AT_DropIdentity": _column_cmd(_cmd_drop_identity),
    "AT_DropExpression": _column_cmd(_cmd_drop_expression),
    "AT_AddConstraint": _cmd_add_constraint,
    "AT_ValidateConstraint": _cmd_validate,
    "AT_DropConstraint": _cmd_drop_constraint,
    "AT_AttachPartition": _cmd_attach,
}


# -- indexes ---------------------------------------------------------------------------------------------------------

def _create_index(run: _Run, node: Node) -> None:
    key = rel(node["relation"])
    table = run.table(key)
    if table is None:
        return
    name = node.get("idxname")
    if name and run.relation_taken(key[0])(name):  # IF NOT EXISTS, or the CREATE fails
        return
    if not name:
        addition = names_addition(index_column_names([e["IndexElem"] for e in node.get("indexParams", ())]))
        name = choose_name(key[1], addition, "idx", run.relation_taken(key[0]))
    table.indexes.add(name)


def _drop(run: _Run, node: Node) -> None:
    handler = _DROPS.get(node.get("removeType", ""))
    if handler:
        for obj in node.get("objects", ()):
            handler(run, object_key(obj), node.get("behavior") == "DROP_CASCADE")


def _drop_table(run: _Run, key: TableKey, cascade: bool) -> None:
    run.remove(key)


def _drop_index(run: _Run, key: TableKey, cascade: bool) -> None:
    owner = run.index_owner(key)
    table = run.table(owner) if owner else None
    if table is not None:
        table.indexes.discard(key[1])


# -- types, extensions, functions, schemas ---------------------------------------------------------------------------

def _create_enum(run: _Run, node: Node) -> None:
    # An existing type makes CREATE TYPE fail: drizzle 0.x wraps it in a DO block that swallows duplicate_object.
    run.schema.enums.setdefault(qualified(node["typeName"]), names(node.get("vals")))


def _alter_enum(run: _Run, node: Node) -> None:
    labels = run.schema.enums.get(qualified(node["typeName"]))
    new = node.get("newVal")
    if labels is None or new is None:
        return
    if node.get("oldVal"):
        labels[:] = [new if label == node["oldVal"] else label for label in labels]
        return
    if new in labels:
        return
    neighbor = node.get("newValNeighbor")
    if neighbor in labels:
        labels.insert(labels.index(neighbor) + (1 if node.get("newValIsAfter") else 0), new)
    else:
        labels.append(new)


def _drop_type(run: _Run, key: TableKey, cascade: bool) -> None:
    """The enum, and with CASCADE the columns of that type (without, the DROP fails while a column uses it)."""
    run.schema.enums.pop(key, None)
    for table_key, table in list(run.schema.tables.items()):
        doomed = [n for n, c in table.columns.items() if _type_name(c.type) == key[1]]
        if doomed and cascade:
            changed = run.table(table_key)
            assert changed is not None
            for name in doomed:
                _cmd_drop_column(run, table_key, {"name": name})


def _type_name(text: str) -> str:
    return parse_type(text)[0].removesuffix("[]")


def _create_extension(run: _Run, node: Node) -> None:
    run.schema.extensions.add(node["extname"])


def _drop_extension(run: _Run, key: TableKey, cascade: bool) -> None:
    run.schema.extensions.discard(key[1])


def _create_function(run: _Run, node: Node) -> None:
    """Its declared volatility, VOLATILE when it declares none. CREATE OR REPLACE replaces what the name had; a
    plain CREATE of a name that exists is another overload, and the name keeps the most volatile of them."""
    if node.get("is_procedure"):
        return
    key = qualified(node.get("funcname"))
    volatility = declared_volatility(node)
    old = run.schema.functions.get(key)
    if old is not None and not node.get("replace"):
        volatility = max(old, volatility, key=list(Volatility).index)
    run.schema.functions[key] = volatility


def _drop_function(run: _Run, key: TableKey, cascade: bool) -> None:
    run.schema.functions.pop(key, None)


def _drop_schema(run: _Run, key: TableKey, cascade: bool) -> None:
    name = key[1]
    for table in [k for k in run.schema.tables if k[0] == name]:
        run.remove(table)
    run.schema.enums = {k: v for k, v in run.schema.enums.items() if k[0] != name}
    run.schema.functions = {k: v for k, v in run.schema.functions.items() if k[0] != name}


_DROPS: dict[str, Callable[[_Run, TableKey, bool], None]] = {
    "OBJECT_TABLE": _drop_table, "OBJECT_INDEX": _drop_index, "OBJECT_TYPE": _drop_type,
    "OBJECT_EXTENSION": _drop_extension, "OBJECT_FUNCTION": _drop_function, "OBJECT_SCHEMA": _drop_schema,
}


# -- renames and moves -----------------------------------------------------------------------------------------------

def _rename(run: _Run, node: Node) -> None:
    kind, new = node.get("renameType"), node["newname"]
    if kind == "OBJECT_TYPE":
        _move_type(run, object_key(node["object"]), (object_key(node["object"])[0], new))
        return
    key = rel(node["relation"]) if node.get("relation") else ("public", "")
    if kind == "OBJECT_TABLE" and key in run.schema.tables:
        _move_table(run, key, (key[0], new))
    elif kind in ("OBJECT_INDEX", "OBJECT_TABLE"):  # ALTER TABLE also renames an index
        _rename_index(run, key, new)
    elif kind == "OBJECT_COLUMN":
        _rename_column(run, key, node["subname"], new)
    elif kind == "OBJECT_TABCONSTRAINT":
        table = run.table(key)
        constraint = table.constraints.get(node["subname"]) if table else None
        if table and constraint:
            _rename_constraint(table, node["subname"], new)


def _rename_constraint(table: Table, old: str, new: str) -> None:
    """A constraint and the index it owns (primary key, unique, exclusion) share one name: renaming either renames
    both."""
    table.constraints = {new if n == old else n: c for n, c in table.constraints.items()}
    if old in table.indexes:
        table.indexes.discard(old)
        table.indexes.add(new)


def _rename_index(run: _Run, key: TableKey, new: str) -> None:
    owner = run.index_owner(key)
    table = run.table(owner) if owner else None
    if table is not None:
        _rename_constraint(table, key[1], new)


def _rename_column(run: _Run, key: TableKey, old: str, new: str) -> None:
    table = run.table(key)
    if table is None or old not in table.columns:
        return
    table.columns = {new if n == old else n: c for n, c in table.columns.items()}
    for constraint in table.constraints.values():
        constraint.columns = tuple(new if c == old else c for c in constraint.columns)


def _move_table(run: _Run, old: TableKey, new: TableKey) -> None:
    """RENAME TO / SET SCHEMA: the table (its indexes and constraints go with it), and the foreign keys that
    point at it."""
    table = run.table(old)
    assert table is not None
    del run.schema.tables[old]
    run.put(new, table)
    for other, other_table in list(run.schema.tables.items()):
        if any(c.references == old for c in other_table.constraints.values()):
            changed = run.table(other)
            assert changed is not None
            for constraint in changed.constraints.values():
                if constraint.references == old:
                    constraint.references = new


def _move_type(run: _Run, old: TableKey, new: TableKey) -> None:
    """An enum renamed or moved: the enum, and the columns that use it (their type text names it)."""
    if old not in run.schema.enums:
        return
    run.schema.enums[new] = run.schema.enums.pop(old)
    if old[1] == new[1]:
        return
    for key, table in list(run.schema.tables.items()):
        for name, column in table.columns.items():
            if _type_name(column.type) == old[1]:
                changed = run.table(key)
                assert changed is not None
                changed.columns[name].type = _renamed_type(column.type, new)


def _renamed_type(text: str, new: TableKey) -> str:
    base, mods = parse_type(text)
    quoted = '"' + new[1].replace('"', '""') + '"'
    name = quoted if new[0] == "public" else f'"{new[0]}".{quoted}'
    return name + (f"({', '.join(map(str, mods))})" if mods else "") + ("[]" if base.endswith("[]") else "")


def _set_schema(run: _Run, node: Node) -> None:
    kind, schema = node.get("objectType"), node["newschema"]
    if kind == "OBJECT_TABLE" and node.get("relation"):
        key = rel(node["relation"])
        if key in run.schema.tables:
            _move_table(run, key, (schema, key[1]))
    elif kind == "OBJECT_TYPE" and node.get("object"):
        key = object_key(node["object"])
        _move_type(run, key, (schema, key[1]))


_HANDLERS: dict[str, Callable[[_Run, Node], None]] = {
    "CreateStmt": _create_table, "AlterTableStmt": _alter_table, "IndexStmt": _create_index, "DropStmt": _drop,
    "CreateEnumStmt": _create_enum, "AlterEnumStmt": _alter_enum, "CreateExtensionStmt": _create_extension,
    "CreateFunctionStmt": _create_function, "RenameStmt": _rename, "AlterObjectSchemaStmt": _set_schema,
}


# -- comparing two descriptions --------------------------------------------------------------------------------------

def compare(replayed: Schema, described: Schema) -> list[str]:
    """How `described` (drizzle's snapshot, or the live catalog) differs from `replayed` (the SQL), one sentence
    per difference, for what drizzle's snapshots describe: tables, columns (type, NOT NULL, whether a default),
    constraints (name, kind, columns), indexes, enum labels. Types are compared as parse_type reads them, a serial
    as the integer with a sequence default it is."""
    words = described.origin
    out: list[str] = []
    for key in sorted(replayed.tables.keys() | described.tables.keys()):
        mine, theirs = replayed.tables.get(key), described.tables.get(key)
        if mine is None:
            out.append(f"table {_show(key)} is in {words} but the SQL never creates it")
        elif theirs is None:
            out.append(f"table {_show(key)} is created by the SQL but is not in {words}")
        else:
            out += _compare_table(_show(key), mine, theirs, words)
    for key in sorted(replayed.enums.keys() | described.enums.keys()):
        out += _compare_enum(key, replayed.enums.get(key), described.enums.get(key), words)
    return out


def _show(key: TableKey) -> str:
    schema, name = key
    return f'"{name}"' if schema == "public" else f'"{schema}"."{name}"'


def _compare_table(table: str, mine: Table, theirs: Table, words: str) -> Iterator[str]:
    for name in [*mine.columns, *(n for n in theirs.columns if n not in mine.columns)]:
        where = f'column {table}."{name}"'
        a, b = mine.columns.get(name), theirs.columns.get(name)
        if a is None:
            yield f"{where} is in {words} but the SQL never creates it"
        elif b is None:
            yield f"{where} is created by the SQL but is not in {words}"
        else:
            yield from _compare_column(where, a, b, words)
    mine_c = {n: c for n, c in mine.constraints.items() if c.kind in _COMPARED_KINDS}
    theirs_c = {n: c for n, c in theirs.constraints.items() if c.kind in _COMPARED_KINDS}
    _pair_primary_keys(mine_c, theirs_c)
    for name in sorted(mine_c.keys() | theirs_c.keys()):
        yield from _compare_constraint(f'constraint "{name}" on {table}', mine_c.get(name), theirs_c.get(name), words)
    owned = {n for t in (mine, theirs) for n, c in t.constraints.items() if c.kind in _INDEX_KINDS}
    for name in sorted((mine.indexes ^ theirs.indexes) - owned):
        side = "is made by the SQL but is not in" if name in mine.indexes else "is in"
        tail = "" if name in mine.indexes else " but the SQL never makes it"
        yield f'index "{name}" on {table} {side} {words}{tail}'


def _pair_primary_keys(mine: dict[str, Constraint], theirs: dict[str, Constraint]) -> None:
    """One primary key each, on the same columns, under two names: the same key. A 0.x snapshot does not store the
    name of a column's `primaryKey()` (a reader can only assume `<table>_pkey`), and PostgreSQL keeps the old name
    when the table is renamed (`user_temp` → `user` keeps `user_temp_pkey`)."""
    a = [n for n, c in mine.items() if c.kind is ConstraintKind.PRIMARY]
    b = [n for n, c in theirs.items() if c.kind is ConstraintKind.PRIMARY]
    if len(a) == 1 and len(b) == 1 and a != b and (
            not mine[a[0]].columns or not theirs[b[0]].columns or mine[a[0]].columns == theirs[b[0]].columns):
        del mine[a[0]], theirs[b[0]]


def _column_facts(column: Column) -> tuple[SqlType, bool, bool]:
    """(type, not null, has a default), a serial spelled out as PostgreSQL stores it."""
    base, mods = parse_type(column.type)
    if base in SERIALS:
        return (parse_type(SERIALS[base])[0], mods), True, True
    return (base, mods), column.not_null, column.default is not None


def _compare_column(where: str, mine: Column, theirs: Column, words: str) -> Iterator[str]:
    (type_a, null_a, default_a), (type_b, null_b, default_b) = _column_facts(mine), _column_facts(theirs)
    if type_a != type_b:
        yield f"{where}: the SQL makes it {mine.type}, {words} says {theirs.type}"
    if null_a != null_b:
        yield (f"{where}: the SQL makes it {'NOT NULL' if null_a else 'nullable'}, "
               f"{words} says {'NOT NULL' if null_b else 'nullable'}")
    if default_a != default_b:
        yield (f"{where}: the SQL gives it {'a default' if default_a else 'no default'}, "
               f"{words} says {'it has one' if default_b else 'none'}")


def _compare_constraint(where: str, mine: Constraint | None, theirs: Constraint | None,
                        words: str) -> Iterator[str]:
    if mine is None:
        yield f"{where} is in {words} but the SQL never makes it"
    elif theirs is None:
        yield f"{where} is made by the SQL but is not in {words}"
    elif mine.kind is not theirs.kind:
        yield f"{where}: the SQL makes it {_KIND_WORDS[mine.kind]}, {words} says {_KIND_WORDS[theirs.kind]}"
    elif mine.columns and theirs.columns and mine.columns != theirs.columns:
        yield f"{where}: the SQL puts it on ({', '.join(mine.columns)}), {words} on ({', '.join(theirs.columns)})"
    elif mine.references and theirs.references and mine.references != theirs.references:
        yield f"{where}: the SQL makes it reference {_show(mine.references)}, {words} {_show(theirs.references)}"


def _compare_enum(key: TableKey, mine: list[str] | None, theirs: list[str] | None, words: str) -> Iterator[str]:
    if mine is None:
        yield f"enum {_show(key)} is in {words} but the SQL never creates it"
    elif theirs is None:
        yield f"enum {_show(key)} is created by the SQL but is not in {words}"
    elif sorted(mine) == sorted(theirs):
        # drizzle-kit 0.x itself appends a value added mid-list (ADD VALUE without BEFORE) yet snapshots the
        # declared order: the same labels in another order is what drizzle generates, not a hand edit
        return
    elif mine != theirs:
        yield f"enum {_show(key)}: the SQL gives it labels {', '.join(mine)}; {words} says {', '.join(theirs)}"
