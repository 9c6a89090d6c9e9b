"""`check` and `up`: drizzle-kit's read-only consistency check and its snapshot upgrade (no database, no policy
refusal: the policy always allows check)."""

from __future__ import annotations

from neontui.core.drizzle.project import Project
from neontui.core.kit import commands
from neontui.core.kit.commands import EventSink, KitResult


def check(project: Project, *, on_event: EventSink) -> KitResult:
    return commands.check(project, on_event=on_event)


def up(project: Project, *, on_event: EventSink) -> KitResult:
    return commands.up(project, on_event=on_event)
