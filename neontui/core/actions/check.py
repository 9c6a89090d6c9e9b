"""`check` and `up`: drizzle-kit's read-only consistency check and its snapshot upgrade (no database, no policy
refusal: the policy always allows check)."""

from __future__ import annotations

from neontui.core.drizzle.journal import JOURNAL_RELPATH
from neontui.core.drizzle.project import Project
from neontui.core.errors import ConfigError
from neontui.core.kit import commands
from neontui.core.kit.commands import EventSink, KitResult


def check(project: Project, *, on_event: EventSink) -> KitResult:
    return commands.check(project, on_event=on_event)


def up(project: Project, *, on_event: EventSink) -> KitResult:
    """drizzle-kit up. On a 0.x folder the 1.0 kit's `up` moves every migration into a new folder, which changes
    what every database's ledger must match: that runs only through `neontui upgrade --apply`, after its preview."""
    if commands.uses_json(project) and (project.out_dir / JOURNAL_RELPATH).exists():
        raise ConfigError(f"drizzle-kit 1.0 up would convert {project.out_dir} to the 1.0 layout (one folder per "
                          "migration) without a preview", hint="preview it with neontui upgrade, then run "
                                                              "neontui upgrade --apply")
    return commands.up(project, on_event=on_event)
