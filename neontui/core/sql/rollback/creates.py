"""CREATE … → DROP …, and GRANT → REVOKE."""

from __future__ import annotations

from pglast import ast
from pglast.enums import FunctionParameterMode
from pglast.stream import RawStream

from neontui.core.sql.rollback.naming import dotted, given, ident, in_schema, object_keyword, relation, type_sql
from neontui.core.sql.rollback.undo import PRE_EXISTED, RECREATE, Undo, lost


def create_table(node: ast.CreateStmt) -> list[Undo]:
    if node.if_not_exists:
        return [Undo(f"DROP TABLE IF EXISTS {relation(node.relation)};", note=PRE_EXISTED)]
    return [Undo(f"DROP TABLE {relation(node.relation)};")]


def create_table_as(node: ast.CreateTableAsStmt) -> list[Undo]:
    keyword = object_keyword(node.objtype)
    if node.if_not_exists:
        return [Undo(f"DROP {keyword} IF EXISTS {relation(given(node.into).rel)};", note=PRE_EXISTED)]
    return [Undo(f"DROP {keyword} {relation(given(node.into).rel)};")]


def create_index(node: ast.IndexStmt) -> list[Undo]:
    if not node.idxname:
        return [lost(f"unnamed index on {relation(node.relation)}: look up the name PostgreSQL gave it and DROP "
                     "INDEX it")]
    # An index always lives in its table's schema.
    name = in_schema(given(node.relation).schemaname, node.idxname)
    concurrently = " CONCURRENTLY" if node.concurrent else ""
    if node.if_not_exists:
        return [Undo(f"DROP INDEX{concurrently} IF EXISTS {name};", note=PRE_EXISTED)]
    return [Undo(f"DROP INDEX{concurrently} {name};")]


def create_enum(node: ast.CreateEnumStmt) -> list[Undo]:
    return [Undo(f"DROP TYPE {dotted(node.typeName)};")]


def create_range(node: ast.CreateRangeStmt) -> list[Undo]:
    return [Undo(f"DROP TYPE {dotted(node.typeName)};")]


def create_composite(node: ast.CompositeTypeStmt) -> list[Undo]:
    return [Undo(f"DROP TYPE {relation(node.typevar)};")]


def create_domain(node: ast.CreateDomainStmt) -> list[Undo]:
    return [Undo(f"DROP DOMAIN {dotted(node.domainname)};")]


def create_schema(node: ast.CreateSchemaStmt) -> list[Undo]:
    name = node.schemaname or given(node.authrole).rolename  # CREATE SCHEMA AUTHORIZATION r names the schema after r
    cascade, note = (" CASCADE", "also drops the objects created with the schema") if node.schemaElts else ("", None)
    if node.if_not_exists:
        return [Undo(f"DROP SCHEMA IF EXISTS {ident(name)}{cascade};", note=PRE_EXISTED)]
    return [Undo(f"DROP SCHEMA {ident(name)}{cascade};", note=note)]


def create_sequence(node: ast.CreateSeqStmt) -> list[Undo]:
    if node.if_not_exists:
        return [Undo(f"DROP SEQUENCE IF EXISTS {relation(node.sequence)};", note=PRE_EXISTED)]
    return [Undo(f"DROP SEQUENCE {relation(node.sequence)};")]


def create_view(node: ast.ViewStmt) -> list[Undo]:
    drop = f"DROP VIEW {relation(node.view)}"
    if node.replace:
        return [lost(f"CREATE OR REPLACE VIEW {relation(node.view)}: the previous definition is unknown; {RECREATE} "
                      f"(if the view did not exist before: {drop})")]
    return [Undo(f"{drop};")]


_ARG_MODES = {FunctionParameterMode.FUNC_PARAM_IN, FunctionParameterMode.FUNC_PARAM_INOUT,
              FunctionParameterMode.FUNC_PARAM_VARIADIC, FunctionParameterMode.FUNC_PARAM_DEFAULT}


def create_function(node: ast.CreateFunctionStmt) -> list[Undo]:
    # DROP FUNCTION identifies the function by its input argument types only.
    args = ", ".join(type_sql(p.argType) for p in node.parameters or () if p.mode in _ARG_MODES)
    keyword = "PROCEDURE" if node.is_procedure else "FUNCTION"
    drop = f"DROP {keyword} {dotted(node.funcname)}({args})"
    if node.replace:
        return [lost(f"CREATE OR REPLACE {keyword}: the previous body is unknown; {RECREATE} "
                      f"(if it did not exist before: {drop})")]
    return [Undo(f"{drop};")]


def create_extension(node: ast.CreateExtensionStmt) -> list[Undo]:
    if node.if_not_exists:
        return [Undo(f"DROP EXTENSION IF EXISTS {ident(node.extname)};", note=PRE_EXISTED)]
    return [Undo(f"DROP EXTENSION {ident(node.extname)};")]


def create_policy(node: ast.CreatePolicyStmt) -> list[Undo]:
    return [Undo(f"DROP POLICY {ident(node.policy_name)} ON {relation(node.table)};")]


def create_trigger(node: ast.CreateTrigStmt) -> list[Undo]:
    drop = f"DROP TRIGGER {ident(node.trigname)} ON {relation(node.relation)}"
    if node.replace:
        return [lost(f"CREATE OR REPLACE TRIGGER: the previous definition is unknown; {RECREATE} "
                      f"(if it did not exist before: {drop})")]
    return [Undo(f"{drop};")]


def create_role(node: ast.CreateRoleStmt) -> list[Undo]:
    return [Undo(f"DROP ROLE {ident(node.role)};")]


def grant(node: ast.GrantStmt) -> list[Undo]:
    if not node.is_grant:
        return [lost("REVOKE: the previous privileges are unknown; grant them again by hand")]
    node.is_grant, node.grant_option = False, False  # our own parse tree: flip it and deparse the REVOKE
    return [Undo(RawStream()(node) + ";", note="assumes the privileges were not held before")]
