"""One registry of named actions: it feeds the key bindings, the footer, the help screen and the command palette.

Every action has a plain key and, where terminals commonly swallow or multiplexers take a key, an F-key too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.keys import format_key


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
    Action("batch", "p,f2", "Pending batch at a glance", short="Batch"),
    Action("problems", "e", "Problems status reports, in full", footer=False),
    Action("migration_detail", "i", "Details of the selected migration", footer=False),  # not a "Migrate" match
    Action("help", "question_mark,f1", "Help"),
    Action("quit", "q,ctrl+q", "Quit"),
)


def bindings() -> list[BindingType]:
    return [Binding(a.keys, a.id, a.short or a.description, show=a.footer, id=a.id) for a in ACTIONS]


# Textual's key names whose display is not the name with a capital (format_key gives "esc", "pgup", "f1").
_SPOKEN = {"escape": "Esc", "pageup": "PgUp", "pagedown": "PgDn", "space": "Space", "enter": "Enter", "tab": "Tab",
           "backspace": "Backspace", "delete": "Del", "insert": "Ins", "home": "Home", "end": "End"}


def key_display(key: str) -> str:
    """A Textual key name as people type it: question_mark → ?, f1 → F1, ctrl+q → Ctrl+Q, shift+tab → Shift+Tab;
    a letter keeps its case (`C` is Shift+c, a different key from `c`)."""
    *modifiers, name = key.split("+")
    if len(name) == 1:
        shown = name.upper() if modifiers else name  # Ctrl+Q is what the keyboard's key cap says
    elif name in _SPOKEN:
        shown = _SPOKEN[name]
    else:
        shown = format_key(name)  # question_mark → ?, up → ↑
        shown = shown.upper() if shown[:1] == "f" and shown[1:].isdigit() else shown
        shown = shown[:1].upper() + shown[1:]
    return "+".join([*(m.capitalize() for m in modifiers), shown])


def keys_display(keys: str, sep: str = " / ") -> str:
    """A binding's comma-separated keys for people: "question_mark,f1" → "? / F1"."""
    return sep.join(key_display(k.strip()) for k in keys.split(",") if k.strip())


def help_rows(rows: Iterable[tuple[str, str]]) -> str:
    rows = list(rows)
    width = max((len(keys) for keys, _ in rows), default=0)
    return "\n".join(f"  {keys:<{width + 2}} {text}" for keys, text in rows)


def help_text() -> str:
    """The application's own keys (the registry above), as the help screen lists them."""
    return help_rows((keys_display(a.keys), a.description) for a in ACTIONS)


def binding_rows(*owners: type[DOMNode]) -> list[tuple[str, str]]:
    """The keys a widget explains in its own BINDINGS (merged over its classes as Textual merges them: a subclass's
    key wins), one row per action with all its keys, for the help screen; bindings without a description are
    internal and skipped."""
    by_action: dict[str, tuple[str, list[str]]] = {}  # action → (its first description, its keys)
    for owner in owners:
        for key, bound in owner._merge_bindings().key_to_bindings.items():
            for binding in bound:
                if binding.description:
                    by_action.setdefault(binding.action, (binding.description, []))[1].append(key_display(key))
    return [(" / ".join(dict.fromkeys(keys)), description) for description, keys in by_action.values()]
