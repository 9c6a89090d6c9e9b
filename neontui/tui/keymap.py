"""One registry of named actions: it feeds the key bindings, the footer, the help screen and the command palette.

Every action has a plain key and, where terminals commonly swallow or multiplexers take a key, an F-key too.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Action:
    id: str
    keys: str  # comma-separated, as Textual's Binding takes them
    description: str
    footer: bool = True
    short: str = ""  # the footer's label when the description is too long for it (the footer has 120 columns)


ACTIONS = (
    Action("migrate", "m,f6", "Migrate"),
    Action("dry_run", "d,f7", "Dry run"),
    Action("rehearse", "t,f9", "Rehearse on a copy", short="Rehearse"),  # F8 is the SQL pane's next finding
    Action("refresh", "r,f5", "Refresh"),
    Action("generate", "g", "Generate"),
    Action("check", "C", "drizzle-kit check", footer=False),
    Action("push", "P", "drizzle-kit push (development)", footer=False),
    Action("studio", "S", "Start/stop Drizzle Studio", footer=False),
    Action("copy", "y", "Copy statement"),
    Action("export_rollback", "R", "Export rollback SQL", footer=False),
    Action("audit", "a", "Audit log", footer=False),
    Action("upgrade", "U", "drizzle 1.0 upgrade preview", footer=False),
    Action("backup", "b", "Back up the target", footer=False),
    Action("restore", "X", "Restore the target from a backup", footer=False),
    Action("diff", "v", "Schema diff against a backup or copy", footer=False),
    Action("help", "question_mark,f1", "Help"),
    Action("quit", "q,ctrl+q", "Quit"),
)


def bindings() -> list[BindingType]:
    return [Binding(a.keys, a.id, a.short or a.description, show=a.footer, id=a.id) for a in ACTIONS]


def help_text() -> str:
    width = max(len(a.keys) for a in ACTIONS)
    return "\n".join(f"{a.keys.replace(',', ' / '):<{width + 4}} {a.description}" for a in ACTIONS)
