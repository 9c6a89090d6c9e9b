"""The schema drizzle's own snapshots describe (pure file logic): 0.x full snapshots, 1.0 base + diffs along the
prevIds DAG, and every unreadable snapshot as a reason instead of an exception. The same against the real kits of
both lines and a real PostgreSQL: tests/db/drizzle/test_snapshot_schema.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neontui.core.drizzle.layout import read_migrations
from neontui.core.drizzle.snapshots import Snapshots, schema_after, schema_before
from neontui.core.schema.model import Column, Constraint, ConstraintKind
from neontui.core.sql.types import parse_type
from tests.factories import entry, make_folder, make_folders

PK, UNIQUE, FK, CHECK = ConstraintKind.PRIMARY, ConstraintKind.UNIQUE, ConstraintKind.FOREIGN, ConstraintKind.CHECK
LONG_FK = "domain_previewDeploymentId_preview_deployments_previewDeploymentId_fk"  # 70 characters, as dokploy's


def column(name: str, type_: str, **extra: object) -> dict:
    return {"name": name, "type": type_, "primaryKey": False, "notNull": False, **extra}


def table(name: str, columns: list[dict], schema: str = "", **extra: object) -> dict:
    return {"name": name, "schema": schema, "columns": {c["name"]: c for c in columns}, "indexes": {},
            "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}, "checkConstraints": {}, **extra}


def legacy_snapshot(tables: list[dict], enums: dict | None = None, version: str = "7") -> dict:
    return {"id": "x", "prevId": "y", "version": version, "dialect": "postgresql",
            "tables": {f"{t['schema'] or 'public'}.{t['name']}": t for t in tables}, "enums": enums or {},
            "schemas": {}, "sequences": {}, "_meta": {"columns": {}, "schemas": {}, "tables": {}}}


def legacy_project(tmp_path: Path, snapshots: dict[str, dict | bytes | None]) -> Path:
    """A 0.x folder: one journal entry per tag, its snapshot written as given (None: no snapshot file)."""
    tags = list(snapshots)
    out = make_folder(tmp_path, [entry(i, t, 1700000000000 + i) for i, t in enumerate(tags)],
                      {t: b"SELECT 1;" for t in tags})
    for tag, data in snapshots.items():
        path = out / "meta" / f"{tag.split('_', 1)[0]}_snapshot.json"
        if isinstance(data, dict):
            path.write_text(json.dumps(data))
        elif data is not None:
            path.write_bytes(data)
    return out


USERS = table("users", [
    column("id", "serial", primaryKey=True, notNull=True),
    column("email", "varchar(255)", notNull=True),
    column("balance", "numeric(12, 2)", default="'0'"),
    column("tags", "text[]", notNull=True, default="'{}'::text[]"),
    column("mood", "mood", default="'ok'"),  # written before typeSchema existed: the public enum
    column("active", "boolean", default=False),
    column("retries", "integer", default=3),
], uniqueConstraints={"users_email_unique": {"name": "users_email_unique", "nullsNotDistinct": False,
                                             "columns": ["email"]}},
   checkConstraints={"balance_positive": {"name": "balance_positive", "value": '"users"."balance" >= 0'}},
   indexes={"users_email_idx": {"name": "users_email_idx", "columns": [], "isUnique": False}})
ORGS = table("orgs", [column("id", "integer", primaryKey=True, notNull=True,
                             identity={"type": "always", "name": "orgs_id_seq", "schema": "app"}),
                      column("level", "level", typeSchema="app", notNull=True),
                      column("levels", "level[]", typeSchema="app")], schema="app")
MEMBERS = table("members", [column("user_id", "integer", notNull=True), column("org_id", "integer", notNull=True),
                            column("code", "smallserial", notNull=True)],
                compositePrimaryKeys={"members_user_id_org_id_pk": {"name": "members_user_id_org_id_pk",
                                                                    "columns": ["user_id", "org_id"]}},
                foreignKeys={"members_user_id_users_id_fk": {"name": "members_user_id_users_id_fk",
                                                             "tableFrom": "members", "tableTo": "users",
                                                             "columnsFrom": ["user_id"], "columnsTo": ["id"]},
                             LONG_FK: {"name": LONG_FK, "tableFrom": "members", "tableTo": "orgs", "schemaTo": "app",
                                       "columnsFrom": ["org_id"], "columnsTo": ["id"]}})
ENUMS = {"public.mood": {"name": "mood", "schema": "public", "values": ["sad", "ok", "happy"]},
         "app.level": {"name": "level", "schema": "app", "values": ["low", "high"]}}


def test_a_legacy_snapshot_reads_as_postgresql_creates_it(tmp_path):
    out = legacy_project(tmp_path, {"0000_init": legacy_snapshot([USERS, ORGS, MEMBERS], ENUMS)})
    schema = schema_after(read_migrations(out), "0000_init")
    assert schema is not None and schema.origin == "drizzle's snapshot of 0000_init" and not schema.rows_known
    users, orgs, members = (schema.tables[k] for k in (("public", "users"), ("app", "orgs"), ("public", "members")))
    assert users.columns["id"] == Column("integer", not_null=True, default="nextval('users_id_seq'::regclass)")
    assert parse_type(users.columns["balance"].type) == ("numeric", (12, 2))
    assert parse_type(users.columns["tags"].type) == ("text[]", ())
    assert parse_type(users.columns["mood"].type) == ("mood", ())
    assert (users.columns["active"].default, users.columns["retries"].default) == ("false", "3")
    assert users.constraints == {
        "users_pkey": Constraint(PK, ("id",)), "users_email_unique": Constraint(UNIQUE, ("email",)),
        "balance_positive": Constraint(CHECK, expression='("users"."balance" >= 0)')}
    assert users.indexes == {"users_pkey", "users_email_unique", "users_email_idx"}
    assert orgs.columns["id"].identity and orgs.columns["id"].default is None
    assert parse_type(orgs.columns["level"].type) == ("level", ()) and orgs.columns["level"].type.startswith('"app"')
    assert parse_type(orgs.columns["levels"].type) == ("level[]", ())
    assert members.columns["code"].type == "smallint"
    assert members.columns["code"].default == "nextval('members_code_seq'::regclass)"
    assert members.constraints["members_user_id_org_id_pk"] == Constraint(PK, ("user_id", "org_id"))
    assert members.constraints["members_user_id_users_id_fk"].references == ("public", "users")
    # PostgreSQL cuts a name to 63 bytes; the 0.x snapshot keeps the long one its SQL used.
    assert members.constraints[LONG_FK[:63]] == Constraint(FK, ("org_id",), references=("app", "orgs"))
    assert schema.enums == {("public", "mood"): ["sad", "ok", "happy"], ("app", "level"): ["low", "high"]}


def test_before_is_the_previous_entry_and_empty_before_the_first(tmp_path):
    out = legacy_project(tmp_path, {"0000_init": legacy_snapshot([USERS], ENUMS),
                                    "0001_orgs": legacy_snapshot([USERS, ORGS], ENUMS)})
    journal = read_migrations(out)
    first = schema_before(journal, "0000_init")
    assert first is not None and first.tables == {} and first.origin.startswith("an empty database")
    before = schema_before(journal, "0001_orgs")
    assert before == schema_after(journal, "0000_init")
    assert before is not None and set(before.tables) == {("public", "users")}


def test_a_version_5_snapshot_is_read_like_drizzle_kit_up_reads_it(tmp_path):
    old = {"version": "5", "dialect": "pg", "tables": {"users": table("users", [column("id", "serial",
                                                                                       primaryKey=True)])},
           "enums": {"mood": {"name": "mood", "values": {"sad": "sad", "ok": "ok"}}}}
    schema = schema_after(read_migrations(legacy_project(tmp_path, {"0000_init": old})), "0000_init")
    assert schema is not None and schema.enums == {("public", "mood"): ["sad", "ok"]}
    assert schema.tables[("public", "users")].columns["id"].not_null  # a primary key column is NOT NULL


@pytest.mark.parametrize(("content", "reason"), [
    (None, "no snapshot file"),
    (b"{not json", "not valid JSON"),
    (b"[]", "not a JSON object"),
    (json.dumps(legacy_snapshot([], version="4")).encode(), "snapshot version 4, which neontui does not read"),
    (json.dumps({**legacy_snapshot([]), "tables": []}).encode(), '"tables" is []'),
    (json.dumps(legacy_snapshot([{**USERS, "columns": {"id": {"name": "id", "type": 7}}}])).encode(),
     'table public.users: column id: "type" is 7'),
    (json.dumps(legacy_snapshot([{**USERS, "compositePrimaryKeys": {"k": {"name": "k", "columns": "id"}}}])).encode(),
     'a column list is "id"'),
])
def test_an_unreadable_legacy_snapshot_gives_a_reason_not_an_exception(tmp_path, content, reason):
    out = legacy_project(tmp_path, {"0000_init": legacy_snapshot([USERS], ENUMS), "0001_bad": content})
    journal = read_migrations(out)
    result = Snapshots(journal).after("0001_bad")
    assert result.schema is None and reason in str(result.reason)
    assert str(out / "meta" / "0001_snapshot.json") in str(result.reason)
    assert Snapshots(journal).before("0001_bad").schema is not None  # the one before it is still readable
    assert schema_before(journal, "0002_nope") is None
    assert Snapshots(journal).after("0002_nope").reason == f"{out}: no migration 0002_nope"


# --- drizzle 1.0 ----------------------------------------------------------------------------------------------

def v1_column(table_: str, name: str, type_: str, **extra: object) -> dict:
    return {"schema": "public", "table": table_, "name": name, "type": type_, "typeSchema": None, "notNull": False,
            "dimensions": 0, "default": None, "generated": None, "identity": None, "entityType": "columns", **extra}


def key(kind: str, *parts: str) -> str:
    return kind + "\x00" + json.dumps(list(parts), separators=(",", ":"))


BASE_DDL = [
    {"name": "app", "entityType": "schemas"},
    {"schema": "public", "name": "users", "isRlsEnabled": False, "entityType": "tables"},
    {"schema": "app", "name": "orgs", "isRlsEnabled": False, "entityType": "tables"},
    {"schema": "public", "name": "mood", "values": ["sad", "ok"], "entityType": "enums"},
    v1_column("users", "id", "serial", notNull=True),
    v1_column("users", "tags", "text", dimensions=1, notNull=True, default="'{}'"),
    v1_column("users", "mood", "mood", typeSchema="public"),
    v1_column("users", "note", "text"),
    {**v1_column("orgs", "id", "integer", notNull=True, identity={"type": "always", "name": "orgs_id_seq"}),
     "schema": "app"},
    {"schema": "public", "table": "users", "name": "users_pkey", "columns": ["id"], "nameExplicit": False,
     "entityType": "pks"},
    {"schema": "public", "table": "users", "name": "users_note_idx", "nameExplicit": True, "isUnique": False,
     "columns": [{"value": "note", "isExpression": False}], "entityType": "indexes"},
    {"schema": "public", "table": "users", "name": "users_org_fkey", "nameExplicit": False, "columns": ["id"],
     "schemaTo": "app", "tableTo": "orgs", "columnsTo": ["id"], "entityType": "fks"},
    {"schema": "public", "table": "users", "name": "note_set", "value": '"note" <> \'\'', "entityType": "checks"},
]


def base(ddl: list[dict] | None = None) -> dict:
    return {"type": "base", "ddl": BASE_DDL if ddl is None else ddl}


def diff(*deltas: dict, parents: list[int] | None = None) -> dict:
    """A diff snapshot; `parents`: the 1-based positions of its parent folders (make_folders' ids)."""
    extra = {"prevIds": [f"{p:08d}-0000-4000-8000-000000000000" for p in parents]} if parents else {}
    return {"type": "diff", "deltas": list(deltas), **extra}


def v1_project(tmp_path: Path, snapshots: dict[str, dict]) -> Path:
    out = make_folders(tmp_path, {name: b"SELECT 1;" for name in snapshots}, snapshots=snapshots)
    return out


def test_a_base_snapshot_reads_as_postgresql_creates_it(tmp_path):
    out = v1_project(tmp_path, {"20250101000000_init": base()})
    schema = schema_after(read_migrations(out), "20250101000000_init")
    assert schema is not None and schema.origin == "drizzle's snapshot of 20250101000000_init"
    users = schema.tables[("public", "users")]
    assert users.columns["id"] == Column("integer", not_null=True, default="nextval('users_id_seq'::regclass)")
    assert parse_type(users.columns["tags"].type) == ("text[]", ())
    assert parse_type(users.columns["mood"].type) == ("mood", ())
    assert users.constraints == {"users_pkey": Constraint(PK, ("id",)),
                                 "users_org_fkey": Constraint(FK, ("id",), references=("app", "orgs")),
                                 "note_set": Constraint(CHECK, expression='("note" <> \'\')')}
    assert users.indexes == {"users_pkey", "users_note_idx"}
    assert schema.tables[("app", "orgs")].columns["id"].identity
    assert schema.enums == {("public", "mood"): ["sad", "ok"]}


def test_diffs_create_drop_alter_and_rename_with_what_references_them(tmp_path):
    out = v1_project(tmp_path, {
        "20250101000000_init": base(),
        "20250101000001_change": diff(
            {"op": "create", "row": {"schema": "public", "name": "audit", "isRlsEnabled": False,
                                     "entityType": "tables"}},
            {"op": "create", "row": v1_column("audit", "at", "timestamp with time zone")},
            {"op": "drop", "key": key("checks", "public", "users", "note_set")},
            {"op": "alter", "key": key("enums", "public", "mood"), "set": {"values": ["sad", "ok", "angry"]}},
            {"op": "alter", "key": key("columns", "public", "users", "note"), "set": {"type": "varchar(64)"}}),
        "20250101000002_renames": diff(
            {"op": "rename", "key": key("tables", "app", "orgs"), "set": {"name": "organizations"}},
            {"op": "rename", "key": key("columns", "public", "users", "note"), "set": {"name": "remark"}},
            {"op": "drop", "key": key("indexes", "public", "gone_idx")}),  # no such index: nothing happens
    })
    journal = read_migrations(out)
    changed = schema_after(journal, "20250101000001_change")
    assert changed is not None and schema_before(journal, "20250101000002_renames") == changed
    assert parse_type(changed.tables[("public", "users")].columns["note"].type) == ("varchar", (64,))
    assert "note_set" not in changed.tables[("public", "users")].constraints
    assert changed.enums[("public", "mood")] == ["sad", "ok", "angry"]
    assert list(changed.tables[("public", "audit")].columns) == ["at"]
    renamed = schema_after(journal, "20250101000002_renames")
    assert renamed is not None and ("app", "orgs") not in renamed.tables
    assert renamed.tables[("app", "organizations")].columns["id"].identity
    users = renamed.tables[("public", "users")]
    assert "remark" in users.columns and "note" not in users.columns
    # The foreign key and the index followed the renamed table and column, as drizzle-kit moves them.
    assert users.constraints["users_org_fkey"].references == ("app", "organizations")
    assert "users_note_idx" in users.indexes


def test_a_merge_applies_the_other_branch_then_its_own_deltas(tmp_path):
    table_row = {"schema": "public", "isRlsEnabled": False, "entityType": "tables"}
    out = v1_project(tmp_path, {
        "20250101000000_init": base(),
        "20250101000001_alpha": diff({"op": "create", "row": {**table_row, "name": "alpha"}}),
        "20250101000002_beta": diff({"op": "create", "row": {**table_row, "name": "beta"}}, parents=[1]),
        "20250101000003_gamma": diff({"op": "create", "row": {**table_row, "name": "gamma"}}, parents=[3, 2]),
    })
    journal = read_migrations(out)
    before = schema_before(journal, "20250101000003_gamma")
    assert before is not None
    assert before.origin == ("drizzle's snapshots of 20250101000002_beta and 20250101000001_alpha combined")
    assert {t for _, t in before.tables} == {"users", "orgs", "alpha", "beta"}
    after = schema_after(journal, "20250101000003_gamma")
    assert after is not None and {t for _, t in after.tables} == {"users", "orgs", "alpha", "beta", "gamma"}
    beta = schema_after(journal, "20250101000002_beta")
    assert beta is not None and ("public", "alpha") not in beta.tables


@pytest.mark.parametrize(("snapshot", "reason"), [
    ({"type": "diff", "deltas": [], "prevIds": ["99999999-0000-4000-8000-000000000000"]},
     "builds on snapshot 99999999-0000-4000-8000-000000000000, which no folder holds"),
    ({"type": "diff", "deltas": [], "prevIds": ["00000000-0000-0000-0000-000000000000"]},
     "does not reach a base snapshot"),
    ({"type": "diff", "deltas": [], "version": "8"}, "snapshot version 8, not 9"),
    ({"type": "full", "deltas": []}, '"type" is "full"'),
    ({"type": "diff", "deltas": {}}, '"deltas" is {}'),
    ({"type": "diff", "deltas": [{"op": "move"}]}, 'a delta that is {"op": "move"}'),
    ({"type": "diff", "deltas": [{"op": "drop", "key": "tables/public"}]}, "a delta's key is"),
    ({"type": "diff", "deltas": [{"op": "create", "row": {"entityType": "widgets"}}]},
     'an entity of unknown type "widgets"'),
    ({"type": "diff", "deltas": [{"op": "create", "row": {**BASE_DDL[1], "isRlsEnabled": True}}]},
     "which another entity with other values already holds"),
    ({"type": "diff", "deltas": [{"op": "rename", "key": key("tables", "app", "orgs"),
                                  "set": {"name": "users", "schema": "public"}}]},
     "onto a name another entity holds"),
])
def test_an_unreadable_v1_snapshot_gives_a_reason_not_an_exception(tmp_path, snapshot, reason):
    out = v1_project(tmp_path, {"20250101000000_init": base(), "20250101000001_bad": snapshot})
    journal = read_migrations(out)
    result = Snapshots(journal).after("20250101000001_bad")
    assert result.schema is None and reason in str(result.reason), result.reason
    assert "20250101000001_bad" in str(result.reason)


def test_a_missing_or_broken_v1_snapshot_file_gives_a_reason(tmp_path):
    out = v1_project(tmp_path, {"20250101000000_init": base(), "20250101000001_next": diff(),
                                "20250101000002_last": diff()})
    (out / "20250101000000_init" / "snapshot.json").write_text("{oops")
    (out / "20250101000002_last" / "snapshot.json").unlink()
    journal = read_migrations(out)
    reason = str(Snapshots(journal).after("20250101000001_next").reason)
    assert "which no folder holds (20250101000000_init/snapshot.json is unreadable: not valid JSON" in reason
    before = Snapshots(journal).before("20250101000002_last")
    assert "20250101000002_last/snapshot.json: no snapshot file" in str(before.reason)


LONG_TABLE = "a_very_long_table_name_that_goes_on_and_on_and_on_for_ever_x"
LONG_COLUMN = "a_very_long_column_name_that_goes_on_and_on_too"


@pytest.mark.parametrize(("schema_name", "table_name", "column_name", "default", "pkey"), [
    ("app", "Orgs", "id", "nextval('app.\"Orgs_id_seq\"'::regclass)", "Orgs_pkey"),
    # PostgreSQL's makeObjectName cuts the longer part until the name fits in 63 bytes (seen on PostgreSQL 15).
    ("", LONG_TABLE, LONG_COLUMN,
     "nextval('a_very_long_table_name_that_g_a_very_long_column_name_that__seq'::regclass)",
     "a_very_long_table_name_that_goes_on_and_on_and_on_for_ever_pkey"),
])
def test_serial_and_inline_primary_key_get_the_names_postgresql_chooses(tmp_path, schema_name, table_name,
                                                                       column_name, default, pkey):
    snapshot = legacy_snapshot([table(table_name, [column(column_name, "serial", primaryKey=True, notNull=True)],
                                      schema=schema_name)])
    schema = schema_after(read_migrations(legacy_project(tmp_path, {"0000_init": snapshot})), "0000_init")
    assert schema is not None
    created = schema.tables[(schema_name or "public", table_name)]
    assert created.columns[column_name].default == default and set(created.constraints) == {pkey}
