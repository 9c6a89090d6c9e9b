"""drizzle-kit 1.0's questions as `--hints`, asked the way 0.31's prompts were.

A `missing_hints` envelope lists `unresolved` items: `rename_or_create` (`{kind, entity}`) and `confirm_data_loss`
(`{kind, entity, reason}`). Each becomes a `Prompt` with the same question and choices 0.31 drew ("+ x create
column", "~ old › x rename column"; "No, abort" / "Yes, …"), so the CLI's --rename/--create/--accept-data-loss and
the console's dialog answer both lines alike; the chosen choice becomes the reply hint
(`{type: rename, kind, from, to}`, `{type: create, kind, entity}`, `{type: confirm_data_loss, kind, entity}`).

rc.5 does not say which deleted entities a rename could come from. A dry run (`--explain`) that answers every open
question with "create" (and "confirm", which --explain applies nothing for) lists the statements, and the entities it
would drop are the candidates, as in 0.31's prompt.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from neontui.core.kit.session import Prompt

RENAME_OR_CREATE, CONFIRM_DATA_LOSS = "rename_or_create", "confirm_data_loss"
# The `entityType` rc.5 writes in --explain statements for a hint `kind` (observed: columns, tables, fks; the
# others follow the kit's snapshot collection names).
_ENTITY_TYPES = {"index": "indexes", "policy": "policies", "primary_key": "pks", "foreign key": "fks"}
_ABORT, _CONFIRM = "No, abort", "Yes, I want to"

Entity = tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """One unresolved item and the prompt asked for it; `candidates[i]` is the `from` of choice i + 1."""

    item: dict[str, Any]
    prompt: Prompt
    candidates: tuple[Entity, ...] = ()

    def reply(self, choice: int) -> dict[str, Any] | None:
        """The hint for `choice`, or None when it declines (data loss: "No, abort")."""
        kind, entity = self.item.get("kind"), list(self.item.get("entity") or [])
        if self.item.get("type") == CONFIRM_DATA_LOSS:
            if not self.prompt.choices[choice].startswith(_CONFIRM):
                return None
            return {"type": CONFIRM_DATA_LOSS, "kind": kind, "entity": entity}
        if choice == 0:
            return {"type": "create", "kind": kind, "entity": entity}
        return {"type": "rename", "kind": kind, "from": list(self.candidates[choice - 1]), "to": entity}


def provisional(item: dict[str, Any]) -> dict[str, Any]:
    """The answer a dry run uses to see past an item: create, or confirm (--explain applies nothing)."""
    kind, entity = item.get("kind"), list(item.get("entity") or [])
    if item.get("type") == CONFIRM_DATA_LOSS:
        return {"type": CONFIRM_DATA_LOSS, "kind": kind, "entity": entity}
    return {"type": "create", "kind": kind, "entity": entity}


def dropped_entities(statements: list[Any]) -> dict[str, list[Entity]]:
    """Entities the planned statements drop, by entityType: `(schema, table, name)` for table-level entities,
    `(schema, name)` for tables, views, enums, sequences, `(name,)` for schemas and roles."""
    found: dict[str, list[Entity]] = {}
    for node in _dicts(statements):
        if node.get("$diffType") != "drop" or not isinstance(node.get("entityType"), str):
            continue
        parts = tuple(str(node[k]) for k in ("schema", "table", "name") if isinstance(node.get(k), str))
        found.setdefault(node["entityType"], []).append(parts)
    return found


def describe_statement(statement: dict[str, Any]) -> str:
    """An --explain statement in one line: its type and the entity, e.g. "add_column public.users.age"."""
    entity = next((n for n in _dicts(statement) if "$diffType" in n), {})
    name = ".".join(str(entity[k]) for k in ("schema", "table", "name") if isinstance(entity.get(k), str))
    return f"{statement.get('type', 'statement')} {name}".strip()


def question_for(item: dict[str, Any], dropped: dict[str, list[Entity]]) -> Question:
    if item.get("type") == CONFIRM_DATA_LOSS:
        return _data_loss(item)
    return _rename(item, dropped)


def _rename(item: dict[str, Any], dropped: dict[str, list[Entity]]) -> Question:
    kind = str(item.get("kind"))
    entity = tuple(str(p) for p in item.get("entity") or ())
    name = entity[-1] if entity else "?"
    candidates = [c for c in dropped.get(_ENTITY_TYPES.get(kind, kind + "s"), []) if len(c) == len(entity)]
    if len(entity) == 3:  # a column (index, constraint…) is renamed within its table
        candidates = [c for c in candidates if c[:2] == entity[:2]]
        question = f"Is {name} {kind} in {entity[1]} table created or renamed from another {kind}?"
    else:
        question = f"Is {name} {kind} created or renamed from another {kind}?"
    choices = [f"+ {name} create {kind}",
               *(f"~ {_short(c, entity)} › {name} rename {kind}" for c in candidates)]
    prompt = Prompt(question=question, choices=tuple(choices), selected=0)
    return Question(item, prompt, tuple(candidates))


def _data_loss(item: dict[str, Any]) -> Question:
    kind = str(item.get("kind"))
    entity = tuple(str(p) for p in item.get("entity") or ())
    where = f" in {entity[1]} table" if len(entity) == 3 else ""
    reason = item.get("reason")
    why = "it has data" if reason == "non_empty" else str(reason or "data loss")
    context = ("Warning  Found data-loss statements:",
               f"· You're about to delete {entity[-1] if entity else '?'} {kind}{where} ({why})",
               "THIS ACTION WILL CAUSE DATA LOSS AND CANNOT BE REVERTED")
    prompt = Prompt(question="Do you still want to push changes?",
                    choices=(_ABORT, f"{_CONFIRM} remove the {kind} {'.'.join(entity)}"), selected=0,
                    context=context)
    return Question(item, prompt)


def _short(candidate: Entity, entity: Entity) -> str:
    """The old name as 0.31 showed it: qualified only when it is in another schema."""
    if len(candidate) == 2 and candidate[0] != entity[0]:
        return ".".join(candidate)
    return candidate[-1]


def _dicts(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _dicts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dicts(value)
