"""What the safety review produces: findings with their rule, place, lock and safe alternative."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"  # the statement will certainly fail: change the SQL or split the run
    WARNING = "warning"  # a core risk: blocks a production apply until fixed, suppressed or acknowledged
    INFO = "info"  # advisory


class DangerClass(StrEnum):
    DATA_LOSS = "data-loss"
    BLOCKING_LOCK = "blocking-lock"
    TABLE_REWRITE = "table-rewrite"
    BACKWARD_INCOMPATIBLE = "backward-incompatible"
    OTHER = "other"


class RunMode(StrEnum):
    TRANSACTION = "transaction"  # drizzle-kit migrate and every transactional driver: the whole run is one tx
    AUTOCOMMIT = "autocommit"  # drizzle's neon-http migrator: statement by statement
    PLANNED = "planned"  # neontui's native migrator: one transaction, but no-transaction statements and the
    # file's own COMMIT/BEGIN become separate steps of its plan instead of failing


@dataclass(frozen=True)
class Finding:
    rule: str  # stable id from shared/docs/safety-rules.md, e.g. "create-index-non-concurrent"
    severity: Severity
    danger: DangerClass
    tag: str  # migration tag (file stem)
    statement: int  # 0-based index of the chunk in drizzle's split of the file
    line: int  # 1-based line in the file where the statement (or the offending clause) starts
    column: int  # 1-based column
    message: str  # one line, names the object, the lock and what it blocks
    lock: str | None  # e.g. "SHARE on \"orders\""
    blocks: str | None  # e.g. "writes to \"orders\" for the whole index build"
    explanation: str  # one paragraph: why this is dangerous on a live database
    help: str  # short imperative: what to do instead
    suggestion: str | None = None  # rewritten SQL with the user's own names, when one can be derived
    suppressed: bool = False  # an ignore comment covers it; still listed
    suppressed_by: str | None = None  # the comment that did it
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def blocking(self) -> bool:
        """Counts against a production apply (errors and warnings that no comment suppressed)."""
        return not self.suppressed and self.severity is not Severity.INFO

    @property
    def key(self) -> str:
        """Stable identity for acknowledgements: rule, file and chunk."""
        return f"{self.rule}@{self.tag}#{self.statement}"

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule, "severity": str(self.severity), "class": str(self.danger), "tag": self.tag,
            "statement": self.statement, "line": self.line, "column": self.column, "message": self.message,
            "lock": self.lock, "blocks": self.blocks, "explanation": self.explanation, "help": self.help,
            "suggestion": self.suggestion, "suppressed": self.suppressed, "suppressed_by": self.suppressed_by,
            "docs": f"safety-rules.md#{self.rule}",
        }
