"""Why `drizzle-kit migrate` failed, read from its output.

0.31.10+ prints nothing (docs/compatibility.md#drizzle-kit-exit-codes). 1.0 (observed with rc.5) prints the
driver's error object (a Node inspect dump whose first line is e.g. `error: relation "nosuch" does not exist`, with
`code: '42P01'`) and then `[✗] Error during migration:` followed by the failed query; it refuses a conflicting history
or a 0.x folder before connecting, with a message of its own. Whole batch rolled back in every case (one transaction).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

FAILED_MARKER = "Error during migration:"
_DRIVER_ERROR = re.compile(r"^\s*(?:[A-Z]\w*Error|error|Error): (?P<message>.+)$")
_CODE = re.compile(r"^\s*code: '(?P<code>[0-9A-Z_]+)'")
_REFUSALS = (
    (re.compile(r"Conflicting migrations detected.*"), "the migration branches conflict (neontui status names "
                                                       "them; the way out is drizzle-kit generate --fix-conflicts)"),
    (re.compile(r"Your migrations folder format is outdated.*"), "the migrations folder is in the 0.x format: "
                                                                 "run neontui upgrade"),
)
_MAX_QUERY = 300


def migrate_failure(lines: Sequence[str]) -> str | None:
    """One line: the driver's error (SQLSTATE) and the failed query, or the kit's refusal; None when the output
    says nothing (0.31)."""
    for pattern, why in _REFUSALS:
        found = next((m.group(0).strip() for line in lines if (m := pattern.search(line))), None)
        if found:
            return f"{found}: {why}"
    marker = next((i for i, line in enumerate(lines) if FAILED_MARKER in line), None)
    if marker is None:
        return None
    driver = next((m.group("message").strip() for line in lines if (m := _DRIVER_ERROR.match(line))), None)
    code = next((m.group("code") for line in lines if (m := _CODE.match(line))), None)
    message = _message_after(lines[marker + 1:])
    parts = [f"{driver}{f' ({code})' if code else ''}" if driver else "", message]
    return "; ".join(p for p in parts if p) or "drizzle-kit printed the error marker without a message"


def _message_after(lines: Sequence[str]) -> str:
    """The kit's message after the marker: up to the first blank line after some text, or a driver dump."""
    taken: list[str] = []
    for line in lines:
        text = line.strip()
        if not text:
            if taken:
                break
            continue
        if _DRIVER_ERROR.match(line) or text.startswith(("at ", "{", "}")):
            break
        taken.append(text)
    message = " ".join(taken)
    return message if len(message) <= _MAX_QUERY else message[:_MAX_QUERY] + "…"
