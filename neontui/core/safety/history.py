"""The review of a migrations folder the way its migrations meet a database: each one alone, against the schema that
everything before it produced, with those earlier tables treated as existing and populated.

The schema before a migration is drizzle's own snapshot of the one before it, which describes what the Drizzle
schema declares, completed by a replay of the earlier migrations' SQL for what no snapshot can say (a CHECK added
NOT VALID by hand, functions and their volatility, partitioned tables). Where the first migration has no earlier
snapshot, or a snapshot is missing, the replay alone describes it. A migration whose SQL does not produce its own
snapshot (a hand-edited migration) gets a `snapshot-mismatch` finding.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace

from neontui.core.drizzle.journal import Journal, Migration
from neontui.core.drizzle.snapshots import Snapshots
from neontui.core.safety.model import Review, Source
from neontui.core.safety.review import analyze
from neontui.core.schema import Schema
from neontui.core.sql.replay import compare, replay

HISTORY_ORIGIN = "the schema before each migration (drizzle's snapshots and the earlier migrations' SQL)"


def review_history(journal: Journal, only: Collection[str] | None = None, **options: object) -> Review:
    """Review the migrations of `journal` whose tag is in `only` (all when None), in journal order, each as its own
    run; `options` are analyze's (mode, pg_version, advisory, enable). A missing file is skipped (status reports
    it)."""
    reviews = [analyze([source], schema=before, **options) for source, before in _steps(journal, only)]
    return _merged(reviews)


def _steps(journal: Journal, only: Collection[str] | None) -> Iterable[tuple[Source, Schema]]:
    snapshots = Snapshots(journal)
    replayed = Schema("no earlier migration")
    previous: Migration | None = None
    for entry in journal.entries:
        if previous is not None and previous.text is not None:
            replayed = replay(replayed, previous.text, origin=f"the migrations up to {previous.tag}")
        text = entry.text
        if text is not None and (only is None or entry.tag in only):
            described = snapshots.before(entry.tag).schema
            before = _completed(described, replayed) if described is not None else replayed
            notes = snapshot_notes(entry.tag, text, described, snapshots.after(entry.tag).schema)
            yield Source(entry.tag, text, str(entry.path), notes), before
        previous = entry


def _completed(described: Schema, replayed: Schema) -> Schema:
    """drizzle's snapshot, with what only the replayed SQL knows added: tables, constraints and indexes the Drizzle
    schema does not declare, whether a constraint is still NOT VALID, enums, extensions and functions. Neither input
    is changed (the snapshot is read once for two steps); tables nothing is added to are shared, not copied."""
    tables = dict(described.tables)
    for key, table in replayed.tables.items():
        mine = tables.get(key)
        if mine is None:
            tables[key] = table
            continue
        constraints = dict(mine.constraints)
        for name, constraint in table.constraints.items():
            known = constraints.get(name)
            if known is None:
                constraints[name] = constraint
            elif known.kind is constraint.kind and known.validated is not constraint.validated:
                constraints[name] = replace(known, validated=constraint.validated)
        if constraints != mine.constraints or not table.indexes <= mine.indexes or table.partitioned:
            tables[key] = replace(mine, constraints=constraints, indexes=mine.indexes | table.indexes,
                                  partitioned=mine.partitioned or table.partitioned)
    return Schema(f"{described.origin}, completed by the earlier migrations' SQL", tables,
                  {**replayed.enums, **described.enums}, described.extensions | replayed.extensions,
                  {**replayed.functions, **described.functions}, described.rows_known)


def snapshot_notes(tag: str, text: str, before: Schema | None,
                   after: Schema | None) -> tuple[tuple[str, str], ...]:
    """Where replaying the migration's SQL onto drizzle's snapshot before it does not give its own snapshot."""
    if before is None or after is None:
        return ()
    differences = compare(replay(before, text, origin=f"{tag}'s SQL"), after)
    if not differences:
        return ()
    shown = "; ".join(differences[:3]) + (f"; and {len(differences) - 3} more" if len(differences) > 3 else "")
    if (before.tables, before.enums) == (after.tables, after.enums):
        # `drizzle-kit generate --custom` copies the previous snapshot: drizzle never learns what the SQL changes
        return (("snapshot-mismatch", f"{tag} is a custom migration (its snapshot is a copy of the one before), so "
                 f"drizzle does not know what its SQL changes: {shown}"),)
    return (("snapshot-mismatch", f"the SQL of {tag} does not match drizzle's snapshot of it: {shown}"),)


def _merged(reviews: list[Review]) -> Review:
    if not reviews:
        raise ValueError("no migration to review")  # callers check that something is selected
    first = reviews[0]
    merged = replace(first, findings=[f for r in reviews for f in r.findings],
                     sources=[tag for r in reviews for tag in r.sources],
                     statements=sum(r.statements for r in reviews),
                     unused_ignores=[u for r in reviews for u in r.unused_ignores],
                     touched=set().union(*(r.touched for r in reviews)), schema_origin=HISTORY_ORIGIN)
    return merged
