"""Which migrations a branch adds: the journal's entries whose file git does not have at a ref (`lint --since`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from neontui.core.drizzle.journal import Journal
from neontui.core.errors import UsageError

GIT_TIMEOUT = 20.0  # seconds for each git command; a repository this slow is reported, never waited on


def added_since(journal: Journal, ref: str) -> list[str]:
    """Tags of the migrations whose file is new since the common ancestor of `ref` and HEAD: what a pull request from
    this branch into `ref` adds, including files not committed yet. In journal order."""
    out = journal.folder.resolve()
    root = Path(_git(out, "rev-parse", "--show-toplevel").strip())
    base = _git(out, "merge-base", ref, "HEAD", what=f"no common ancestor of {ref!r} and HEAD").strip()
    existing = set(_git(root, "ls-tree", "-r", "--name-only", base, "--", str(out.relative_to(root))).splitlines())
    added = []
    for entry in journal.entries:
        path = entry.path.resolve()
        if path.is_relative_to(root) and path.relative_to(root).as_posix() not in existing:
            added.append(entry.tag)
    return added


def _git(cwd: Path, *args: str, what: str | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise UsageError("--since needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {args[0]} took longer than {GIT_TIMEOUT:.0f}s in {cwd}") from None
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise UsageError(what or f"git {args[0]}: {detail}",
                         hint=None if what is None else f"git said: {detail}")
    return done.stdout
