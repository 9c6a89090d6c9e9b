"""`doctor`: the prerequisites checked (config, dialect, URL, drizzle-kit, node), the drizzle line the project is on,
and the installed drizzle-kit the console's status bar names. Reads files and asks node its version; connects to
nothing."""

from __future__ import annotations

from pathlib import Path

from neontui.core.drizzle.config_file import read_config
from neontui.core.drizzle.project import build_project, locate_config
from neontui.core.errors import ConfigError
from neontui.core.kit.prereqs import check_prerequisites, find_drizzle_kit
from neontui.core.kit.versions import KitVersions, kit_versions

__all__ = ["KitVersions", "check_prerequisites", "find_drizzle_kit", "kit_versions", "project_versions"]


def project_versions(start: Path, *, config: Path | None = None, out: str | None = None) -> KitVersions | None:
    """kit_versions for the project found from `start` (its root and migrations folder); without a readable
    config, for `start` alone (no layout)."""
    try:
        cfg = read_config(locate_config(start, config))
        project = build_project(cfg, out=out, require_out=False)
        return kit_versions(cfg.root, project.out_dir)
    except ConfigError:
        root = start if start.is_dir() else start.parent
        return kit_versions(root.absolute())
