"""A description of a database schema at one point of a migration history, whoever read it: the live catalog
(core.db.schema_info), drizzle's snapshots (core.drizzle.snapshots) or a replay of earlier migrations
(core.sql.replay). The safety review asks it what existed before the migration it reviews."""

from neontui.core.schema.model import Column, Constraint, ConstraintKind, Schema, Table, TableKey, Volatility

__all__ = ["Column", "Constraint", "ConstraintKind", "Schema", "Table", "TableKey", "Volatility"]
