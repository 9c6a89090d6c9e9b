"""Lock-blocker precheck against the real server, and the tables a migration's SQL touches."""

from __future__ import annotations

import threading
from collections.abc import Callable

import psycopg
import pytest

from neontui.core.db.blockers import Blocker, describe, find_blockers
from neontui.core.db.connect import connect
from neontui.core.drizzle.journal import split_statements
from neontui.core.sql.statements import touched_tables
from tests.helpers import wait_until

WAIT_S = 5.0  # upper bound of every wait in this file


def wait_transaction_age(url: str, pid: int, seconds: float = 0.2) -> None:
    """Wait until the server says session `pid`'s transaction is `seconds` old (its clock, the one the precheck
    reads). A fresh session asks: a session inside a transaction sees one pg_stat_activity snapshot."""
    with connect(url) as watcher:
        wait_until(lambda: watcher.execute("select clock_timestamp() - xact_start >= make_interval(secs => %s) "
                                           "from pg_stat_activity where pid = %s", (seconds, pid)).fetchone()[0],
                   WAIT_S, f"the transaction of pid {pid} to be {seconds} s old")


@pytest.fixture
def tables_url(database_url: str) -> str:
    with connect(database_url) as conn:
        conn.execute("CREATE TABLE users (id int PRIMARY KEY, email text)")
        conn.execute("CREATE TABLE other (id int)")
        conn.execute("CREATE SCHEMA billing")
        conn.execute("CREATE TABLE billing.invoices (id int)")
    return database_url


# --- locks held and awaited --------------------------------------------------------------------------------------


def test_idle_in_transaction_reader_is_found(tables_url: str) -> None:
    with connect(tables_url, application_name="reader", autocommit=False) as reader, connect(tables_url) as me:
        reader.execute("SELECT * FROM users")  # BEGIN implied: AccessShareLock held until the end of the transaction
        reader_pid = reader.info.backend_pid
        found = find_blockers(me, {("public", "users")})
        unrelated = find_blockers(me, {("public", "other"), ("billing", "invoices")})
        reader.rollback()
    assert len(found) == 1
    blocker = found[0]
    assert blocker.pid == reader_pid
    assert blocker.relation == "public.users"
    assert blocker.mode == "AccessShareLock"
    assert blocker.granted is True
    assert blocker.state == "idle in transaction"
    assert blocker.application == "reader"
    assert blocker.query == "SELECT * FROM users"
    assert blocker.xact_age_s is not None and blocker.xact_age_s >= 0
    assert unrelated == []
    line = describe(blocker)
    assert line.startswith(f"pid {blocker.pid} (app reader, user ")
    assert "idle in transaction for " in line
    assert line.endswith("holding AccessShareLock on public.users: SELECT * FROM users")


def test_schema_qualified_table(tables_url: str) -> None:
    with connect(tables_url, autocommit=False) as writer, connect(tables_url) as me:
        writer.execute("INSERT INTO billing.invoices VALUES (1)")
        found = find_blockers(me, {("billing", "invoices")})
        assert find_blockers(me, {("public", "invoices")}) == []  # same name, other schema: nothing
        writer.rollback()
    assert [(b.relation, b.mode) for b in found] == [("billing.invoices", "RowExclusiveLock")]


def test_a_waiting_session_is_reported_as_waiting(tables_url: str) -> None:
    errors: list[BaseException] = []
    with connect(tables_url, autocommit=False) as holder, connect(tables_url) as me:
        holder.execute("SELECT * FROM users")
        holder_pid = holder.info.backend_pid

        def take_exclusive() -> None:
            try:
                with connect(tables_url, application_name="waiter", autocommit=False) as waiter:
                    waiter.execute(f"SET lock_timeout = '{int(WAIT_S)}s'")  # never hangs past the test's limit
                    waiter.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
                    waiter.rollback()
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=take_exclusive)
        thread.start()
        try:
            waiting: list[Blocker] = []

            def waiter_seen() -> bool:
                waiting[:] = [b for b in find_blockers(me, {("public", "users")}) if not b.granted]
                return bool(waiting)

            wait_until(waiter_seen, WAIT_S, "the LOCK TABLE to queue")
            everyone = find_blockers(me, {("public", "users")})
        finally:
            holder.rollback()  # lets the waiter through
            thread.join(WAIT_S * 2)
    assert not thread.is_alive() and errors == []
    assert len(waiting) == 1
    assert waiting[0].application == "waiter" and waiting[0].mode == "AccessExclusiveLock"
    assert waiting[0].state == "active"
    assert "waiting for AccessExclusiveLock on public.users: LOCK TABLE users" in describe(waiting[0])
    assert {b.pid for b in everyone} == {holder_pid, waiting[0].pid}
    # Oldest transaction first: the holder began before the waiter.
    assert everyone[0].pid == holder_pid


def test_several_modes_of_one_session_are_merged(tables_url: str) -> None:
    with connect(tables_url, autocommit=False) as session, connect(tables_url) as me:
        session.execute("SELECT * FROM users")
        session.execute("INSERT INTO users VALUES (1, 'a@example.com')")
        found = find_blockers(me, {("public", "users")})
        session.rollback()
    assert len(found) == 1
    assert found[0].mode == "RowExclusiveLock, AccessShareLock"


# --- long transactions -------------------------------------------------------------------------------------------


def test_long_transaction_is_reported_without_relation(tables_url: str) -> None:
    with connect(tables_url, application_name="slow", autocommit=False) as slow, connect(tables_url) as me:
        slow.execute("SELECT 1")
        slow_pid = slow.info.backend_pid
        wait_transaction_age(tables_url, slow_pid)
        found = find_blockers(me, set(), long_transaction_s=0.1)
        not_yet = find_blockers(me, set(), long_transaction_s=WAIT_S * 100)
        slow.rollback()
    assert not_yet == []
    assert len(found) == 1
    blocker = found[0]
    assert blocker.pid == slow_pid
    assert blocker.relation is None and blocker.mode is None and blocker.granted is True
    assert blocker.xact_age_s is not None and blocker.xact_age_s >= 0.2
    assert blocker.application == "slow" and blocker.state == "idle in transaction"
    assert "idle in transaction for 0." in describe(blocker)
    assert " on " not in describe(blocker)


def test_long_transactions_oldest_first_and_not_repeated(tables_url: str) -> None:
    with (
        connect(tables_url, autocommit=False) as older,
        connect(tables_url, autocommit=False) as newer,
        connect(tables_url) as me,
    ):
        older.execute("SELECT * FROM users")
        wait_transaction_age(tables_url, older.info.backend_pid)  # so that `newer` starts strictly later
        newer.execute("SELECT 1")
        wait_transaction_age(tables_url, newer.info.backend_pid)
        found = find_blockers(me, {("public", "users")}, long_transaction_s=0.1)
        pids = older.info.backend_pid, newer.info.backend_pid
        older.rollback()
        newer.rollback()
    # `older` appears once, for its lock (not again for its age), before `newer`.
    assert [(b.pid, b.relation) for b in found] == [(pids[0], "public.users"), (pids[1], None)]


def test_own_session_and_other_databases_are_ignored(tables_url: str, make_database: Callable[[], str]) -> None:
    elsewhere = make_database()
    with connect(elsewhere) as conn:
        conn.execute("CREATE TABLE users (id int)")
    with (
        connect(elsewhere, autocommit=False) as other_db,
        connect(tables_url, autocommit=False) as me,
    ):
        other_db.execute("SELECT * FROM users")
        me.execute("SELECT * FROM users")  # our own lock
        wait_transaction_age(tables_url, me.info.backend_pid)  # `other_db`'s began earlier
        found = find_blockers(me, {("public", "users")}, long_transaction_s=0.1)
        assert me.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS  # still ours, untouched
        other_db.rollback()
        me.rollback()
    assert found == []


def test_queries_are_redacted_and_cut(tables_url: str) -> None:
    secret = "S3cret-pw-123"
    padding = "x" * 400
    with connect(tables_url, autocommit=False) as session, connect(tables_url) as me:
        session.execute(f"SELECT 'postgresql://app:{secret}@host/db', '{padding}' FROM users")
        [blocker] = find_blockers(me, {("public", "users")})
        session.rollback()
    assert secret not in blocker.query and "postgresql://app:****@host/db" in blocker.query
    assert len(blocker.query) == 200 and blocker.query.endswith("…")
    assert secret not in describe(blocker)


def test_caller_inside_a_transaction_sees_fresh_sessions(tables_url: str) -> None:
    with connect(tables_url, autocommit=False) as me, connect(tables_url, autocommit=False) as later:
        me.execute("SELECT 1")  # our transaction starts before the other session's
        assert find_blockers(me, {("public", "users")}) == []
        later.execute("SELECT * FROM users")
        found = find_blockers(me, {("public", "users")})
        later_pid = later.info.backend_pid
        later.rollback()
        me.rollback()
    # Without clearing the per-transaction activity snapshot the new session would show no state or query.
    assert [(b.pid, b.state, b.query) for b in found] == [(later_pid, "idle in transaction", "SELECT * FROM users")]


def test_non_autocommit_caller_is_left_idle(tables_url: str) -> None:
    with connect(tables_url, autocommit=False) as me:
        assert find_blockers(me, {("public", "users")}) == []
        assert me.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


# --- describe without a database -----------------------------------------------------------------------------------


def test_describe_minimal_fields() -> None:
    blocker = Blocker(pid=7, user=None, application=None, state=None, query="", xact_age_s=None,
                      relation="public.t", mode=None, granted=False)
    assert describe(blocker) == "pid 7 state unknown waiting for a lock on public.t"
    active = Blocker(pid=8, user="bob", application=None, state="active", query="UPDATE t SET a = 1",
                     xact_age_s=125.4, relation=None, mode=None, granted=True)
    assert describe(active) == "pid 8 (user bob) active, transaction open for 125 s: UPDATE t SET a = 1"


# --- touched_tables --------------------------------------------------------------------------------------------------

DRIZZLE_SQL = """CREATE TABLE "posts" (
\t"id" serial PRIMARY KEY NOT NULL,
\t"author_id" integer NOT NULL,
\t"title" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "bio" text;--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "posts_title_idx" ON "posts" USING btree ("title");--> statement-breakpoint
CREATE UNIQUE INDEX CONCURRENTLY "orders_ref_idx" ON "billing"."orders" USING btree ("ref");--> statement-breakpoint
DO $$ BEGIN
 ALTER TABLE "hidden" ADD CONSTRAINT "x" FOREIGN KEY ("a") REFERENCES "public"."secret_target"("id");
EXCEPTION
 WHEN duplicate_object THEN null;
END $$;--> statement-breakpoint
ALTER TABLE "accounts" RENAME COLUMN "name" TO "full_name";--> statement-breakpoint
UPDATE "audit"."events" SET "kind" = 'x' WHERE "id" IN (SELECT "event_id" FROM "event_links");--> statement-breakpoint
DROP TABLE "legacy" CASCADE;--> statement-breakpoint
DROP TABLE "archive"."old_things";--> statement-breakpoint
DROP INDEX "some_index";--> statement-breakpoint
TRUNCATE "sessions";--> statement-breakpoint
this is not SQL at all;
"""  # noqa: E501 (drizzle writes each statement on one line)


def test_touched_tables_drizzle_style() -> None:
    assert touched_tables(split_statements(DRIZZLE_SQL)) == {
        ("public", "posts"),
        ("public", "users"),
        ("billing", "orders"),
        ("public", "accounts"),
        ("audit", "events"),
        ("public", "event_links"),
        ("public", "legacy"),
        ("archive", "old_things"),
        ("public", "sessions"),
    }


def test_touched_tables_skips_unparsable_and_empty_text() -> None:
    assert touched_tables(["", "   ", "-- just a comment", "ALTER TABLE (", 'SELECT 1 FROM "t"']) == {("public", "t")}


def test_touched_tables_several_statements_in_one_chunk() -> None:
    assert touched_tables(['ALTER TABLE "a" ADD COLUMN "x" int; ALTER TABLE "s"."b" DROP COLUMN "y";']) == {
        ("public", "a"), ("s", "b"),
    }
