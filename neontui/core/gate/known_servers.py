"""Production servers this machine has reached: each production target's server identity, remembered.

The same server reached later under another name (an SSH tunnel on localhost, an IP address, a service file) is
then still that production target, even where the target's URL variable is not set on this machine. Entries are
keyed by the settings file and the target name, so they apply only while that file still marks the target
production. A missing, unreadable or corrupt file remembers nothing; writing is best effort.
"""

from __future__ import annotations

import json
from pathlib import Path

from neontui.core.db.connect import ServerIdentity
from neontui.core.paths import state_dir, write_json_atomic

_VERSION = 1
_PER_TARGET = 8  # a target's server may move (a new address, a restored cluster): keep the few newest


class KnownServers:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else state_dir() / "production-servers.json"

    def identities(self, settings: Path | None) -> dict[str, list[ServerIdentity]]:
        """Target name → the identities remembered for it under this settings file."""
        prefix = _prefix(settings)
        found: dict[str, list[ServerIdentity]] = {}
        for key, raw in self._read().items():
            if key.startswith(prefix) and isinstance(raw, list):
                identities = [i for i in map(ServerIdentity.from_json, raw) if i is not None]
                found[key[len(prefix):]] = identities
        return found

    def remember(self, settings: Path | None, target: str, identity: ServerIdentity) -> None:
        if not identity.facts:
            return
        data = self._read()
        key = _prefix(settings) + target
        stored = data.get(key)
        kept = [i for i in map(ServerIdentity.from_json, stored if isinstance(stored, list) else [])
                if i is not None and i != identity]
        data[key] = [identity.to_json()] + [i.to_json() for i in kept[: _PER_TARGET - 1]]
        self._write(data)

    def _read(self) -> dict[str, object]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != _VERSION or not isinstance(data.get("targets"), dict):
            return {}
        return dict(data["targets"])

    def _write(self, targets: dict[str, object]) -> None:
        write_json_atomic(self.path, {"version": _VERSION, "targets": targets})


def _prefix(settings: Path | None) -> str:
    return f"{Path(settings).resolve() if settings else ''}\0"
