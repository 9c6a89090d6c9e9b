"""The rule catalog: ids, classes, severities, explanations and help lines (published as docs/rules.md).

Ids are stable: they are documentation anchors, suppression keys and checklist references.
"""

from __future__ import annotations

from dataclasses import dataclass

from neontui.core.safety.model import DangerClass, Severity

# Short aliases keep the table below readable.
LOSS, LOCK, REWRITE, COMPAT, OTHER = (DangerClass.DATA_LOSS, DangerClass.BLOCKING_LOCK, DangerClass.TABLE_REWRITE,
                                      DangerClass.BACKWARD_INCOMPATIBLE, DangerClass.OTHER)
ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Rule:
    id: str
    danger: DangerClass
    severity: Severity
    explanation: str
    help: str
    squawk: tuple[str, ...] = ()  # squawk rule names accepted in `-- squawk-ignore` comments

    @property
    def core(self) -> bool:
        return self.severity is not Severity.INFO


_RULES = [
    # data-loss
    Rule("drop-table", LOSS, WARN, "DROP TABLE deletes the table and every row in it; application code that still reads "
         "or writes it fails at once, and nothing but a restore brings the data back.",
         "stop using the table, back it up, and drop it in a later deploy", ("ban-drop-table",)),
    Rule("drop-column", LOSS, WARN, "DROP COLUMN deletes the column's data for good, and the application version that is "
         "still running fails on every query that names the column until the new version is deployed.",
         "stop reading and writing the column first (remove it from the Drizzle schema and deploy), then drop it",
         ("ban-drop-column",)),
    Rule("drop-schema", LOSS, WARN, "DROP SCHEMA removes every object in the schema (with CASCADE, silently), taking an "
         "ACCESS EXCLUSIVE lock on each of them.", "move or empty the schema first, then drop it explicitly",
         ("ban-drop-schema",)),
    Rule("drop-database", LOSS, WARN, "DROP DATABASE deletes everything in it and cannot run inside a transaction; it "
         "never belongs in a migration.", "remove it from the migration", ("ban-drop-database",)),
    Rule("truncate-table", LOSS, WARN, "TRUNCATE empties the table instantly under an ACCESS EXCLUSIVE lock: every read "
         "and write waits, and the rows are gone.", "delete in keyed batches, or archive the rows first"),
    Rule("truncate-cascade", LOSS, WARN, "TRUNCATE … CASCADE also empties every table that references this one through "
         "a foreign key, without naming them, under ACCESS EXCLUSIVE locks on all of them.",
         "name every table to empty explicitly", ("ban-truncate-cascade",)),
    Rule("delete-without-where", LOSS, WARN, "DELETE without WHERE removes every row and row-locks all of them until the "
         "whole migration run commits; concurrent updates of those rows wait that long.",
         "delete with a key range in batches, outside the migration"),
    # blocking-lock
    Rule("create-index-non-concurrent", LOCK, WARN, "CREATE INDEX without CONCURRENTLY takes a SHARE lock: inserts, "
         "updates and deletes on the table wait for the whole index build, which on a large table takes minutes.",
         "build it with CREATE INDEX CONCURRENTLY in a step outside the migration transaction",
         ("require-concurrent-index-creation",)),
    Rule("drop-index-non-concurrent", LOCK, WARN, "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the "
         "table: reads and writes wait, and queue behind any long transaction that holds the table.",
         "use DROP INDEX CONCURRENTLY in a step outside the migration transaction",
         ("require-concurrent-index-deletion", "ban-drop-index")),
    Rule("add-foreign-key-validating", LOCK, WARN, "Adding a foreign key without NOT VALID takes SHARE ROW EXCLUSIVE on "
         "both tables and scans the whole referencing table to validate it; writes to both tables wait meanwhile.",
         "add it NOT VALID, then VALIDATE CONSTRAINT in a later run",
         ("adding-foreign-key-constraint", "constraint-missing-not-valid")),
    Rule("add-check-constraint-validating", LOCK, WARN, "Adding a CHECK constraint without NOT VALID holds ACCESS "
         "EXCLUSIVE while every row is checked: all reads and writes on the table wait.",
         "add it NOT VALID, then VALIDATE CONSTRAINT in a later run", ("constraint-missing-not-valid",)),
    Rule("validate-constraint-same-transaction", LOCK, WARN, "VALIDATE CONSTRAINT only avoids the long lock when it runs "
         "in its own transaction; here the ADD … NOT VALID of the same run still holds its strong lock while "
         "VALIDATE scans the table. Under drizzle every pending file is one transaction.",
         "validate in a separate run: apply the NOT VALID migration first, the VALIDATE migration later",
         ("constraint-missing-not-valid",)),
    Rule("add-unique-constraint", LOCK, WARN, "Adding a UNIQUE constraint builds its index under ACCESS EXCLUSIVE: reads "
         "and writes wait for the whole build, and the statement fails if duplicates exist.",
         "create the unique index CONCURRENTLY first, then ADD CONSTRAINT … UNIQUE USING INDEX",
         ("disallowed-unique-constraint",)),
    Rule("add-primary-key", LOCK, WARN, "Adding a PRIMARY KEY builds its index under ACCESS EXCLUSIVE and scans nullable "
         "columns to set NOT NULL; reads and writes wait.",
         "create a unique index CONCURRENTLY on NOT NULL columns, then ADD PRIMARY KEY USING INDEX",
         ("adding-serial-primary-key-field",)),
    Rule("add-exclusion-constraint", LOCK, WARN, "An EXCLUDE constraint checks every row under ACCESS EXCLUSIVE and has "
         "no NOT VALID form.", "add it in a maintenance window"),
    Rule("set-not-null", LOCK, WARN, "SET NOT NULL holds ACCESS EXCLUSIVE while it scans the whole table for NULLs, "
         "unless a validated CHECK (column IS NOT NULL) already proves it (PostgreSQL 12+).",
         "add CHECK (… IS NOT NULL) NOT VALID, VALIDATE it in a later run, then SET NOT NULL",
         ("adding-not-nullable-field",)),
    Rule("reindex-non-concurrent", LOCK, WARN, "REINDEX without CONCURRENTLY blocks writes to the table and every read "
         "that would use the index for the whole rebuild.",
         "use REINDEX … CONCURRENTLY (PostgreSQL 12+) outside the migration transaction; the system catalogs "
         "cannot be reindexed concurrently, so rebuild them in a maintenance window, not in a migration",
         ("require-concurrent-reindex",)),
    Rule("detach-partition-non-concurrent", LOCK, WARN, "DETACH PARTITION takes ACCESS EXCLUSIVE on the parent and the "
         "partition: all reads and writes of the partitioned table wait.",
         "use DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+) outside the migration transaction",
         ("require-concurrent-partition-detach",)),
    Rule("vacuum-full-or-cluster", LOCK, WARN, "VACUUM FULL and CLUSTER rewrite the whole table under ACCESS EXCLUSIVE: "
         "nothing can read or write it until they finish.", "use pg_repack (or REPACK CONCURRENTLY on PostgreSQL 19+)",
         ("prefer-repack",)),
    Rule("refresh-matview-non-concurrent", LOCK, WARN, "REFRESH MATERIALIZED VIEW without CONCURRENTLY locks the view "
         "ACCESS EXCLUSIVE: its readers wait for the whole refresh.",
         "use REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)"),
    Rule("backfill-in-migration-transaction", LOCK, WARN, "This data change runs in the same transaction as DDL on the "
         "same table, so the DDL's lock (often ACCESS EXCLUSIVE) is held for the whole backfill.",
         "backfill in batches in a separate run that contains no DDL"),
    Rule("domain-constraint", LOCK, WARN, "A CHECK on a domain is validated against every column that uses the domain, "
         "scanning each of those tables under lock.", "put NOT VALID constraints on the columns instead",
         ("ban-create-domain-with-constraint", "ban-alter-domain-with-add-constraint")),
    # table-rewrite
    Rule("add-column-volatile-default", REWRITE, WARN, "A column added with a volatile default (such as gen_random_uuid() or "
         "random()) makes PostgreSQL rewrite the whole table and its indexes under ACCESS EXCLUSIVE.",
         "add the column without a default, SET DEFAULT afterwards, and backfill existing rows in batches",
         ("adding-field-with-default",)),
    Rule("add-column-generated-stored", REWRITE, WARN, "A STORED generated column is computed for every existing row: a full "
         "rewrite under ACCESS EXCLUSIVE.", "use a plain column maintained by a trigger, or a VIRTUAL column "
         "(PostgreSQL 18+)", ("adding-field-with-default",)),
    Rule("add-column-serial-or-identity", REWRITE, WARN, "A serial or identity column is filled for every existing row: a "
         "full rewrite under ACCESS EXCLUSIVE.", "add a nullable bigint with a sequence default and backfill in "
         "batches, or create a new table and copy"),
    Rule("change-column-type", REWRITE, WARN, "Changing a column's type rewrites the table and rebuilds its indexes under "
         "ACCESS EXCLUSIVE (unless the change is binary-coercible), and clients may break on the new type.",
         "add a new column, write to both, backfill, then switch and drop the old one", ("changing-column-type",)),
    Rule("table-rewrite-other", REWRITE, WARN, "This table change rewrites the whole table under ACCESS EXCLUSIVE.",
         "avoid it, or run it in a maintenance window"),
    # backward-incompatible
    Rule("rename-column", COMPAT, WARN, "Renaming a column breaks every query of the application version still running the "
         "moment the migration commits.", "keep the database name and rename only in the Drizzle schema "
         "(column('old_name')), or expand and contract", ("renaming-column",)),
    Rule("rename-table", COMPAT, WARN, "Renaming a table breaks every query of the application version still running the "
         "moment the migration commits.", "keep the old name, add a view shim, or expand and contract",
         ("renaming-table",)),
    Rule("rename-other-object", COMPAT, WARN, "Renaming this object breaks every caller that still uses the old name.",
         "expand and contract: add the new name, move callers, then drop the old one", ("renaming-object",)),
    Rule("set-schema", COMPAT, WARN, "Moving an object to another schema breaks queries that use the old qualified name or "
         "rely on search_path.", "expand and contract", ("ban-set-schema",)),
    Rule("drop-view", COMPAT, WARN, "Dropping a view that this run does not re-create breaks its readers.",
         "use CREATE OR REPLACE VIEW, or remove its readers first", ("ban-drop-view",)),
    Rule("drop-type", COMPAT, WARN, "Dropping a type breaks the columns and functions that use it (with CASCADE it drops "
         "those columns: data loss).", "remove its usages first", ("ban-drop-type",)),
    Rule("drop-function", COMPAT, WARN, "Dropping a function breaks its callers (with CASCADE it drops triggers).",
         "remove its callers first", ("ban-drop-function",)),
    Rule("drop-sequence", COMPAT, WARN, "Dropping a sequence breaks the defaults that call nextval() on it.",
         "remove those defaults first", ("ban-drop-sequence",)),
    Rule("drop-extension", COMPAT, WARN, "Dropping an extension breaks everything using its types or functions (with "
         "CASCADE it drops columns).", "remove its usages first", ("ban-drop-extension",)),
    Rule("drop-domain", COMPAT, WARN, "Dropping a domain breaks the columns of that domain.", "retype those columns first",
         ("ban-drop-domain",)),
    Rule("drop-constraint", COMPAT, WARN, "Dropping a constraint removes a guarantee the application may rely on.",
         "confirm that nothing depends on it", ("ban-drop-constraint",)),
    Rule("drop-not-null", COMPAT, WARN, "Dropping NOT NULL lets NULLs reach readers that never saw one before.",
         "make every reader NULL-safe first", ("ban-drop-not-null",)),
    Rule("drop-default", COMPAT, WARN, "Dropping a default breaks inserts of the running application that relied on it.",
         "make every writer supply the value first", ("ban-drop-default",)),
    Rule("alter-identity", COMPAT, WARN, "Changing a column's identity changes which inserts succeed: GENERATED ALWAYS "
         "rejects explicit ids that old clients send.", "use GENERATED BY DEFAULT, and RESTART WITH max(id) + 1",
         ("ban-alter-identity",)),
    Rule("drop-generated-expression", COMPAT, WARN, "DROP EXPRESSION turns a generated column into a plain one that nothing "
         "maintains any more.", "maintain the value with a trigger first", ("ban-drop-generated-expression",)),
    Rule("add-column-required-no-default", COMPAT, WARN, "ADD COLUMN … NOT NULL without a default fails on a table that "
         "has rows (23502), and inserts of the running application break because they do not set the column.",
         "add it nullable, backfill, then SET NOT NULL; or give it a non-volatile default",
         ("adding-required-field",)),
    # other
    Rule("cannot-run-in-transaction", OTHER, ERR, "This statement cannot run inside a transaction block, and drizzle runs "
         "every pending migration in one transaction: the run fails with 25001 and nothing is applied.",
         "run it in a separate step outside the transaction (neontui migrate does this; drizzle-kit cannot)",
         ("ban-concurrent-index-creation-in-transaction",)),
    Rule("enum-add-value-in-transaction", OTHER, ERR, "A value added with ALTER TYPE … ADD VALUE cannot be used in the "
         "same transaction (55P04 unsafe use of new value); before PostgreSQL 12 ADD VALUE cannot run in a "
         "transaction at all. Under drizzle every pending file is one transaction.",
         "add the value in one run and use it in a later run"),
    Rule("transaction-control-in-migration", OTHER, WARN, "The runner wraps the migration in a transaction; BEGIN, COMMIT "
         "or ROLLBACK inside it break that transaction, so earlier statements commit early and a later failure "
         "leaves a half-applied run.", "let the runner own transactions; use neontui's no-transaction steps",
         ("transaction-nesting", "ban-uncommitted-transaction")),
    Rule("uncommitted-transaction", OTHER, WARN, "Without a runner's transaction (the neon-http migrator) the file's "
         "own BEGIN is real: a transaction that no COMMIT closes is rolled back when the migrator disconnects, and "
         "one that ends in ROLLBACK is undone: either way every statement in it silently does nothing while the run "
         "reports success.", "end the transaction with COMMIT, or remove the BEGIN",
         ("ban-uncommitted-transaction",)),
    Rule("identifier-too-long", OTHER, WARN, "PostgreSQL silently truncates identifiers to 63 bytes; a later statement "
         "that uses the full name (drizzle's generated DROP CONSTRAINT, for example) fails.",
         "use a shorter name (set the constraint or index name explicitly in the Drizzle schema)",
         ("identifier-too-long",)),
    Rule("duplicate-column-assignment", OTHER, ERR, "The same column is assigned or declared twice, or a view or "
         "CREATE TABLE … AS gets two columns of the same name (two unnamed expressions are both \"?column?\"); the "
         "statement fails.", "remove the duplicate, or name each output column (AS …)",
         ("ban-duplicate-column-assignments",)),
    Rule("syntax-error", OTHER, ERR, "PostgreSQL cannot parse this statement chunk, so the migration fails when it reaches "
         "it (drizzle splits files on --> statement-breakpoint without looking at quotes or $$ bodies).",
         "fix the SQL; check for a breakpoint inside a string or function body, or a byte order mark",
         ("syntax-error",)),
    Rule("nul-byte", OTHER, ERR, "The file contains a NUL byte, which PostgreSQL cannot receive in a query: drizzle-kit migrate fails without saying why (the server answers \"invalid message format\", 08P01), and a client that hands the SQL over as a C string (libpq, psql) silently stops at it, so only the text before it runs. neontui refuses to run the file.",
         "delete the NUL byte (a bad merge, an encoding conversion or a binary paste put it there); SQL never needs one"),
    Rule("partitioned-index-concurrently", OTHER, ERR, "PostgreSQL cannot build an index CONCURRENTLY on a "
         "partitioned table (0A000 \"cannot create index on partitioned table … concurrently\"), so the migration "
         "fails there; only the schema before the migration tells that the table is partitioned.",
         "create the parent's index ON ONLY the table, build each partition's index CONCURRENTLY, then ATTACH "
         "PARTITION each one to it"),
    Rule("snapshot-mismatch", OTHER, WARN, "The migration's SQL does not produce the schema drizzle's snapshot of it "
         "describes: the file was edited by hand after generate, or written as a custom migration. drizzle-kit "
         "generate and push compare the Drizzle schema with the snapshot, not with the database, so the next "
         "generated migration is computed from a picture that is wrong where they differ, and push may drop what "
         "the SQL added.", "put the change in the Drizzle schema and generate it, or keep the hand-written SQL and "
                           "acknowledge it with an ignore comment saying why"),
    # advisory
    Rule("missing-lock-timeout", OTHER, INFO, "This statement takes a strong lock and no lock_timeout was set before it; "
         "waiting behind a long transaction would queue every query on the table.",
         "neontui sets SET LOCAL lock_timeout when it applies; with drizzle-kit, add SET lock_timeout first",
         ("require-lock-timeout",)),
    Rule("missing-statement-timeout", OTHER, INFO, "No statement_timeout was set before this lock-taking statement.",
         "neontui can set statement_timeout when it applies", ("require-statement-timeout",)),
    Rule("non-idempotent-without-transaction", OTHER, INFO, "Without a transaction (neon-http migrator) a failed run leaves "
         "earlier statements applied, and this statement fails when the run is retried.",
         "use IF [NOT] EXISTS, or wrap the whole file in BEGIN … COMMIT", ("prefer-robust-stmts",)),
    Rule("unique-index-data-dependent", OTHER, INFO, "A unique index or constraint on existing data fails if duplicates "
         "exist; a failed CONCURRENTLY build leaves an INVALID index behind.",
         "check for duplicates before applying"),
    Rule("enum-add-value-unordered", OTHER, INFO, "ADD VALUE without BEFORE/AFTER appends the label at the end, which "
         "changes the enum's sort order from what the schema may imply.", "say BEFORE or AFTER explicitly",
         ("require-enum-value-ordering",)),
    Rule("enable-rls", OTHER, INFO, "Enabling row level security makes non-owner roles see zero rows until a policy "
         "allows them.", "create the policies in the same run", ("ban-alter-row-level-security",)),
    Rule("json-column", OTHER, INFO, "json has no equality operator (SELECT DISTINCT and GROUP BY fail) and is re-parsed "
         "on every access.", "use jsonb"),
    Rule("prefer-bigint", OTHER, INFO, "integer and smallint keys run out (2^31); changing the type later is a rewrite.",
         "use bigint", ("prefer-bigint-over-int", "prefer-bigint-over-smallint")),
    Rule("prefer-identity", OTHER, INFO, "serial creates a sequence the table does not own cleanly; identity columns are "
         "the SQL-standard replacement.", "use integer/bigint GENERATED BY DEFAULT AS IDENTITY",
         ("prefer-identity",)),
    Rule("prefer-text-field", OTHER, INFO, "Widening a varchar(n) later takes an ACCESS EXCLUSIVE lock; text with a CHECK "
         "is as fast.", "use text (with a CHECK on the length if needed)", ("prefer-text-field",)),
    Rule("prefer-timestamptz", OTHER, INFO, "timestamp without time zone loses the offset and misbehaves across time zones.",
         "use timestamptz (timestamp with time zone)", ("prefer-timestamp-tz", "prefer-timestamptz")),
    Rule("ban-char-field", OTHER, INFO, "char(n) pads with spaces and is never faster than text.", "use text",
         ("ban-char-field",)),
    Rule("create-enum-type", OTHER, INFO, "Enums are hard to evolve: values cannot be removed or reordered without "
         "recreating the type.", "consider a lookup table"),
    Rule("column-alignment", OTHER, INFO, "Column order wastes alignment padding on disk.",
         "order columns from widest fixed-width to variable-width"),
    Rule("index-too-many-columns", OTHER, INFO, "A non-unique index on more than three columns is rarely used as a whole "
         "and costs writes.", "index fewer columns"),
    Rule("require-table-schema", OTHER, INFO, "The table name is not schema-qualified.", "qualify it with its schema",
         ("require-table-schema",)),
]

RULES: dict[str, Rule] = {r.id: r for r in _RULES}
# The lock of rules whose handlers do not name a more specific one (docs/review.md#locks): brief, but an ACCESS
# EXCLUSIVE request queued behind a long transaction stalls every query on the table.
_BRIEF = ("ACCESS EXCLUSIVE (brief)", "reads and writes while it waits for and holds the lock")
DEFAULT_LOCKS: dict[str, tuple[str, str]] = {rule: _BRIEF for rule in (
    "drop-schema", "rename-column", "rename-table", "rename-other-object", "set-schema", "drop-view", "drop-type",
    "drop-function", "drop-sequence", "drop-extension", "drop-domain", "drop-constraint", "drop-not-null",
    "drop-default", "alter-identity", "drop-generated-expression", "add-column-required-no-default",
    "enable-rls")}
CORE_RULES = tuple(r.id for r in _RULES if r.core)
ADVISORY_RULES = tuple(r.id for r in _RULES if not r.core)
# Advisory rules that fire on nearly every drizzle file: only reported when explicitly enabled.
OFF_BY_DEFAULT = frozenset({"require-table-schema"})
SQUAWK_NAMES: dict[str, tuple[str, ...]] = {}
for _rule in _RULES:
    for _name in _rule.squawk:
        SQUAWK_NAMES[_name] = (*SQUAWK_NAMES.get(_name, ()), _rule.id)
