"""The audit record of a drizzle-kit action (push, generate): the same log and record shape as migrate's."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from neontui.core.actions.audit import AuditLog, build_record
from neontui.core.gate.checklist import Checklist
from neontui.core.gate.environment import Environment
from neontui.core.kit.commands import KitResult


def audit_kit_run(log: AuditLog, action: str, *, root: Path, url: str | None, environment: Environment | None,
                  result: KitResult | None, started: float, refused: str | None = None,
                  error: str | None = None, checklist: Checklist | None = None) -> None:
    """Append one record: refused (nothing ran), or how the drizzle-kit run ended (`result`, else `error`)."""
    outcome = "refused" if refused is not None else "ok" if result is not None and result.ok else "failed"
    details: dict[str, Any] = {} if result is None else {
        "created": result.created, "summary": result.summary, "aborted": result.aborted,
        "returncode": result.returncode}
    if result is not None and result.kit_line:  # 1.0: the answers given, as the --hints drizzle-kit ran with
        details.update(kit_line=result.kit_line, hints=result.hints)
    failure = refused or error or (None if result is None or result.ok else result.summary)
    log.append(build_record(action, project_root=root, url=url, environment=environment, checklist=checklist,
                            result=outcome, duration_s=time.monotonic() - started, error=failure, details=details))

