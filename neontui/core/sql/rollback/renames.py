"""Renames, schema moves and enum value renames: the old name is in the statement, so they invert exactly."""

from __future__ import annotations

from pglast import ast
from pglast.enums import ObjectType

from neontui.core.sql.rollback.naming import (
    ON_TABLE_KINDS,
    RELATION_KINDS,
    ROUTINE_KINDS,
    dotted,
    given,
    ident,
    if_exists,
    literal,
    object_keyword,
    relation,
    routine,
    routine_parts,
)
from neontui.core.sql.rollback.undo import RESTORE, Undo, lost


def rename(node: ast.RenameStmt) -> list[Undo]:
    kind, old, new = node.renameType, node.subname, node.newname
    exists = if_exists(node.missing_ok)
    if kind in RELATION_KINDS:  # ALTER TABLE "s"."old" RENAME TO "new": the new name is in the same schema
        old = given(node.relation).relname
        sql = f"ALTER {object_keyword(kind)}{exists} {relation(node.relation, new)} RENAME TO {ident(old)};"
    elif kind in (ObjectType.OBJECT_COLUMN, ObjectType.OBJECT_ATTRIBUTE):
        owner = node.relationType if kind == ObjectType.OBJECT_COLUMN else ObjectType.OBJECT_TYPE
        word = object_keyword(kind)
        sql = (f"ALTER {object_keyword(owner)}{exists} {relation(node.relation)} RENAME {word} {ident(new)} "
               f"TO {ident(old)};")
    elif kind == ObjectType.OBJECT_TABCONSTRAINT:
        sql = f"ALTER TABLE{exists} {relation(node.relation)} RENAME CONSTRAINT {ident(new)} TO {ident(old)};"
    elif kind == ObjectType.OBJECT_DOMCONSTRAINT:
        sql = f"ALTER DOMAIN {dotted(node.object)} RENAME CONSTRAINT {ident(new)} TO {ident(old)};"
    elif kind in ON_TABLE_KINDS:
        sql = f"ALTER {object_keyword(kind)} {ident(new)} ON {relation(node.relation)} RENAME TO {ident(old)};"
    elif kind in ROUTINE_KINDS:
        old = routine_parts(node.object)[-1]
        sql = f"ALTER {object_keyword(kind)} {routine(node.object, name=new)} RENAME TO {ident(old)};"
    elif kind in (ObjectType.OBJECT_SCHEMA, ObjectType.OBJECT_ROLE):
        sql = f"ALTER {object_keyword(kind)} {ident(new)} RENAME TO {ident(old)};"
    elif isinstance(node.object, tuple) and all(isinstance(p, ast.String) for p in node.object):
        parts = [p.sval for p in node.object]  # TYPE, DOMAIN, COLLATION…: "schema"."name"
        renamed = ".".join(ident(p) for p in [*parts[:-1], new])
        sql = f"ALTER {object_keyword(kind)} {renamed} RENAME TO {ident(parts[-1])};"
    else:
        return [lost(f"no automatic inverse for ALTER {object_keyword(kind)} … RENAME")]
    return [Undo(sql)]


def set_schema(node: ast.AlterObjectSchemaStmt) -> list[Undo]:
    kind, new = node.objectType, node.newschema
    note = None
    if node.relation is not None:  # tables, views, sequences…
        old, name = node.relation.schemaname, node.relation.relname
        target = f"{ident(new)}.{ident(name)}"
    elif kind in ROUTINE_KINDS:
        parts = routine_parts(node.object)
        old = parts[0] if len(parts) > 1 else None
        target = routine(node.object, schema=new)
    elif isinstance(node.object, tuple) and all(isinstance(p, ast.String) for p in node.object):
        parts = [p.sval for p in node.object]
        old = parts[0] if len(parts) > 1 else None
        target = f"{ident(new)}.{ident(parts[-1])}"
    else:
        return [lost(f"no automatic inverse for ALTER {object_keyword(kind)} … SET SCHEMA: the previous schema is "
                     "unknown")]
    if old is None:  # unqualified: it was found through search_path, normally public
        old, note = "public", "the migration did not qualify the name: assumes it was in public"
    return [Undo(f"ALTER {object_keyword(kind)}{if_exists(node.missing_ok)} {target} SET SCHEMA {ident(old)};",
                 note=note)]


def alter_enum(node: ast.AlterEnumStmt) -> list[Undo]:
    name = dotted(node.typeName)
    if node.oldVal is not None:
        return [Undo(f"ALTER TYPE {name} RENAME VALUE {literal(node.newVal)} TO {literal(node.oldVal)};")]
    return [lost(f"ADD VALUE {literal(node.newVal)}: PostgreSQL cannot remove an enum value; recreate the type "
                  f"without it (converting the columns that use it), or {RESTORE}")]
