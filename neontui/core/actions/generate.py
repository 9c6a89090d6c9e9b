"""`generate`: drizzle-kit generate and its audit record. The policy always allows it (it writes migration files,
never the database), so no gate is opened and no database is reached."""

from __future__ import annotations

import time

from neontui.core.actions.audit import AuditLog
from neontui.core.actions.kit_audit import audit_kit_run
from neontui.core.drizzle.project import Project
from neontui.core.errors import NeontuiError
from neontui.core.gate.environment import Environment
from neontui.core.gate.settings import Settings
from neontui.core.kit import commands
from neontui.core.kit.commands import Answer, EventSink, KitResult


def generate(project: Project, settings: Settings, *, name: str | None = None, custom: bool = False,
             answer: Answer, on_event: EventSink, environment: Environment | None = None) -> KitResult:
    """`environment`: where the console already classified it; the CLI does not connect, so it has none."""
    root = project.config.root
    log = AuditLog.for_project(root, settings)
    started = time.monotonic()
    try:
        result = commands.generate(project, name=name, custom=custom, answer=answer, on_event=on_event)
    except NeontuiError as exc:
        audit_kit_run(log, "generate", root=root, url=project.database_url, environment=environment, result=None,
                      started=started, error=exc.one_line())
        raise
    audit_kit_run(log, "generate", root=root, url=project.database_url, environment=environment, result=result,
                  started=started)
    return result
