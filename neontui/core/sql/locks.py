"""The table-level locks a statement will take, predicted from its text (PostgreSQL's rules, per command).

The batch view shows them before anything runs; a rehearsal observes the real ones (core.migrate.observe), and
tests/db/test_predicted_locks.py holds the two against each other on a real server. Only tables the statement
names are predicted: the table behind a DROP INDEX, or the ones a DROP TABLE's foreign keys point to, need the
catalog. Index locks are left out, as the observer leaves them out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from neontui.core.db.lock_modes import LOCK_MODES, rank
from neontui.core.sql import versions
from neontui.core.sql.parse import SqlSyntaxError, parse
from neontui.core.sql.statements import DEFAULT_SCHEMA, cte_names, range_var_key

ACCESS_EXCLUSIVE, EXCLUSIVE, SHARE_ROW_EXCLUSIVE, SHARE, SHARE_UPDATE_EXCLUSIVE, ROW_EXCLUSIVE, ROW_SHARE, \
    ACCESS_SHARE = LOCK_MODES

# ALTER TABLE subcommands that take less than ACCESS EXCLUSIVE (tablecmds.c, AlterTableGetLockLevel).
_ALTER_WEAKER = {
    "AT_SetStatistics": SHARE_UPDATE_EXCLUSIVE, "AT_ClusterOn": SHARE_UPDATE_EXCLUSIVE,
    "AT_DropCluster": SHARE_UPDATE_EXCLUSIVE, "AT_SetOptions": SHARE_UPDATE_EXCLUSIVE,
    "AT_ResetOptions": SHARE_UPDATE_EXCLUSIVE, "AT_SetRelOptions": SHARE_UPDATE_EXCLUSIVE,
    "AT_ResetRelOptions": SHARE_UPDATE_EXCLUSIVE, "AT_ValidateConstraint": SHARE_UPDATE_EXCLUSIVE,
    "AT_AttachPartition": SHARE_UPDATE_EXCLUSIVE, "AT_DetachPartitionFinalize": SHARE_UPDATE_EXCLUSIVE,
    "AT_EnableTrig": SHARE_ROW_EXCLUSIVE, "AT_EnableAlwaysTrig": SHARE_ROW_EXCLUSIVE,
    "AT_EnableReplicaTrig": SHARE_ROW_EXCLUSIVE, "AT_DisableTrig": SHARE_ROW_EXCLUSIVE,
    "AT_EnableTrigAll": SHARE_ROW_EXCLUSIVE, "AT_DisableTrigAll": SHARE_ROW_EXCLUSIVE,
    "AT_EnableTrigUser": SHARE_ROW_EXCLUSIVE, "AT_DisableTrigUser": SHARE_ROW_EXCLUSIVE,
}
_DML_TARGET = {"InsertStmt": ROW_EXCLUSIVE, "UpdateStmt": ROW_EXCLUSIVE, "DeleteStmt": ROW_EXCLUSIVE,
               "MergeStmt": ROW_EXCLUSIVE}
_DROPPED_RELATIONS = frozenset({"OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"})
_DROPPED_ON_TABLE = {"OBJECT_TRIGGER": ACCESS_EXCLUSIVE, "OBJECT_RULE": ACCESS_EXCLUSIVE,
                     "OBJECT_POLICY": ACCESS_EXCLUSIVE}  # their objects end in (…, table, name)
_RENAMED_INDEX = frozenset({"OBJECT_INDEX"})
_LOCK_STMT_MODES = {1: ACCESS_SHARE, 2: ROW_SHARE, 3: ROW_EXCLUSIVE, 4: SHARE_UPDATE_EXCLUSIVE, 5: SHARE,
                    6: SHARE_ROW_EXCLUSIVE, 7: EXCLUSIVE, 8: ACCESS_EXCLUSIVE}  # lockdefs.h numbering


@dataclass(frozen=True)
class TableLock:
    schema: str
    table: str
    mode: str  # one of LOCK_MODES

    @property
    def name(self) -> str:
        return self.table if self.schema == DEFAULT_SCHEMA else f"{self.schema}.{self.table}"


Key = tuple[str, str]
ForeignKeys = Mapping[Key, Mapping[str, Key]]  # table → its foreign keys: constraint name → the referenced table


def predicted_locks(text: str, server_version: int = 150000, foreign_keys: ForeignKeys | None = None
                    ) -> list[TableLock]:
    """The table-level locks `text` takes on the relations it names, the strongest per table, strongest first;
    [] for text that does not parse. Tables the statement itself creates are left out: nobody waits for them.

    With the live `foreign_keys` (schema_info.foreign_keys), dropping a foreign key or a table that has them also
    locks the referenced tables ACCESS EXCLUSIVE (their triggers go): the statement does not name those tables."""
    try:
        statements = parse(text)
    except SqlSyntaxError:
        return []
    best: dict[tuple[str, str], str] = {}
    for raw in statements:
        (node_type, node), = raw["stmt"].items()
        for key, mode in _statement_locks(node_type, node, server_version, foreign_keys or {}):
            if key not in best or rank(mode) < rank(best[key]):
                best[key] = mode
    return sorted((TableLock(s, t, m) for (s, t), m in best.items()), key=lambda lock: (rank(lock.mode), lock.name))


def _key(range_var: dict[str, Any]) -> Key:
    key = range_var_key(range_var)
    assert key is not None  # without WITH names to leave out, every RangeVar names a table
    return key


def _statement_locks(node_type: str, node: dict[str, Any], server_version: int,
                     foreign_keys: ForeignKeys) -> Iterator[tuple[Key, str]]:
    """The statement's own locks first; then ACCESS SHARE on every other relation it reads (subqueries, FROM)."""
    own = list(_own_locks(node_type, node, server_version))
    own += [(ref, ACCESS_EXCLUSIVE) for ref in _dropped_references(node_type, node, foreign_keys)]
    own += [(key, ROW_EXCLUSIVE) for key in _nested_writes(node)]
    yield from own
    named = {key for key, _ in own} | _subjects(node_type, node)
    ctes = cte_names(node)
    for key in _range_vars(node, ctes):
        if key not in named:
            yield key, ACCESS_SHARE


def _own_locks(node_type: str, node: dict[str, Any], server_version: int) -> Iterator[tuple[Key, str]]:
    handler = _HANDLERS.get(node_type)
    if node_type == "AlterTableStmt":
        yield from _alter_table(node, server_version)
    elif handler is not None:
        yield from handler(node)
    elif node_type in _DML_TARGET:
        yield _key(node["relation"]), _DML_TARGET[node_type]


def _alter_table(node: dict[str, Any], server_version: int) -> Iterator[tuple[Key, str]]:
    if node.get("objtype") not in ("OBJECT_TABLE", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"):
        return  # ALTER INDEX / SEQUENCE / VIEW: no table lock we can name
    table = _key(node["relation"])
    for item in node.get("cmds", ()):
        cmd = item.get("AlterTableCmd", {})
        subtype = cmd.get("subtype", "")
        constraint = cmd.get("def", {}).get("Constraint", {})
        if subtype == "AT_AddConstraint" and constraint.get("contype") == "CONSTR_FOREIGN":
            yield table, SHARE_ROW_EXCLUSIVE  # and the referenced table, found below with the column's REFERENCES
        elif subtype == "AT_DetachPartition" and cmd.get("def", {}).get("PartitionCmd", {}).get("concurrent"):
            yield table, SHARE_UPDATE_EXCLUSIVE
        elif subtype == "AT_AttachPartition" and not versions.attach_partition_share_update_exclusive(server_version):
            yield table, ACCESS_EXCLUSIVE
        else:
            yield table, _ALTER_WEAKER.get(subtype, ACCESS_EXCLUSIVE)
        yield from ((key, SHARE_ROW_EXCLUSIVE) for key in _referenced(cmd))
        yield from _partition(subtype, cmd.get("def", {}).get("PartitionCmd", {}))


def _nested_writes(node: Any) -> Iterator[Key]:
    """The tables an INSERT, UPDATE, DELETE or MERGE inside a WITH query writes (ROW EXCLUSIVE, like a top one)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _DML_TARGET and isinstance(value, dict) and value.get("relation"):
                yield _key(value["relation"])
            yield from _nested_writes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nested_writes(value)


def _dropped_references(node_type: str, node: dict[str, Any], foreign_keys: ForeignKeys) -> Iterator[Key]:
    """The tables whose foreign-key triggers a DROP CONSTRAINT or a DROP TABLE removes (from the live catalog)."""
    if node_type == "AlterTableStmt" and node.get("relation"):
        keys = foreign_keys.get(_key(node["relation"]), {})
        for item in node.get("cmds", ()):
            cmd = item.get("AlterTableCmd", {})
            if cmd.get("subtype") == "AT_DropConstraint" and cmd.get("name") in keys:
                yield keys[cmd["name"]]
    elif node_type == "DropStmt" and node.get("removeType") == "OBJECT_TABLE":
        for table, _ in _drop(node):
            yield from foreign_keys.get(table, {}).values()


def _partition(subtype: str, command: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    """The partition an ATTACH or DETACH names: ACCESS EXCLUSIVE, or SHARE UPDATE EXCLUSIVE for DETACH CONCURRENTLY."""
    if subtype in ("AT_AttachPartition", "AT_DetachPartition") and command.get("name"):
        concurrent = subtype == "AT_DetachPartition" and command.get("concurrent")
        yield _key(command["name"]), SHARE_UPDATE_EXCLUSIVE if concurrent else ACCESS_EXCLUSIVE


def _referenced(node: Any) -> Iterator[Key]:
    """The tables a FOREIGN KEY / REFERENCES inside `node` points to: SHARE ROW EXCLUSIVE on each (its triggers)."""
    if isinstance(node, dict):
        constraint = node.get("Constraint")
        if isinstance(constraint, dict) and constraint.get("contype") == "CONSTR_FOREIGN" and "pktable" in constraint:
            yield _key(constraint["pktable"])
        for value in node.values():
            yield from _referenced(value)
    elif isinstance(node, list):
        for value in node:
            yield from _referenced(value)


def _create_table(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    yield from ((key, SHARE_ROW_EXCLUSIVE) for key in _referenced(node))
    for parent in node.get("inhRelations", ()):  # PARTITION OF / INHERITS
        mode = ACCESS_EXCLUSIVE if node.get("partbound") else SHARE_UPDATE_EXCLUSIVE
        yield _key(parent.get("RangeVar", parent)), mode


def _index(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    yield _key(node["relation"]), SHARE_UPDATE_EXCLUSIVE if node.get("concurrent") else SHARE


def _drop(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    kind = node.get("removeType")
    for obj in node.get("objects", ()):
        names = [part.get("String", {}).get("sval") for part in obj.get("List", {}).get("items", ())]
        names = [n for n in names if isinstance(n, str)]
        if kind in _DROPPED_RELATIONS and names:
            yield (names[-2] if len(names) > 1 else DEFAULT_SCHEMA, names[-1]), ACCESS_EXCLUSIVE
        elif kind in _DROPPED_ON_TABLE and len(names) >= 2:
            yield (names[-3] if len(names) > 2 else DEFAULT_SCHEMA, names[-2]), _DROPPED_ON_TABLE[kind]


def _rename(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    relation = node.get("relation")
    if relation and node.get("renameType") not in _RENAMED_INDEX and node.get("relationType") not in _RENAMED_INDEX:
        yield _key(relation), ACCESS_EXCLUSIVE


def _truncate(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    for relation in node.get("relations", ()):
        yield _key(relation.get("RangeVar", relation)), ACCESS_EXCLUSIVE


def _trigger(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    yield _key(node["relation"]), SHARE_ROW_EXCLUSIVE


def _vacuum(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    options = {o.get("DefElem", {}).get("defname"): o.get("DefElem", {}).get("arg") for o in node.get("options", ())}
    full = "full" in options and not _false(options["full"])
    for relation in node.get("rels", ()):
        range_var = relation.get("VacuumRelation", {}).get("relation")
        if range_var:
            yield _key(range_var), ACCESS_EXCLUSIVE if full and node.get("is_vacuumcmd") else SHARE_UPDATE_EXCLUSIVE


def _false(arg: Any) -> bool:
    """VACUUM (FULL FALSE) / (FULL 0) / (FULL off) is a plain VACUUM."""
    value = arg if isinstance(arg, dict) else {}
    text = value.get("String", {}).get("sval") or value.get("Boolean", {}).get("boolval")
    number = value.get("Integer", {}).get("ival")
    return text in ("false", "off", False) or number == 0 or ("Boolean" in value and not value["Boolean"])


def _cluster(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    if node.get("relation"):
        yield _key(node["relation"]), ACCESS_EXCLUSIVE


def _reindex(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    concurrent = any(p.get("DefElem", {}).get("defname") == "concurrently" for p in node.get("params", ()))
    if node.get("kind") == "REINDEX_OBJECT_TABLE" and node.get("relation"):
        yield _key(node["relation"]), SHARE_UPDATE_EXCLUSIVE if concurrent else SHARE


def _refresh(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    yield _key(node["relation"]), EXCLUSIVE if node.get("concurrent") else ACCESS_EXCLUSIVE


def _lock(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    mode = _LOCK_STMT_MODES.get(node.get("mode", 8), ACCESS_EXCLUSIVE)
    for relation in node.get("relations", ()):
        yield _key(relation.get("RangeVar", relation)), mode


def _comment(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    names = [p.get("String", {}).get("sval") for p in node.get("object", {}).get("List", {}).get("items", ())]
    names = [n for n in names if isinstance(n, str)]
    if node.get("objtype") == "OBJECT_TABLE" and names:
        yield (names[-2] if len(names) > 1 else DEFAULT_SCHEMA, names[-1]), SHARE_UPDATE_EXCLUSIVE
    elif node.get("objtype") == "OBJECT_COLUMN" and len(names) >= 2:
        yield (names[-3] if len(names) > 2 else DEFAULT_SCHEMA, names[-2]), SHARE_UPDATE_EXCLUSIVE


def _policy(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    yield _key(node["table"]), ACCESS_EXCLUSIVE


def _rule(node: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    yield _key(node["relation"]), ACCESS_EXCLUSIVE


_HANDLERS = {
    "CreateStmt": _create_table, "IndexStmt": _index, "DropStmt": _drop,
    "RenameStmt": _rename, "TruncateStmt": _truncate, "CreateTrigStmt": _trigger, "VacuumStmt": _vacuum,
    "ClusterStmt": _cluster, "ReindexStmt": _reindex, "RefreshMatViewStmt": _refresh, "LockStmt": _lock,
    "CommentStmt": _comment, "CreatePolicyStmt": _policy, "AlterPolicyStmt": _policy, "RuleStmt": _rule,
}


def _subjects(node_type: str, node: dict[str, Any]) -> set[Key]:
    """Relations the statement names but does not read: the one it creates (CREATE TABLE / TABLE AS / VIEW / SELECT
    INTO: nobody can wait for it), and the index or sequence an ALTER or RENAME changes (no table lock we can name)."""
    if node_type in ("CreateStmt", "AlterTableStmt", "RenameStmt") and node.get("relation"):
        return {_key(node["relation"])}
    if node_type == "CreateTableAsStmt":
        return {_key(node["into"]["rel"])}
    if node_type == "ViewStmt":
        return {_key(node["view"])}
    into = node.get("intoClause") if node_type == "SelectStmt" else None
    return {_key(into["rel"])} if into else set()


def _range_vars(node: Any, ctes: frozenset[str]) -> Iterator[Key]:
    if isinstance(node, dict):
        if isinstance(node.get("relname"), str) and (key := range_var_key(node, ctes)) is not None:
            yield key
        for value in node.values():
            yield from _range_vars(value, ctes)
    elif isinstance(node, list):
        for value in node:
            yield from _range_vars(value, ctes)
