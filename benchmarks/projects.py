"""A user's own Drizzle project as a benchmark subject: `python -m benchmarks --project DIR --url URL`.

The benchmarks never change the project or the database URL's existing databases: each measured apply gets a
scratch database on that server (CREATE DATABASE, dropped afterwards), so URL must be allowed to create databases.
drizzle-kit, the anchor, is the project's own (node_modules/.bin/drizzle-kit under the config's folder); a project
without one is measured with the pinned drizzle-kit of tests/drizzle_fixture, in a temporary copy of the config and
the migrations folder (drizzle.config.ts imports 'drizzle-kit', which node resolves from the config's folder).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from neontui.core.drizzle.journal import Journal, read_journal
from neontui.core.drizzle.project import load_project
from neontui.core.errors import ConfigError


@dataclass(frozen=True)
class Subject:
    """What a benchmark runs the tools on: the folder with drizzle.config.*, its migrations, its ledger."""

    name: str  # the project folder's name, for the tables
    root: Path  # where drizzle-kit and neontui run (the config's folder, or the temporary copy)
    journal: Journal
    ledger_schema: str
    ledger_table: str
    kit: Path | None  # drizzle-kit's bin link, or None (and `kit_missing` says why)
    kit_missing: str

    @property
    def all_sql(self) -> str:
        """Every migration's SQL in order, for `psql -1 -f` (drizzle's breakpoints are SQL comments)."""
        return "\n".join(e.text or "" for e in self.journal.entries)


def subject(project_dir: Path, tmp: Path) -> Subject:
    """The project at `project_dir` (a folder with a drizzle config, or the config file), ready to measure."""
    project = load_project(project_dir if project_dir.is_dir() else project_dir.parent,
                           config=project_dir if project_dir.is_file() else None)
    root = project.config.path.parent
    kit = root / "node_modules" / ".bin" / "drizzle-kit"
    missing = ""
    if not kit.exists():
        from benchmarks.apply import find_drizzle_kit  # apply imports this module

        modules, missing = find_drizzle_kit()
        if modules is None:
            kit = None  # type: ignore[assignment]
        else:
            root = _copy(project.config.path, project.out_dir, tmp / project_dir.resolve().name)
            (root / "node_modules").symlink_to(modules, target_is_directory=True)
            kit = root / "node_modules" / ".bin" / "drizzle-kit"
    journal = read_journal(project.out_dir if root == project.config.path.parent else
                           root / project.out_dir.relative_to(project.config.path.parent))
    if not journal.entries:
        raise ConfigError(f"{project.out_dir} holds no migrations to measure")
    return Subject(project_dir.resolve().name, root, journal, project.ledger_schema, project.ledger_table, kit,
                   missing)


def _copy(config: Path, out: Path, target: Path) -> Path:
    """The config and the migrations folder, at the same relative place, in `target`."""
    base = config.parent
    try:
        relative = out.resolve().relative_to(base.resolve())
    except ValueError as exc:
        raise ConfigError(f"the migrations folder {out} is outside the config's folder {base}: "
                          "install drizzle-kit in the project to measure it in place") from exc
    target.mkdir(parents=True)
    shutil.copy2(config, target / config.name)
    shutil.copytree(out, target / relative)
    return target
