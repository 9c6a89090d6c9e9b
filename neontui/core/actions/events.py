"""What the actions report while they run, for the fronts to render: drizzle-kit's session events and the
migrator's. The fronts may not import the runners that define them (the import contract in pyproject.toml), so the
action layer names them here. Importing this module loads the database driver: import it where an event arrives,
never at a front's start (the console's first frame must not wait for the driver).
"""

from neontui.core.kit.session import Event, Exited, Line, Progress, Prompt, find_choice
from neontui.core.migrate.migrator import MigrationFailed, PlanReady, StatementFinished, StatementStarted

__all__ = ["Event", "Exited", "Line", "MigrationFailed", "PlanReady", "Progress", "Prompt", "StatementFinished",
           "StatementStarted", "find_choice"]
