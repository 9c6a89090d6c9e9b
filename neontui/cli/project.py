"""The project a command line names, loaded once the same way for every command."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from neontui.core.errors import UsageError

if TYPE_CHECKING:
    from neontui.core.drizzle.project import Project


def load(start: Path, args: argparse.Namespace) -> Project:
    from neontui.core.drizzle.project import load_project

    if not start.exists():
        raise UsageError(f"project directory {start} does not exist")
    return load_project(start, config=args.config, out=getattr(args, "out", None), url=getattr(args, "url", None))


def connect_deadline(project: Project | None) -> float:
    """How long connecting may take, from NEONTUI_CONNECT_TIMEOUT or the neontui.toml of the project (None: of the
    current directory)."""
    from neontui.core.gate.settings import load_settings

    return load_settings(project.config.root if project else Path.cwd()).connect_deadline()
