"""The schema drizzle-kit's own snapshots describe, before and after a migration: the review's offline catalog.

drizzle 0.x keeps one full snapshot per journal entry (`meta/<prefix>_snapshot.json`, versions 5 to 7: what
`drizzle-kit up` reads). drizzle 1.0 (rc.5, version 9) keeps a full `ddl` only in the first folder (`type: "base"`);
every later `snapshot.json` holds the `deltas` from its parents (`prevIds`), and the schema after a migration is
rebuilt the way drizzle-kit's reconstruct does it: follow the first parent down to the base, then apply each diff on
the way back up; at a merge (two or more parents) first apply, in folder order, the diffs of the other parents'
histories that the first parent's history does not hold, then the merge's own deltas.

A snapshot that is missing, not JSON or not shaped like drizzle's gives no schema and a reason (one line naming the
file), never an exception. Names come out as PostgreSQL creates them from drizzle's SQL (checked on PostgreSQL 15 in
tests/db/drizzle/test_snapshot_schema.py): a 0.x `primaryKey: true` column is `<table>_pkey`, a serial column is an
integer with `nextval('<table>_<column>_seq'::regclass)`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neontui.core.drizzle.folders import NO_SNAPSHOT, ORIGIN_ID, SNAPSHOT_FILE
from neontui.core.drizzle.journal import Journal, Migration, read_regular_file
from neontui.core.schema.model import Column, Constraint, ConstraintKind, Schema, Table, TableKey
from neontui.core.schema.names import SERIALS, clip, object_name, regclass_text

# The 0.x snapshot versions whose tables this reads (`drizzle-kit up` upgrades 5 → 6 → 7; the table shapes agree).
LEGACY_VERSIONS = ("5", "6", "7")
V1_VERSION = "9"  # drizzle-kit 1.0.0-rc.5; earlier 1.0 betas wrote full v8 snapshots that `drizzle-kit up` upgrades
_ARRAY_SUFFIX = re.compile(r"(\[\d*\])+$")  # 0.x writes an array in the type: `text[]`, `integer[][]`, `mood[3]`


@dataclass(frozen=True)
class SnapshotSchema:
    """A snapshot's schema, or None and why (one line that names the file)."""

    schema: Schema | None
    reason: str | None = None


class _Malformed(Exception):
    """A snapshot that is not shaped like drizzle's: turned into a SnapshotSchema reason, never raised further."""


def schema_after(journal: Journal, tag: str) -> Schema | None:
    """The schema drizzle's snapshot of migration `tag` describes; None when it cannot be read (snapshot_after
    says why)."""
    return Snapshots(journal).after(tag).schema


def schema_before(journal: Journal, tag: str) -> Schema | None:
    """The schema before migration `tag`: the previous migration's snapshot (0.x: the previous journal entry; 1.0:
    the snapshot's parents, combined at a merge); an empty Schema for the first migration."""
    return Snapshots(journal).before(tag).schema


class Snapshots:
    """One folder's snapshots, for a caller that asks about many of its migrations: a 1.0 snapshot is a diff on its
    parent, so each reconstructed state is kept for the next migration's instead of replaying from the base."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self._v1 = _V1History(journal) if journal.is_folders else None
        self._read: dict[str, SnapshotSchema] = {}  # 0.x: tag → its snapshot, each file read once

    def after(self, tag: str) -> SnapshotSchema:
        entry = _entry(self.journal, tag)
        if entry is None:
            return SnapshotSchema(None, f"{self.journal.folder}: no migration {tag}")
        if self._v1 is not None:
            return self._v1.after(tag)
        if tag not in self._read:
            self._read[tag] = _legacy(self.journal, entry)
        return self._read[tag]

    def before(self, tag: str) -> SnapshotSchema:
        entry = _entry(self.journal, tag)
        if entry is None:
            return SnapshotSchema(None, f"{self.journal.folder}: no migration {tag}")
        if self._v1 is not None:
            return self._v1.before(tag)
        if entry.position == 0:
            return SnapshotSchema(Schema(origin=f"an empty database (no migration before {tag})"))
        return self.after(self.journal.entries[entry.position - 1].tag)


def _entry(journal: Journal, tag: str) -> Migration | None:
    return next((e for e in journal.entries if e.tag == tag), None)


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(read_regular_file(path).decode("utf-8"))
    except FileNotFoundError:
        raise _Malformed(f"{path}: no snapshot file") from None
    except OSError as exc:
        raise _Malformed(f"{path}: cannot be read: {exc.strerror}") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Malformed(f"{path}: not valid JSON") from None
    if not isinstance(data, dict):
        raise _Malformed(f"{path}: not a JSON object")
    return data


# --- helpers shared by both lines -------------------------------------------------------------------------------


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str, default: Any = None) -> Any:
    """data[key] when it has the expected JSON type; `default` when absent (or null) and a default is given."""
    value = data.get(key)
    if value is None and default is not None:
        return default
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise _Malformed(f"{where}: \"{key}\" is {json.dumps(value)[:40]}, not what drizzle writes")
    return value


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Malformed(f"{where}: an entry is {json.dumps(value)[:40]}, not an object")
    return value


def _name(data: dict[str, Any], where: str) -> str:
    return clip(_field(data, "name", str, where))


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Malformed(f"{where}: a column list is {json.dumps(value)[:40]}")
    return tuple(clip(v) for v in value)


def _column_type(base: str, type_schema: str | None, dimensions: int) -> str:
    """SQL type text: an enum (or another user type) qualified by its schema, `[]` per array dimension."""
    if type_schema and type_schema != "pg_catalog":
        base = f'"{type_schema.replace(chr(34), chr(34) * 2)}"."{base.replace(chr(34), chr(34) * 2)}"'
    return base + "[]" * dimensions


def _serial(column: Column, key: TableKey, name: str) -> Column:
    """A serial column as PostgreSQL creates it: the integer type, NOT NULL, the sequence's nextval default."""
    real = SERIALS.get(column.type.lower())
    if real is None:
        return column
    qualified = regclass_text(key[0], object_name(key[1], name, "seq"))
    return Column(type=real, not_null=True, default=f"nextval('{qualified}'::regclass)", generated=column.generated,
                  identity=column.identity)


def _default_text(value: Any) -> str | None:
    """0.x writes a literal default as JSON (false, 3000); PostgreSQL holds it as SQL text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


# drizzle-kit pull stores pg_get_constraintdef() without "CHECK (" and its last character, so a constraint the
# database holds NOT VALID comes out as `note IS NOT NULL)) NOT VALID` (0.31) or `(note IS NOT NULL)) NOT VALI`
# (1.0 rc.5): the suffix is the only trace of its validity in a snapshot.
_PULLED_NOT_VALID = re.compile(r"\)\s+NOT VALI?D?$")


def _check(value: str) -> Constraint:
    """A CHECK constraint from a snapshot's `value`: generated ones are valid; a pulled NOT VALID one is not."""
    pulled = _PULLED_NOT_VALID.search(value)
    if pulled is None:
        return Constraint(kind=ConstraintKind.CHECK, expression=_check_text(value))
    text = value[:pulled.start() + 1]
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1]
    while text.startswith("(") and text.count("(") > text.count(")"):
        text = text[1:]
    return Constraint(kind=ConstraintKind.CHECK, expression=_check_text(text), validated=False)


def _check_text(value: str) -> str:
    return value if value.startswith("(") and value.endswith(")") else f"({value})"


def _add_key(table: Table, name: str, kind: ConstraintKind, columns: tuple[str, ...]) -> None:
    """A primary key or unique constraint, and the index PostgreSQL builds for it under the same name."""
    table.constraints[name] = Constraint(kind=kind, columns=columns)
    table.indexes.add(name)
    if kind is ConstraintKind.PRIMARY:
        for column in columns:
            if column in table.columns:
                table.columns[column].not_null = True


# --- drizzle 0.x: one full snapshot per journal entry --------------------------------------------------------------


def _legacy(journal: Journal, entry: Migration) -> SnapshotSchema:
    prefix = entry.tag.split("_", 1)[0]
    path = journal.folder / "meta" / f"{prefix}_snapshot.json"
    try:
        data = _load(path)
        version = str(data.get("version"))
        if version not in LEGACY_VERSIONS:
            raise _Malformed(f"{path}: snapshot version {version}, which neontui does not read (it reads 0.x "
                             f"versions {', '.join(LEGACY_VERSIONS)})")
        schema = Schema(origin=f"drizzle's snapshot of {entry.tag}")
        _legacy_enums(schema, data, str(path))
        tables = _field(data, "tables", dict, str(path))
        for table in tables.values():
            _legacy_table(schema, _obj(table, str(path)), str(path))
    except _Malformed as exc:
        return SnapshotSchema(None, str(exc))
    return SnapshotSchema(schema)


def _legacy_enums(schema: Schema, data: dict[str, Any], where: str) -> None:
    for item in _field(data, "enums", dict, where, {}).values():
        enum = _obj(item, where)
        values = _field(enum, "values", (list, dict), f"{where}: enum {enum.get('name')}")
        labels = list(values.values()) if isinstance(values, dict) else values  # version 5: {label: label}
        key = (_field(enum, "schema", str, where, "") or "public", _name(enum, where))
        schema.enums[key] = [str(label) for label in labels]


def _legacy_table(schema: Schema, data: dict[str, Any], where: str) -> None:
    name = _name(data, where)
    key = (_field(data, "schema", str, where, "") or "public", name)
    where = f"{where}: table {key[0]}.{name}"
    table = schema.tables[key] = Table()
    primary: list[str] = []
    for column_data in _field(data, "columns", dict, where).values():
        column_name = _legacy_column(schema, table, key, _obj(column_data, where), where)
        if column_data.get("primaryKey") is True:
            primary.append(column_name)
    if primary:  # an inline PRIMARY KEY: PostgreSQL names it
        _add_key(table, object_name(name, None, "pkey"), ConstraintKind.PRIMARY, tuple(primary))
    for item in _field(data, "compositePrimaryKeys", dict, where, {}).values():
        pk = _obj(item, where)
        _add_key(table, _name(pk, where), ConstraintKind.PRIMARY, _names(pk.get("columns"), where))
    for item in _field(data, "uniqueConstraints", dict, where, {}).values():
        unique = _obj(item, where)
        _add_key(table, _name(unique, where), ConstraintKind.UNIQUE,
                 _names(unique.get("columns"), where))
    _legacy_refs(table, data, where)


def _legacy_refs(table: Table, data: dict[str, Any], where: str) -> None:
    for item in _field(data, "foreignKeys", dict, where, {}).values():
        fk = _obj(item, where)
        target = (_field(fk, "schemaTo", str, where, "") or "public", clip(_field(fk, "tableTo", str, where)))
        table.constraints[_name(fk, where)] = Constraint(
            kind=ConstraintKind.FOREIGN, columns=_names(fk.get("columnsFrom"), where), references=target)
    for item in _field(data, "checkConstraints", dict, where, {}).values():
        check = _obj(item, where)
        table.constraints[_name(check, where)] = _check(_field(check, "value", str, where))
    for item in _field(data, "indexes", dict, where, {}).values():
        table.indexes.add(_name(_obj(item, where), where))


def _legacy_column(schema: Schema, table: Table, key: TableKey, data: dict[str, Any], where: str) -> str:
    name = _name(data, where)
    raw_type = _field(data, "type", str, f"{where}: column {name}")
    base = _ARRAY_SUFFIX.sub("", raw_type)
    dimensions = raw_type[len(base):].count("[")
    type_schema = data.get("typeSchema") if isinstance(data.get("typeSchema"), str) else None
    if type_schema is None and ("public", base) in schema.enums:
        type_schema = "public"  # snapshots written before typeSchema existed name a public enum by its bare name
    generated = data.get("generated")
    column = Column(type=_column_type(base, type_schema, dimensions) if type_schema else raw_type,
                    not_null=data.get("notNull") is True, default=_default_text(data.get("default")),
                    generated=generated.get("as") if isinstance(generated, dict) else None,
                    identity=isinstance(data.get("identity"), dict))
    table.columns[name] = _serial(column, key, name) if dimensions == 0 else column
    if data.get("isUnique"):  # a column-level unique of older snapshots
        unique_name = data.get("uniqueName")
        _add_key(table, clip(unique_name if isinstance(unique_name, str) else f"{key[1]}_{name}_unique"),
                 ConstraintKind.UNIQUE, (name,))
    return name


# --- drizzle 1.0: a base ddl and diffs along a DAG --------------------------------------------------------------

# drizzle-kit's identity of each entity type (createDDL's `identity`): the key parts a delta's key lists.
_IDENTITY: dict[str, tuple[str, ...]] = {
    "schemas": ("name",), "tables": ("schema", "name"), "enums": ("schema", "name"),
    "columns": ("schema", "table", "name"), "indexes": ("schema", "name"), "fks": ("schema", "table", "name"),
    "pks": ("schema", "table", "name"), "uniques": ("schema", "table", "name"), "checks": ("schema", "table", "name"),
    "sequences": ("schema", "name"), "roles": ("name",),
    "privileges": ("schema", "table", "grantor", "grantee", "type"),
    "policies": ("schema", "table", "name"), "views": ("schema", "name"),
}


@dataclass(frozen=True)
class _Edge:
    """A reference from one entity to another (createDDL's `edges`): when the target is renamed (an alter delta
    that changes its key), drizzle-kit moves the referencing rows with it."""

    to: str
    scalars: tuple[tuple[str, str], ...]  # (target field, this row's field)
    list_field: tuple[str, str, str | None] | None = None  # (target field, this row's list, element's field)
    enum_only: bool = False  # columns → enums: only a column whose typeSchema is set and not pg_catalog


_TABLE_EDGE = _Edge("tables", (("schema", "schema"), ("name", "table")))
_COLUMNS_EDGE = _Edge("columns", (("schema", "schema"), ("table", "table")), ("name", "columns", None))
_SCHEMA_EDGE = _Edge("schemas", (("name", "schema"),))
_EDGES: dict[str, tuple[_Edge, ...]] = {
    "tables": (_SCHEMA_EDGE,), "enums": (_SCHEMA_EDGE,), "sequences": (_SCHEMA_EDGE,), "views": (_SCHEMA_EDGE,),
    "checks": (_TABLE_EDGE,), "policies": (_TABLE_EDGE,),
    "columns": (_TABLE_EDGE, _Edge("enums", (("schema", "typeSchema"), ("name", "type")), enum_only=True)),
    "indexes": (_TABLE_EDGE,
                _Edge("columns", (("schema", "schema"), ("table", "table")), ("name", "columns", "value"))),
    "pks": (_TABLE_EDGE, _COLUMNS_EDGE), "uniques": (_TABLE_EDGE, _COLUMNS_EDGE),
    "fks": (_TABLE_EDGE, _COLUMNS_EDGE, _Edge("tables", (("schema", "schemaTo"), ("name", "tableTo"))),
            _Edge("columns", (("schema", "schemaTo"), ("table", "tableTo")), ("name", "columnsTo", None))),
}

Key = tuple[str, tuple[Any, ...]]  # (entity type, identity parts)


class _State:
    """drizzle-kit's DDL store, as far as deltas change it: rows by (entity type, identity)."""

    def __init__(self) -> None:
        self.rows: dict[Key, dict[str, Any]] = {}

    def copy(self) -> _State:
        copied = _State()
        copied.rows = {key: dict(row) for key, row in self.rows.items()}  # rows are flat: values are not changed
        return copied

    @staticmethod
    def key_of(row: dict[str, Any]) -> Key:
        kind = row.get("entityType")
        if kind not in _IDENTITY:
            raise _Malformed(f"an entity of unknown type {json.dumps(kind)[:40]}")
        return kind, tuple(row.get(part) for part in _IDENTITY[kind])

    def create(self, row: Any) -> None:
        if not isinstance(row, dict):
            raise _Malformed(f"a create delta's row is {json.dumps(row)[:40]}")
        key = self.key_of(row)
        stored = self.rows.get(key)
        if stored is None:
            self.rows[key] = dict(row)
        elif any(stored.get(f) != row.get(f) for f in stored.keys() | row.keys()):
            raise _Malformed(f"a create delta adds {key[0]} {list(key[1])}, which another entity with other values "
                             "already holds (two migrations gave one name to two entities)")

    def drop(self, key: Key) -> None:
        self.rows.pop(key, None)

    def alter(self, key: Key, changes: Any) -> None:
        if not isinstance(changes, dict):
            raise _Malformed(f"an alter delta's set is {json.dumps(changes)[:40]}")
        row = self.rows.get(key)
        if row is None:
            return  # drizzle-kit updates nothing when the key matches no row
        old = dict(row)
        row.update({k: v for k, v in changes.items() if k in row})
        if self.key_of(row) != key:
            self._rekey(key, old, row)

    def _rekey(self, key: Key, old: dict[str, Any], new: dict[str, Any]) -> None:
        """A rename: move the row and every row that references it (transitively), as drizzle-kit's update does."""
        moved = [(key, old, new)]
        for _, before, after in moved:
            for dep_key, dep in list(self.rows.items()):
                patch = _relocate(dep, before, after)
                if patch:
                    dep_old = dict(dep)
                    dep.update(patch)
                    if self.key_of(dep) != dep_key:
                        moved.append((dep_key, dep_old, dep))
        rows = list(self.rows.values())
        self.rows = {self.key_of(r): r for r in rows}
        if len(self.rows) != len(rows):
            raise _Malformed(f"an alter delta renames {key[0]} {list(key[1])} onto a name another entity holds")


def _relocate(row: dict[str, Any], old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any] | None:
    """The fields of `row` that follow the rename of `old` to `new` (drizzle-kit's compileEdge relocate)."""
    patch: dict[str, Any] = {}
    for edge in _EDGES.get(row.get("entityType", ""), ()):
        if edge.to != old.get("entityType") or (edge.enum_only and row.get("typeSchema") in (None, "", "pg_catalog")):
            continue
        if any(row.get(mine) != old.get(theirs) for theirs, mine in edge.scalars):
            continue
        if edge.list_field is not None:
            target, field, pick = edge.list_field
            elements = row.get(field)
            if not isinstance(elements, list):
                continue
            renamed = [_rename_element(e, pick, old.get(target), new.get(target)) for e in elements]
            if renamed == elements:
                continue
            patch[field] = renamed
        patch.update({mine: new.get(theirs) for theirs, mine in edge.scalars})
    return patch or None


def _rename_element(element: Any, pick: str | None, old: Any, new: Any) -> Any:
    if pick is None:
        return new if element == old else element
    if isinstance(element, dict) and not element.get("isExpression") and element.get(pick) == old:
        return {**element, pick: new}
    return element


def _parse_key(value: Any) -> Key:
    """A delta's key: `<entity type>\\0<JSON list of its identity parts>`."""
    if not isinstance(value, str) or "\x00" not in value:
        raise _Malformed(f"a delta's key is {json.dumps(value)[:40]}")
    kind, _, parts = value.partition("\x00")
    try:
        identity = json.loads(parts)
    except ValueError:
        raise _Malformed(f"a delta's key is {json.dumps(value)[:40]}") from None
    if kind not in _IDENTITY or not isinstance(identity, list):
        raise _Malformed(f"a delta's key is {json.dumps(value)[:40]}")
    return kind, tuple(identity)


class _V1History:
    """The 1.0 folders' snapshots by id, read as each is needed."""

    def __init__(self, journal: Journal) -> None:
        assert journal.folders is not None
        self.out = journal.folder
        self.order = list(journal.folders.snapshots)  # folder names in the order drizzle lists them
        self.folder_of = {s.id: name for name, s in journal.folders.snapshots.items() if s.id}
        # Snapshots whose id could not be read: a parent "no folder holds" may be one of them.
        self.unreadable = [f"{name}/ has no {SNAPSHOT_FILE}" if s.problem == NO_SNAPSHOT
                           else f"{name}/{SNAPSHOT_FILE} is unreadable: {s.problem}"
                           for name, s in journal.folders.snapshots.items() if s.problem]
        self.cache: dict[str, dict[str, Any]] = {}
        self.states: dict[str, _State] = {}  # folder → the state after it, for the migrations built on it

    def after(self, tag: str) -> SnapshotSchema:
        try:
            state = self._reconstruct(tag)
        except _Malformed as exc:
            return SnapshotSchema(None, str(exc))
        return SnapshotSchema(_v1_schema(state, f"drizzle's snapshot of {tag}"))

    def before(self, tag: str) -> SnapshotSchema:
        try:
            parents = self._parents(tag, self._snapshot(tag))
            if not parents:
                return SnapshotSchema(Schema(origin=f"an empty database (no migration before {tag})"))
            state = self._reconstruct(parents[0])
            if len(parents) > 1:
                self._other_parents(state, parents)
        except _Malformed as exc:
            return SnapshotSchema(None, str(exc))
        names = " and ".join(parents)
        return SnapshotSchema(_v1_schema(state, f"drizzle's snapshot{'s' if len(parents) > 1 else ''} of {names}"
                                                + (" combined" if len(parents) > 1 else "")))

    def _snapshot(self, folder: str) -> dict[str, Any]:
        if folder not in self.cache:
            path = self.out / folder / SNAPSHOT_FILE
            data = _load(path)
            if str(data.get("version")) != V1_VERSION:
                raise _Malformed(f"{path}: snapshot version {data.get('version')}, not {V1_VERSION} (drizzle-kit "
                                 "1.0 rc.5): run drizzle-kit up")
            if data.get("type") not in ("base", "diff"):
                raise _Malformed(f"{path}: \"type\" is {json.dumps(data.get('type'))[:40]}, not base or diff")
            _names(data.get("prevIds"), f"{path}: prevIds")
            self.cache[folder] = data
        return self.cache[folder]

    def _parents(self, folder: str, data: dict[str, Any]) -> list[str]:
        """The folders of a snapshot's parents; [] for the first migration."""
        parents = []
        for prev in data["prevIds"]:
            if prev == ORIGIN_ID:
                continue
            if prev not in self.folder_of:
                why = "; ".join(self.unreadable) or "a migration was deleted from the middle of the history"
                raise _Malformed(f"{self.out / folder / SNAPSHOT_FILE}: builds on snapshot {prev}, which no folder "
                                 f"holds ({why})")
            parents.append(self.folder_of[prev])
        if data["type"] == "diff" and not parents:
            raise _Malformed(f"{self.out / folder / SNAPSHOT_FILE}: a diff that builds on nothing: its history does "
                             "not reach a base snapshot")
        return parents

    def _reconstruct(self, folder: str) -> _State:
        """The state after `folder` (a copy: callers change it), from the nearest state already reconstructed on
        its first-parent chain, else from the base snapshot."""
        chain: list[str] = []
        seen: set[str] = set()
        data = self._snapshot(folder)
        while data["type"] == "diff" and folder not in self.states:
            if folder in seen:
                raise _Malformed(f"{self.out / folder / SNAPSHOT_FILE}: its parents lead back to itself")
            seen.add(folder)
            chain.append(folder)
            folder = self._parents(folder, data)[0]
            data = self._snapshot(folder)
        if folder in self.states:
            state = self.states[folder].copy()
        else:
            state = _State()
            where = self.out / folder / SNAPSHOT_FILE
            for row in _field(data, "ddl", list, str(where)):
                self._apply(state, folder, [{"op": "create", "row": row}])
            self.states[folder] = state.copy()
        for diff in reversed(chain):
            parents = self._parents(diff, self._snapshot(diff))
            if len(parents) > 1:
                self._other_parents(state, parents)
            self._apply(state, diff, _field(self._snapshot(diff), "deltas", list, str(self.out / diff)))
            self.states[diff] = state.copy()
        return state

    def _other_parents(self, state: _State, parents: list[str]) -> None:
        """drizzle-kit's applyOtherParents: the diffs only the other parents' histories hold, in folder order."""
        rest = self._history(parents[1:]) - self._history(parents[:1])
        for folder in self.order:
            if folder in rest and self._snapshot(folder)["type"] == "diff":
                self._apply(state, folder, self._snapshot(folder)["deltas"])

    def _history(self, folders: Iterable[str]) -> set[str]:
        found: set[str] = set()
        stack = list(folders)
        while stack:
            folder = stack.pop()
            if folder not in found:
                found.add(folder)
                stack.extend(self._parents(folder, self._snapshot(folder)))
        return found

    def _apply(self, state: _State, folder: str, deltas: Any) -> None:
        where = self.out / folder / SNAPSHOT_FILE
        try:
            if not isinstance(deltas, list):
                raise _Malformed("\"deltas\" is not a list")
            for delta in deltas:
                _apply_delta(state, delta)
        except _Malformed as exc:
            raise _Malformed(f"{where}: {exc}") from None


def _apply_delta(state: _State, delta: Any) -> None:
    op = delta.get("op") if isinstance(delta, dict) else None
    if op == "create":
        state.create(delta.get("row"))
    elif op == "drop":
        state.drop(_parse_key(delta.get("key")))
    elif op in ("alter", "rename"):  # drizzle-kit applies both as one update; a rename changes the key
        state.alter(_parse_key(delta.get("key")), delta.get("set"))
    else:
        raise _Malformed(f"a delta that is {json.dumps(delta)[:40]}")


def _v1_schema(state: _State, origin: str) -> Schema:
    schema = Schema(origin=origin)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for (kind, _), row in state.rows.items():
        by_kind.setdefault(kind, []).append(row)
    for row in by_kind.get("tables", []):
        schema.tables[(str(row.get("schema")), str(row.get("name")))] = Table()
    for row in by_kind.get("enums", []):
        schema.enums[(str(row.get("schema")), str(row.get("name")))] = [str(v) for v in row.get("values") or []]
    for row in by_kind.get("columns", []):
        if (table := schema.tables.get(_table_of(row))) is not None:
            table.columns[str(row.get("name"))] = _v1_column(row, schema)
    for kind in ("pks", "uniques", "fks", "checks", "indexes"):
        for row in by_kind.get(kind, []):
            if (table := schema.tables.get(_table_of(row))) is not None:
                _v1_constraint(table, kind, row)
    return schema


def _table_of(row: dict[str, Any]) -> TableKey:
    return str(row.get("schema")), str(row.get("table"))


def _v1_column(row: dict[str, Any], schema: Schema) -> Column:
    dimensions = row["dimensions"] if isinstance(row.get("dimensions"), int) else 0
    type_schema = row.get("typeSchema") if isinstance(row.get("typeSchema"), str) else None
    if type_schema is None and ("public", row.get("type")) in schema.enums:
        type_schema = "public"  # converted from a 0.x snapshot written before typeSchema existed
    generated = row.get("generated")
    column = Column(type=_column_type(str(row.get("type")), type_schema, dimensions),
                    not_null=row.get("notNull") is True, default=_default_text(row.get("default")),
                    generated=generated.get("as") if isinstance(generated, dict) else None,
                    identity=isinstance(row.get("identity"), dict))
    return _serial(column, _table_of(row), str(row.get("name"))) if dimensions == 0 else column


def _v1_constraint(table: Table, kind: str, row: dict[str, Any]) -> None:
    name = clip(str(row.get("name")))
    columns = tuple(str(c) for c in row.get("columns") or () if isinstance(c, str))
    if kind == "pks":
        _add_key(table, name, ConstraintKind.PRIMARY, columns)
    elif kind == "uniques":
        _add_key(table, name, ConstraintKind.UNIQUE, columns)
    elif kind == "fks":
        table.constraints[name] = Constraint(kind=ConstraintKind.FOREIGN, columns=columns,
                                             references=(str(row.get("schemaTo")), str(row.get("tableTo"))))
    elif kind == "checks":
        table.constraints[name] = _check(str(row.get("value")))
    else:
        table.indexes.add(name)
