"""Every server-version gate neontui relies on, by server_version_num: the review's rules and the migrator's plan
both ask here (docs/review.md#server-versions)."""

from __future__ import annotations

LATEST = 180000


def fast_column_default(v: int) -> bool:
    """PG 11+: ADD COLUMN with a non-volatile default is metadata-only; before, any default rewrites."""
    return v >= 110000


def enum_add_value_in_transaction(v: int) -> bool:
    """PG 12+: ADD VALUE may run in a transaction block (but the label is unusable until commit)."""
    return v >= 120000


def not_null_uses_check(v: int) -> bool:
    """PG 12+: SET NOT NULL skips the scan when a valid CHECK (col IS NOT NULL) exists."""
    return v >= 120000


def reindex_concurrently(v: int) -> bool:
    return v >= 120000


def timestamptz_without_rewrite(v: int) -> bool:
    """PG 12+: timestamp ⇄ timestamptz is metadata-only when the session time zone is UTC (Neon's default)."""
    return v >= 120000


def drop_expression(v: int) -> bool:
    return v >= 130000


def detach_concurrently(v: int) -> bool:
    return v >= 140000


def reindex_database_skips_catalogs(v: int) -> bool:
    """PG 16+: REINDEX DATABASE leaves the system catalogs to REINDEX SYSTEM; before, only its CONCURRENTLY form did."""
    return v >= 160000


def concurrent_index_corruption(v: int) -> bool:
    """14.0–14.3 can corrupt indexes built or rebuilt CONCURRENTLY."""
    return 140000 <= v < 140004


def virtual_generated_columns(v: int) -> bool:
    return v >= 180000


def repack_concurrently(v: int) -> bool:
    return v >= 190000


def parse_version(text: str | int) -> int:
    """'16', '16.4', '160004' or 16 → server_version_num."""
    value = str(text).strip()
    if value.isdigit() and len(value) >= 5:
        return int(value)
    major, _, minor = value.partition(".")
    if not major.isdigit() or (minor and not minor.isdigit()):
        raise ValueError(f"not a PostgreSQL version: {text!r}")
    return int(major) * 10000 + (int(minor) if minor else 0)


def attach_partition_share_update_exclusive(v: int) -> bool:
    """PG 12+: ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the parent; before, ACCESS EXCLUSIVE."""
    return v >= 120000
