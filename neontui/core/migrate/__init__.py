"""Applying migrations: the plan, the migrator, the dry run and restore points."""
