"""`studio`: Drizzle Studio started for a project (with the policy's production warning), stopped by the caller."""

from __future__ import annotations

from dataclasses import dataclass

from neontui.core.drizzle.project import Project
from neontui.core.gate.environment import Environment
from neontui.core.gate.policy import Action, decide
from neontui.core.kit.studio import DEFAULT_HOST, DEFAULT_PORT, PORTS, Studio, StudioInfo

# PORTS: the CLI checks --port against it; Studio: the console keeps the running one.
__all__ = ["PORTS", "Studio", "StudioRun", "start_studio"]


@dataclass
class StudioRun:
    studio: Studio  # running; stop() it (the CLI on Ctrl-C, the console on the key or at exit)
    info: StudioInfo
    warnings: tuple[str, ...]  # the policy's: studio edits on production bypass the review


def start_studio(project: Project, *, port: int = DEFAULT_PORT, host: str = DEFAULT_HOST,
                 environment: Environment | None = None) -> StudioRun:
    """`environment`: known in the console; the CLI does not connect, so it passes none (no warning)."""
    warnings = decide(Action.STUDIO, environment, None, []).warnings if environment is not None else ()
    studio = Studio(project, port=port, host=host)
    return StudioRun(studio, studio.start(), warnings)
