"""The safety review engine: drizzle's split, the real PostgreSQL parser, and a model of the run.

Each chunk is parsed with libpg_query through pglast's JSON output (the full Python AST is an order of
magnitude slower on large files) and decoded one chunk at a time, so memory stays flat. Statements are
dispatched by node type to the handlers the caller hands in (`Rules`; safety/review.py passes those of
the `rules` package, which imports this module, never the reverse); `RunState` remembers what the run itself created, so
rules about pre-existing objects stay quiet for tables, columns, indexes and constraints made in the same run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from neontui.core.drizzle.journal import BREAKPOINT, split_statements
from neontui.core.safety.catalog import DEFAULT_LOCKS, OFF_BY_DEFAULT, RULES
from neontui.core.safety.model import Finding, Review, RunMode, Source
from neontui.core.safety.suppress import FileIgnores, Ignore, scan_ignores
from neontui.core.schema import Schema, Volatility
from neontui.core.sql import versions
from neontui.core.sql.parse import SqlSyntaxError, parse
from neontui.core.sql.positions import line_column

Node = dict[str, Any]
TableKey = tuple[str, str]  # (schema, name); unqualified names count as "public"


@dataclass(frozen=True)
class Rules:
    """What the engine runs on each parsed statement: a handler per libpg_query node type, then `after`."""

    handlers: Mapping[str, Callable[[Statement, Node], None]]
    after: Callable[[Statement, str, Node], None]


@dataclass
class RunState:
    """What the run has done so far (the "pre-existing" distinction of docs/review.md#pre-existing-objects)."""

    mode: RunMode
    in_transaction: bool
    tables: set[TableKey] = field(default_factory=set)
    columns: set[tuple[TableKey, str]] = field(default_factory=set)
    column_types: dict[tuple[TableKey, str], tuple[str, tuple[int, ...]]] = field(default_factory=dict)
    indexes: set[TableKey] = field(default_factory=set)
    constraints: set[tuple[TableKey, str]] = field(default_factory=set)
    not_valid: set[tuple[TableKey, str]] = field(default_factory=set)  # added NOT VALID in this transaction
    not_null_checks: dict[tuple[TableKey, str], tuple[str, ...]] = field(default_factory=dict)  # NOT VALID → columns
    validated_not_null: set[tuple[TableKey, str]] = field(default_factory=set)
    ddl_tables: set[TableKey] = field(default_factory=set)  # DDL in the current transaction
    views: set[TableKey] = field(default_factory=set)
    types: set[TableKey] = field(default_factory=set)
    schemas: set[str] = field(default_factory=set)
    sequences: set[TableKey] = field(default_factory=set)
    functions: set[TableKey] = field(default_factory=set)
    function_volatility: dict[TableKey, Volatility] = field(default_factory=dict)  # of the functions created
    new_enum_labels: dict[str, TableKey] = field(default_factory=dict)  # label → type, this transaction
    lock_timeout: bool = False
    statement_timeout: bool = False
    touched: set[TableKey] = field(default_factory=set)  # tables the run changes that existed before it

    def end_transaction(self) -> None:
        self.ddl_tables.clear()
        self.not_valid.clear()  # the constraints' NOT NULL proofs (not_null_checks) outlive the transaction
        self.new_enum_labels.clear()


class Statement:
    """One parsed statement and everything a rule needs to report on it."""

    __slots__ = ("chunk", "chunk_bytes", "end", "index", "node", "review", "source", "start", "suppress")

    def __init__(self, review: _Reviewer, source: _SourceState, index: int, chunk: str, chunk_bytes: bytes | None,
                 start: int, end: int, node: Node, suppress: list[Ignore]) -> None:
        self.review, self.source, self.index = review, source, index
        self.chunk, self.chunk_bytes, self.start, self.end = chunk, chunk_bytes, start, end
        self.node, self.suppress = node, suppress

    @property
    def state(self) -> RunState:
        return self.review.state

    @property
    def pg(self) -> int:
        return self.review.pg_version

    @property
    def text(self) -> str:
        """The statement's own text, without the trailing semicolon."""
        return self.chunk[self.start:self.end]

    def char_offset(self, byte_location: int) -> int:
        """libpg_query locations are byte offsets into the chunk's UTF-8 encoding."""
        if self.chunk_bytes is None or byte_location <= 0:
            return byte_location
        return len(self.chunk_bytes[:byte_location].decode("utf-8", "replace"))

    def wants(self, *rules: str) -> bool:
        """Is any of `rules` on in this run? Advisory checks ask first, so a review without them (the default)
        skips their per-column work instead of building messages that report() would drop."""
        return not self.review.enabled.isdisjoint(rules)

    def report(self, rule: str, message: str, *, at: int | None = None, lock: str | None = None,
               blocks: str | None = None, suggestion: str | None = None, table: TableKey | None = None) -> None:
        """`table`: the existing table whose size decides how much the finding costs (its rows are shown)."""
        self.review.report(self, rule, message, at=at, lock=lock, blocks=blocks, suggestion=suggestion, table=table)


@dataclass
class _SourceState:
    source: Source
    ignores: FileIgnores
    offset: int = 0  # of the current chunk in the file
    start: tuple[int, int] = (1, 1)  # (line, column) of the current chunk's first character
    region_start: int = 0  # file offset where the text before the next statement begins (for ignore comments)
    timeout_advised: bool = False


class _Reviewer:
    def __init__(self, rules: Rules, pg_version: int, mode: RunMode, advisory: bool, enable: Iterable[str],
                 schema: Schema | None) -> None:
        self.rules, self.pg_version, self.mode = rules, pg_version, mode
        self.enabled = {r for r in RULES if (RULES[r].core or advisory) and r not in OFF_BY_DEFAULT} | set(enable)
        self.state = RunState(mode=mode, in_transaction=mode is not RunMode.AUTOCOMMIT)
        self.schema = schema or Schema("")  # empty: nothing is known, every table not made in the run is assumed
        self.findings: list[Finding] = []
        self.deferred: list[tuple[Finding, str, TableKey]] = []  # drop-view/drop-type: unless re-created later
        self.statements = 0
        self.used_ignores: set[tuple[str, int]] = set()  # (tag, comment offset)

    def run(self, sources: Sequence[Source]) -> Review:
        unused: list[tuple[str, int, str]] = []
        for source in sources:
            src = _SourceState(source, scan_ignores(source.text))
            for index, chunk in enumerate(split_statements(source.text)):
                if index == 0:
                    self._notes(src, chunk)
                self._chunk(src, index, chunk)
                src.offset += len(chunk) + len(BREAKPOINT)
                line, column = line_column(chunk, len(chunk), start=src.start)
                src.start = (line, column + len(BREAKPOINT))
            for ignore in src.ignores.all():
                if (source.tag, ignore.offset) not in self.used_ignores:
                    unused.append((source.tag, line_column(source.text, ignore.offset)[0], ignore.comment))
        for finding, kind, key in self.deferred:
            if key not in (self.state.views if kind == "view" else self.state.types):
                self.findings.append(finding)
        order = {s.tag: i for i, s in enumerate(sources)}
        self.findings.sort(key=lambda f: (order.get(f.tag, len(order)), f.statement, f.line, f.column))
        touched = self.state.touched - self.state.tables
        return Review(self.findings, [s.tag for s in sources], self.statements, self.pg_version, self.mode, unused,
                      touched, self.schema.origin or None)

    def _notes(self, src: _SourceState, chunk: str) -> None:
        if not src.source.notes:
            return
        start = _first_token(chunk, 0)
        stmt = Statement(self, src, 0, chunk, None, start, len(chunk), {}, src.ignores.between(0, start))
        for rule, message in src.source.notes:
            stmt.report(rule, message)

    def _chunk(self, src: _SourceState, index: int, chunk: str) -> None:
        if not chunk.strip():
            return
        if "\x00" in chunk:
            start = _first_token(chunk, 0)
            stmt = Statement(self, src, index, chunk, None, start, len(chunk), {},
                             src.ignores.between(src.region_start, src.offset + start))
            stmt.report("nul-byte", "a NUL byte: PostgreSQL cannot receive it, and the rest of the file would "
                        "silently not run", at=chunk.index("\x00"))
            # libpg_query stops at the NUL too: review the text after it as well (same length, same positions).
            chunk = chunk.replace("\x00", " ")
        try:
            stmts = parse(chunk)
        except SqlSyntaxError as exc:
            self.statements += 1
            start = _first_token(chunk, 0)
            location = start if exc.location is None else exc.location
            stmt = Statement(self, src, index, chunk, None, start, len(chunk), {},
                             src.ignores.between(src.region_start, src.offset + start))
            stmt.report("syntax-error", f"syntax error: {exc.message}", at=max(0, min(location, len(chunk) - 1)))
            src.region_start = src.offset + len(chunk)
            return
        chunk_bytes = None if chunk.isascii() else chunk.encode("utf-8")
        for item in stmts:
            self.statements += 1
            stmt = Statement(self, src, index, chunk, chunk_bytes, 0, 0, item["stmt"], [])
            location = item.get("stmt_location", 0)
            length = item.get("stmt_len", 0)
            stmt.start = stmt.char_offset(location)
            stmt.end = stmt.char_offset(location + length) if length else len(chunk)
            stmt.suppress = src.ignores.between(src.region_start, src.offset + stmt.start)
            (node_type, node), = item["stmt"].items()
            handler = self.rules.handlers.get(node_type)
            if handler is not None:
                handler(stmt, node)
            self.rules.after(stmt, node_type, node)
            src.region_start = src.offset + stmt.end

    def report(self, stmt: Statement, rule_id: str, message: str, *, at: int | None, lock: str | None,
               blocks: str | None, suggestion: str | None, table: TableKey | None = None) -> None:
        if rule_id not in self.enabled:
            return
        rule = RULES[rule_id]
        if lock is None and rule_id in DEFAULT_LOCKS:
            lock, blocks = DEFAULT_LOCKS[rule_id]
        position = stmt.start if at is None else at
        chunk, src = stmt.chunk, stmt.source
        line, column = line_column(chunk, position, start=src.start)
        suppressed_by = (next((i for i in stmt.suppress if i.covers(rule_id)), None)
                         or stmt.source.ignores.file_match(rule_id))
        if suppressed_by:
            self.used_ignores.add((stmt.source.source.tag, suppressed_by.offset))
        finding = Finding(rule=rule_id, severity=rule.severity, danger=rule.danger, tag=stmt.source.source.tag,
                          statement=stmt.index, line=line, column=column, message=message, lock=lock,
                          blocks=blocks, explanation=rule.explanation, help=rule.help, suggestion=suggestion,
                          suppressed=bool(suppressed_by),
                          suppressed_by=suppressed_by.comment if suppressed_by else None,
                          rows=self._rows(table) if table is not None else None)
        self.findings.append(finding)

    def _rows(self, table: TableKey) -> str | None:
        """What the schema before the run says of `table`'s size; None for a table the run made, or no schema."""
        if table in self.state.tables or not self.schema.described:
            return None
        described = self.schema.table(table)
        if not self.schema.rows_known:
            return "unknown: no database was read (drizzle's snapshots and migration files hold no row counts)"
        if described is None or described.rows is None:
            return "unknown: the table was never analyzed" if described else None
        return f"about {described.rows:,.0f} (the database's estimate)"

    def defer(self, stmt: Statement, kind: str, key: TableKey, rule_id: str, message: str, **kw: Any) -> None:
        """Report at the end of the run unless the object is re-created after this statement."""
        before = len(self.findings)
        self.report(stmt, rule_id, message, at=None, lock=kw.get("lock"), blocks=kw.get("blocks"),
                    suggestion=kw.get("suggestion"))
        if len(self.findings) > before:
            finding = self.findings.pop()
            (self.state.views if kind == "view" else self.state.types).discard(key)
            self.deferred.append((finding, kind, key))


_SKIP = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.DOTALL)


def _first_token(text: str, start: int) -> int:
    skipped = _SKIP.match(text, start)  # always matches: the pattern accepts the empty string
    return skipped.end() if skipped else start


def analyze(sources: Sequence[Source], rules: Rules, *, mode: RunMode = RunMode.TRANSACTION,
            pg_version: int = versions.LATEST, advisory: bool = False, enable: Iterable[str] = (),
            schema: Schema | None = None) -> Review:
    """Review `sources` as one run (in order) with `rules`, the way drizzle's migrator would apply them.

    `schema` describes the database before the run when the caller knows it (the live catalog, drizzle's snapshot or
    a replay of the earlier migrations): column types, constraints and their validity, functions' volatility and
    partitioning decide some findings (docs/review.md#what-the-schema-decides).
    """
    return _Reviewer(rules, pg_version, mode, advisory, enable, schema).run(sources)
