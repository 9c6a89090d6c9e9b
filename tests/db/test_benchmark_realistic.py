"""The lint benchmark's big file (generate.realistic_migration): valid SQL in the shapes and proportions of real
Drizzle projects' histories, the same on every run."""

from __future__ import annotations

from benchmarks.generate import B, realistic_migration
from neontui.core.safety import analyze
from neontui.core.safety.model import Source
from tests.db.test_benchmark_generate import apply_in_one_transaction


def test_realistic_migration_applies_and_has_real_projects_shapes(database_url, tmp_path):
    text = realistic_migration(tmp_path / "real.sql", size=200_000).read_text()
    assert 200_000 <= len(text) < 220_000
    apply_in_one_transaction(database_url, [("real.sql", text)])  # its COMMITs end drizzle's transaction, as in life
    chunks = text.split(B)
    share = {kind: sum(c.startswith(kind) for c in chunks) / len(chunks)
             for kind in ("ALTER TABLE", "CREATE INDEX", "CREATE TABLE", "DO $$", "UPDATE", "COMMIT;")}
    # Real histories (dokploy, sim, latitude) are about 45 % ALTER TABLE and 24 % CREATE INDEX; the rest is spread.
    assert share["ALTER TABLE"] > 0.3 and share["CREATE INDEX"] > 0.1 and share["CREATE TABLE"] > 0.05
    assert all(share[kind] > 0 for kind in ("DO $$", "UPDATE", "COMMIT;"))
    review = analyze([Source("real", text)])
    assert review.statements == len(chunks)
    assert not [f for f in review.findings if f.rule == "syntax-error"]
    assert {f.rule for f in review.findings} >= {"transaction-control-in-migration"}


def test_realistic_migration_is_deterministic(tmp_path):
    first = realistic_migration(tmp_path / "a.sql", size=50_000).read_bytes()
    assert realistic_migration(tmp_path / "b.sql", size=50_000).read_bytes() == first
    assert realistic_migration(tmp_path / "c.sql", size=50_000, seed=3).read_bytes() != first
