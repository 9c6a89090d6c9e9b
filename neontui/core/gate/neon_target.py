"""Whether a target is on Neon, and how to reach it through the API: neontui.toml's [neon] and the target's keys.

A target is a Neon one when its URL's host names a Neon endpoint (`ep-….neon.tech`) or neontui.toml names its
project (`neon_project`). Either way the API key comes from the variable [neon] names (NEON_API_KEY by default),
read only when a Neon call is about to be made, so a target that never needs the API never needs a key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from neontui.core.db.url import direct_url, parse_url
from neontui.core.gate.settings import NeonSettings, Settings, Target

if TYPE_CHECKING:  # the client (and its HTTP library) is imported when a Neon call is about to be made
    from neontui.core.neon.client import NeonClient
    from neontui.core.neon.place import NeonPlace

__all__ = ["NeonTarget", "neon_target"]


@dataclass(frozen=True)
class NeonTarget:
    settings: NeonSettings
    database: str
    role: str
    endpoint_id: str | None
    project_id: str | None
    branch: str | None  # id or name; None: the endpoint's branch

    def client(self, environ: Mapping[str, str] | None = None) -> NeonClient:
        """A client with the key from [neon] api_key_env; NeonKeyMissing (exit 3, naming the variable) without."""
        from neontui.core.neon.client import NeonClient

        env = os.environ if environ is None else environ
        variable = self.settings.api_key_env
        return NeonClient.from_env(variable, base_url=self.settings.api_url, environ=env)

    def has_key(self, environ: Mapping[str, str] | None = None) -> bool:
        """Whether the key variable is set (without reading more of it than that)."""
        env = os.environ if environ is None else environ
        return bool(env.get(self.settings.api_key_env, "").strip())

    def place(self, client: NeonClient) -> NeonPlace:
        from neontui.core.neon.place import locate

        return locate(client, database=self.database, role=self.role, endpoint_id=self.endpoint_id,
                      project_id=self.project_id, branch=self.branch)


def neon_target(url: str | None, settings: Settings, target: Target | None) -> NeonTarget | None:
    """The Neon facts of the target at `url`, or None when it is not a Neon target."""
    if not url:
        return None
    parsed = parse_url(direct_url(url)[0])
    project_id = target.neon_project if target is not None else None
    if parsed.endpoint_id is None and project_id is None:
        return None
    return NeonTarget(settings.neon, parsed.dbname or parsed.user or "", parsed.user or "", parsed.endpoint_id,
                      project_id, target.neon_branch if target is not None else None)
