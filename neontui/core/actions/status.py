"""`status`: the project's overview (journal, ledger, server), read from the database; changes nothing.

On a drizzle 1.0 folder whose snapshot history forks (a merge of two branches), the project's drizzle-kit is asked
whether the branches commute (`check`, time-boxed); the pairs that do not are Problems with code "conflict", since
drizzle-kit migrate refuses to run them. A history without a fork never starts node.
"""

from __future__ import annotations

from collections.abc import Callable

from neontui.core.drizzle.overview import Overview
from neontui.core.drizzle.overview import load_overview as _load_overview
from neontui.core.drizzle.project import Project
from neontui.core.kit.conflicts import CHECK_TIMEOUT, conflict_problems
from neontui.core.kit.versions import KitVersions, kit_versions

__all__ = ["KitVersions", "Overview", "conflict_problems", "kit_versions", "load_overview"]


def load_overview(project: Project, *, on_retry: Callable[[int, str], None] | None = None,
                  deadline: float | None = None, conflicts: bool = True,
                  conflict_timeout: float = CHECK_TIMEOUT, cached_facts: bool = False) -> Overview:
    """core.drizzle.overview.load_overview, plus the installed drizzle versions and line, and the conflicting
    branches (`conflicts=False` skips that check)."""
    overview = _load_overview(project, on_retry=on_retry, deadline=deadline, cached_facts=cached_facts)
    versions = kit_versions(project.config.root, project.out_dir)
    overview.drizzle = versions.to_json() if versions is not None else None
    if conflicts:
        overview.status.problems.extend(conflict_problems(project, overview.journal, timeout=conflict_timeout))
    return overview
