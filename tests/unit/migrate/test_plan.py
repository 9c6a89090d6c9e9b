"""The execution plan: where transactions begin and end, and what runs outside them."""

from __future__ import annotations

from pathlib import Path

import pytest

from neontui.core.drizzle.journal import BREAKPOINT, Migration
from neontui.core.migrate.plan import PlanError, build_plan


def migration(position: int, sql: str) -> Migration:
    tag = f"000{position}_m"
    return Migration(position, position, tag, 1_700_000_000_000 + position, True, "7", Path(f"/drizzle/{tag}.sql"),
                     sql.encode())


def shape(plan) -> list[tuple[bool, list[str]]]:
    """Each step: transactional?, and its items as "tag#chunk" statements or "row tag" ledger rows."""
    return [(step.transactional, [f"{i.tag}#{i.index}" if hasattr(i, "sql") else f"row {i.tag}" for i in step.items])
            for step in plan.steps]


def test_a_plain_batch_is_one_transaction_with_each_row_after_its_file():
    first = migration(0, f'CREATE TABLE "a" (id int);{BREAKPOINT}\nALTER TABLE "a" ADD "x" int;')
    second = migration(1, 'CREATE TABLE "b" (id int);')
    plan = build_plan([first, second])
    assert plan.single_transaction and plan.statement_count == 3
    assert shape(plan) == [(True, ["0000_m#0", "0000_m#1", "row 0000_m", "0001_m#0", "row 0001_m"])]
    assert plan.describe() == ["BEGIN", '  0000_m #0: CREATE TABLE "a" (id int);',
                               '  0000_m #1: ALTER TABLE "a" ADD "x" int;', "  ledger row for 0000_m",
                               '  0001_m #0: CREATE TABLE "b" (id int);',
                               "  ledger row for 0001_m", "COMMIT"]


def test_concurrently_runs_as_its_own_step_and_the_row_waits_for_the_files_last_statement():
    m = migration(0, f'CREATE TABLE "a" (id int);{BREAKPOINT}\nCREATE INDEX CONCURRENTLY "i" ON "t" ("c");'
                     f'{BREAKPOINT}\nALTER TABLE "a" ADD "x" int;')
    plan = build_plan([m])
    assert not plan.single_transaction
    assert shape(plan) == [(True, ["0000_m#0"]), (False, ["0000_m#1"]), (True, ["0000_m#2", "row 0000_m"])]
    # a statement split out of its chunk is sent without the semicolon that separated it
    assert '-- outside a transaction: 0000_m #1: CREATE INDEX CONCURRENTLY "i" ON "t" ("c")' in plan.describe()


def test_a_files_own_commit_and_begin_become_step_boundaries_and_are_not_sent():
    m = migration(0, f'CREATE TABLE "a" (id int);\nCOMMIT;{BREAKPOINT}\nBEGIN;\nALTER TABLE "a" ADD "x" int;')
    plan = build_plan([m])
    assert shape(plan) == [(True, ["0000_m#0"]), (True, ["0000_m#1", "row 0000_m"])]
    sent = [s.sql.strip() for step in plan.steps for s in step.statements]
    assert sent == ['CREATE TABLE "a" (id int)', 'ALTER TABLE "a" ADD "x" int']


def test_a_split_statement_knows_where_it_starts_in_the_file():
    text = f'SELECT 1;{BREAKPOINT}\nCREATE TABLE "é" (id int); CREATE INDEX CONCURRENTLY "i" ON "é" (id);'
    plan = build_plan([migration(0, text)])
    index = plan.steps[1].statements[0]
    assert index.sql.startswith("CREATE INDEX CONCURRENTLY")
    assert text[index.offset:].startswith(index.sql)


def test_enum_add_value_is_its_own_step_only_before_postgresql_12():
    m = migration(0, "ALTER TYPE \"status\" ADD VALUE 'archived';")
    assert build_plan([m], server_version=110000).steps[0].transactional is False
    assert build_plan([m], server_version=170000).single_transaction


def test_per_migration_gives_each_file_its_own_transaction():
    plan = build_plan([migration(0, "SELECT 1;"), migration(1, "SELECT 2;")], per_migration=True)
    assert shape(plan) == [(True, ["0000_m#0", "row 0000_m"]), (True, ["0001_m#0", "row 0001_m"])]


def test_a_rollback_in_a_file_is_refused_before_anything_runs():
    with pytest.raises(PlanError, match="ROLLBACK"):
        build_plan([migration(0, 'BEGIN;\nDELETE FROM "t";\nROLLBACK;')])


def test_blank_chunks_send_nothing_and_unparsable_ones_go_to_the_server_verbatim():
    m = migration(0, f"SELECT 1;{BREAKPOINT}\n  \n{BREAKPOINT}SELEC 1 COMMIT")
    plan = build_plan([m])
    assert shape(plan) == [(True, ["0000_m#0", "0000_m#2", "row 0000_m"])]
    assert plan.steps[0].statements[1].sql == "SELEC 1 COMMIT"
    assert plan.to_json(with_sql=False) == [{"transactional": True, "ledger_rows": ["0000_m"],
                                             "statements": [{"tag": "0000_m", "statement": 0},
                                                            {"tag": "0000_m", "statement": 2}]}]
