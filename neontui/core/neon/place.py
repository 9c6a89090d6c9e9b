"""Where a database lives on Neon: its project, its branch and its logical database and role.

A Neon connection URL names a compute endpoint (`ep-…` in the host), never the project or the branch; the API
answers which (`NeonClient.find_endpoint`). A target can also name them in neontui.toml (`neon_project`,
`neon_branch`), which skips the lookup and lets a target reached through another host name (a proxy, the tests'
local API) be a Neon one. The database and role are the URL's: a branch holds the same databases and roles as its
parent, so a child branch is reached with the same names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from neontui.core.errors import ConfigError
from neontui.core.neon.client import Branch, NeonClient
from neontui.core.neon.errors import NeonNotFound

__all__ = ["NeonPlace", "expiry", "find_branch", "locate"]


@dataclass(frozen=True)
class NeonPlace:
    project_id: str
    branch_id: str
    branch_name: str
    database: str
    role: str
    endpoint_id: str | None = None

    def label(self) -> str:
        """What a user reads: `branch main (br-…) of project p-…, database neondb`."""
        return (f"branch {self.branch_name} ({self.branch_id}) of Neon project {self.project_id}, "
                f"database {self.database}")


def locate(client: NeonClient, *, database: str, role: str, endpoint_id: str | None = None,
           project_id: str | None = None, branch: str | None = None) -> NeonPlace:
    """The project and branch of a target: configured ones win, else the endpoint's (one lookup, cached).

    `branch` is a branch id (`br-…`) or a name. One ConfigError line when neither is known, a NeonNotFound when the
    API does not know them.
    """
    if project_id is None or branch is None:
        if endpoint_id is None:
            raise ConfigError("cannot tell which Neon project and branch this target is: the URL names no Neon "
                              "endpoint (ep-…)", hint="set neon_project and neon_branch for the target in "
                                                     "neontui.toml")
        endpoint = client.find_endpoint(endpoint_id, project_id=project_id)
        project_id = project_id or endpoint.project_id
        branch = branch or endpoint.branch_id
    found = find_branch(client, project_id, branch)
    return NeonPlace(project_id, found.id, found.name, database, role, endpoint_id)


def find_branch(client: NeonClient, project_id: str, wanted: str) -> Branch:
    """The branch of `project_id` whose id or name is `wanted` (an id wins over a name)."""
    branches = client.list_branches(project_id)
    for branch in branches:
        if branch.id == wanted:
            return branch
    named = [b for b in branches if b.name == wanted]
    if len(named) == 1:
        return named[0]
    if named:
        raise ConfigError(f"{len(named)} branches of Neon project {project_id} are named {wanted!r}",
                          hint="name the branch by its id (br-…)")
    raise NeonNotFound(f"Neon project {project_id} has no branch {wanted!r}", status=404,
                       hint="neonctl branches list shows them")


def expiry(seconds: float, at: datetime | None = None) -> str:
    """An RFC 3339 `expires_at` `seconds` from now, whole seconds in UTC: Neon deletes the branch then."""
    moment = (at or datetime.now(UTC)).astimezone(UTC) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
