"""Diverging migration branches that drizzle-kit 1.0 refuses to migrate: `check --output json`'s conflicts.

After a git merge two migrations can build on the same snapshot. drizzle-kit 1.0 applies both when their statements
commute and stops `migrate` and `generate` when they do not (observed with rc.5: `migrate` exits 1 before connecting,
`check --output json` returns `{status: error, error: {code: check_error, kind: conflicts, details, fix}}`). Its only
way out for PostgreSQL is `drizzle-kit generate --fix-conflicts`, which deletes both branches' migrations and their
children and writes one new migration: destructive for every database that already ran one of them.

The kit is asked only when the snapshot history forks (`Folders.branches`): status stays fast otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neontui.core.drizzle.journal import Journal
from neontui.core.drizzle.project import Project
from neontui.core.drizzle.status import Problem
from neontui.core.errors import NeontuiError
from neontui.core.kit.versions import kit_versions

CHECK_TIMEOUT = 20.0  # seconds: check reads files only (0.3-1 s measured); a hung node must not hang status
FIX_COMMAND = "drizzle-kit generate --fix-conflicts"


@dataclass(frozen=True)
class Branch:
    leaf: str | None  # the folder of the branch's newest migration (None: an empty branch)
    statement: str  # the kit's description, e.g. "add_column: nick on users table (20261201103322_a)"
    action: str | None  # the statement type, e.g. "add_column"
    target: dict[str, Any]  # {kind, name, schema?, table?}: the entity both branches change


@dataclass(frozen=True)
class Conflict:
    parent: str | None  # the fork point's folder
    branches: tuple[Branch, Branch]

    def to_json(self) -> dict[str, Any]:
        return {"parent": self.parent, "branches": [
            {"leaf": b.leaf, "statement": b.statement, "action": b.action, "target": b.target}
            for b in self.branches]}


@dataclass(frozen=True)
class Conflicts:
    conflicts: tuple[Conflict, ...]
    deletes: tuple[str, ...]  # the folders --fix-conflicts deletes
    deletes_custom: tuple[str, ...]  # hand-written migrations among them (their SQL is not regenerated)


def parse_conflicts(error: dict[str, Any]) -> Conflicts | None:
    """A check_error envelope's `error` of kind conflicts, or None when it is something else."""
    if error.get("code") != "check_error" or error.get("kind") != "conflicts":
        return None
    found = []
    for detail in error.get("details") or []:
        if not isinstance(detail, dict):
            continue
        raw = [b for b in detail.get("branches") or [] if isinstance(b, dict)]
        if len(raw) != 2:
            continue
        branches = (_branch(raw[0]), _branch(raw[1]))
        found.append(Conflict(_folder(detail.get("parentPath")), branches))
    raw_fix = error.get("fix")
    fix: dict[str, Any] = raw_fix if isinstance(raw_fix, dict) else {}
    return Conflicts(tuple(found), tuple(_folder(p) or "" for p in fix.get("migrations") or []),
                     tuple(_folder(p) or "" for p in fix.get("customMigrations") or []))


def describe(conflict: Conflict) -> str:
    a, b = conflict.branches
    fork = f" (both built on {conflict.parent})" if conflict.parent else ""
    return (f"migrations {a.leaf or '(empty branch)'} and {b.leaf or '(empty branch)'}{fork} do not commute: "
            f"{a.statement} vs {b.statement}")


def way_out(conflicts: Conflicts) -> str:
    deletes = ", ".join(conflicts.deletes) or "the conflicting migrations"
    custom = (f" (hand-written ones among them are lost: {', '.join(conflicts.deletes_custom)})"
              if conflicts.deletes_custom else "")
    return (f"drizzle-kit migrate refuses to run. Way out: {FIX_COMMAND} deletes {deletes} and their children"
            f"{custom} and generates one new migration: destructive if any database already applied one of them "
            "(such a database must be reset; check every database's ledger first)")


def conflict_problems(project: Project, journal: Journal, *, timeout: float = CHECK_TIMEOUT) -> list[Problem]:
    """Problems with code "conflict", one per pair of branches that do not commute; [] when the history does
    not fork, or the project's drizzle-kit is not of the 1.0 line (only 1.0 checks commutativity)."""
    folders = journal.folders if journal.is_folders else None
    if folders is None or not folders.branches:
        return []
    versions = kit_versions(project.config.root)
    if versions is None or not versions.is_v1:
        return []
    # drizzle-kit's runner (pseudo-terminals, process groups) is imported only for a history that forks: status
    # on any other project never loads it (tests/db/cli/test_command_imports.py).
    from neontui.core.kit.json_output import ERROR, NO_ENVELOPE, run_json

    try:
        envelope = run_json(project, "check", timeout=timeout)
    except NeontuiError as exc:
        return [Problem("conflict-unchecked", f"the migration history forks and drizzle-kit check could not be "
                                              f"run to see whether the branches conflict: {exc.one_line()}")]
    if envelope.status == NO_ENVELOPE:
        last = envelope.stderr[-1] if envelope.stderr else f"exit {envelope.returncode}"
        return [Problem("conflict-unchecked", "the migration history forks and drizzle-kit check gave no answer "
                                              f"about the branches: {last}")]
    parsed = parse_conflicts(envelope.error) if envelope.status == ERROR else None
    if parsed is None:
        return []
    tail = way_out(parsed)
    return [Problem("conflict", f"{describe(c)}. {tail}", tag=c.branches[1].leaf) for c in parsed.conflicts]


def _branch(raw: dict[str, Any]) -> Branch:
    target = raw.get("target") if isinstance(raw.get("target"), dict) else {}
    return Branch(_folder(raw.get("leafPath")), str(raw.get("statementDescription") or ""),
                  str(raw["action"]) if raw.get("action") else None, dict(target or {}))


def _folder(path: Any) -> str | None:
    """A migration's folder name from the kit's `drizzle/<folder>` path."""
    return str(path).rstrip("/").rsplit("/", 1)[-1] if path else None
