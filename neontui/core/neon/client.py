"""A small client for the Neon API v2 (https://console.neon.tech/api/v2): only the calls neontui makes.

Why not PyPI `neon-api`: its connection URI always targets the default branch, it has no restore or schema diff, and
its closed enums reject operation actions Neon added since (docs/neon.md). This client reads only the fields it
needs, so a new field or a new operation action never breaks it.

Every call has a timeout; 423 (another operation holds the resource), 429 and 503 are retried with backoff for every
method, honouring Retry-After, because Neon documents them as safe to repeat; other 5xx and network errors are
retried for GET only (a POST or DELETE may already have been applied). The API key is registered with the masking
helper before the first request and is kept out of every message, repr and log line.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from neontui.core.db.url import parse_url
from neontui.core.neon.errors import (
    NeonApiError,
    NeonAuthError,
    NeonBranchLimit,
    NeonKeyMissing,
    NeonNotFound,
    NeonOperationFailed,
    NeonPlanLimit,
    NeonRetryExhausted,
    NeonTimeout,
)
from neontui.core.redact import redact, remember_secret

if TYPE_CHECKING:
    from neontui.core.neon.http import httpx

DEFAULT_BASE_URL = "https://console.neon.tech/api/v2"
DEFAULT_KEY_VARIABLE = "NEON_API_KEY"
# connect 10 s, every read/write 30 s: Neon answers in well under a second; a hang must not hold a migration.
DEFAULT_TIMEOUT_S, CONNECT_TIMEOUT_S = 30.0, 10.0
MAX_ATTEMPTS = 5  # neonctl retries 423 five times
MAX_DELAY = 30.0  # the longest wait between attempts, Retry-After included
OPERATION_POLL_INTERVAL = 2.0
OPERATION_TIMEOUT = 300.0  # creating a branch takes about a second; five minutes means Neon is stuck

_RETRY_ALWAYS = {423, 429, 503}  # documented safe to repeat for any method
_IDEMPOTENT = {"GET", "HEAD", "OPTIONS"}
_OPERATION_DONE = {"finished", "skipped"}
_OPERATION_FAILED = {"failed", "error", "cancelled"}
_PAGE_LIMIT = 400
_MAX_PAGES = 100  # a cursor that never ends must not loop forever

log = logging.getLogger("neontui.neon")


@dataclass(frozen=True)
class Operation:
    id: str
    project_id: str
    action: str  # an open string: Neon adds actions over time
    status: str
    error: str | None = None

    @classmethod
    def of(cls, doc: Mapping[str, Any]) -> Operation:
        return cls(doc["id"], doc["project_id"], str(doc["action"]), str(doc["status"]), doc.get("error"))


@dataclass(frozen=True)
class Branch:
    id: str
    project_id: str
    name: str
    parent_id: str | None = None
    default: bool = False
    expires_at: str | None = None
    created_at: str | None = None
    restored_as: str | None = None  # a branch restored from a snapshot: the id of the branch it replaced

    @classmethod
    def of(cls, doc: Mapping[str, Any]) -> Branch:
        return cls(doc["id"], doc["project_id"], doc["name"], doc.get("parent_id"), bool(doc.get("default")),
                   doc.get("expires_at"), doc.get("created_at"), doc.get("restored_as"))


@dataclass(frozen=True)
class Endpoint:
    id: str
    project_id: str
    branch_id: str
    host: str
    type: str

    @classmethod
    def of(cls, doc: Mapping[str, Any]) -> Endpoint:
        return cls(doc["id"], doc["project_id"], doc["branch_id"], doc["host"], str(doc["type"]))


@dataclass(frozen=True)
class CreatedBranch:
    branch: Branch
    endpoints: tuple[Endpoint, ...]
    operations: tuple[Operation, ...]
    # Neon omits connection_uris when the parent has several roles or databases (then call connection_uri).
    connection_uris: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class BranchChange:
    """What restore and delete return: the branch as it now is and the operations still running."""

    branch: Branch | None
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class Snapshot:
    """A snapshot (Neon beta): the project-level copy of a branch at one moment."""

    id: str
    name: str
    created_at: str
    source_branch_id: str | None = None
    expires_at: str | None = None

    @classmethod
    def of(cls, doc: Mapping[str, Any]) -> Snapshot:
        return cls(doc["id"], doc["name"], doc["created_at"], doc.get("source_branch_id"), doc.get("expires_at"))


@dataclass(frozen=True)
class CreatedSnapshot:
    snapshot: Snapshot
    operations: tuple[Operation, ...]


_endpoint_cache: dict[tuple[str, str], Endpoint] = {}


def clear_endpoint_cache() -> None:
    _endpoint_cache.clear()


class NeonClient:
    """One API key, one base URL. Use as a context manager, or call close()."""

    def __init__(self, api_key: str, *, base_url: str = DEFAULT_BASE_URL,
                 timeout: httpx.Timeout | float | None = None, max_attempts: int = MAX_ATTEMPTS,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not api_key.strip():
            raise NeonKeyMissing("the Neon API key is empty")
        remember_secret(api_key)  # before anything could echo it
        self.base_url = base_url.rstrip("/")
        self._max_attempts = max(1, max_attempts)
        self._sleep = sleep
        # Imported here, not with the module: every command that might take a Neon backup imports this one, and httpx
        # is 20–40 ms of start-up that only a Neon call needs.
        from neontui.core.neon.http import httpx

        if timeout is None:
            timeout = httpx.Timeout(DEFAULT_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, follow_redirects=False,
                                  headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"})

    @classmethod
    def from_env(cls, variable: str = DEFAULT_KEY_VARIABLE, *, environ: Mapping[str, str] | None = None,
                 **options: Any) -> NeonClient:
        key = (os.environ if environ is None else environ).get(variable, "")
        if not key.strip():
            raise NeonKeyMissing(f"{variable} is not set",
                                 hint="create an API key at https://console.neon.tech/app/settings/api-keys")
        return cls(key, **options)

    def __repr__(self) -> str:
        return f"NeonClient(base_url={self.base_url!r})"

    def __enter__(self) -> NeonClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- finding the project and branch of an endpoint -------------------------------------------------------

    def find_endpoint(self, endpoint_id: str, *, project_id: str | None = None,
                      region_id: str | None = None) -> Endpoint:
        """The project and branch behind a compute endpoint (`ep-…`). Neon has no global endpoint lookup, so
        without a project id this lists every project the key sees; the answer is cached for the process."""
        cached = _endpoint_cache.get((self.base_url, endpoint_id))
        if cached is not None:
            return cached
        if project_id is not None:
            found = Endpoint.of(self._get(f"/projects/{project_id}/endpoints/{endpoint_id}")["endpoint"])
        else:
            found = self._search_endpoint(endpoint_id, region_id)
        _endpoint_cache[(self.base_url, endpoint_id)] = found
        return found

    def _search_endpoint(self, endpoint_id: str, region_id: str | None) -> Endpoint:
        for project in self._projects():
            if region_id is not None and project.get("region_id") != region_id:
                continue
            for doc in self._get(f"/projects/{project['id']}/endpoints")["endpoints"]:
                if doc["id"] == endpoint_id:
                    return Endpoint.of(doc)
        raise NeonNotFound(f"no Neon project this API key can see has the endpoint {endpoint_id}", status=404,
                           hint="check the key's organization, or pass the project id")

    def _projects(self) -> Iterable[Mapping[str, Any]]:
        # A personal key must name the organization; an organization or project key lists its one org.
        orgs = [org["id"] for org in self._get("/users/me/organizations")["organizations"]]
        for org_id in orgs or [None]:
            params: dict[str, Any] = {"limit": _PAGE_LIMIT}
            if org_id is not None:
                params["org_id"] = org_id
            yield from self._paged("/projects", params, "projects", lambda doc: doc.get("pagination", {}).get("cursor"))

    def _paged(self, path: str, params: dict[str, Any], key: str,
               next_cursor: Callable[[Mapping[str, Any]], str | None]) -> Iterable[Mapping[str, Any]]:
        for _ in range(_MAX_PAGES):
            doc = self._get(path, params)
            items = doc.get(key, [])
            yield from items
            cursor = next_cursor(doc)
            if len(items) < params["limit"] or not cursor or cursor == params.get("cursor"):
                return
            params = {**params, "cursor": cursor}

    # --- branches ----------------------------------------------------------------------------------------------

    def list_branches(self, project_id: str, *, search: str | None = None) -> list[Branch]:
        params: dict[str, Any] = {"limit": _PAGE_LIMIT}
        if search:
            params["search"] = search
        docs = self._paged(f"/projects/{project_id}/branches", params, "branches",
                           lambda doc: doc.get("pagination", {}).get("next"))
        return [Branch.of(doc) for doc in docs]

    def create_branch(self, project_id: str, *, parent_id: str, name: str, expires_at: str | None = None,
                      endpoint: bool = True) -> CreatedBranch:
        """A child of `parent_id` at its head. `expires_at` (RFC 3339) makes Neon delete it even if neontui
        cannot; `endpoint=False` makes a no-compute branch (a backup: not connectable, costs no compute)."""
        branch: dict[str, Any] = {"parent_id": parent_id, "name": name}
        if expires_at is not None:
            branch["expires_at"] = expires_at
        body = {"branch": branch, "endpoints": [{"type": "read_write"}] if endpoint else []}
        doc = self._request("POST", f"/projects/{project_id}/branches", json=body)
        uris = tuple(_remember(item["connection_uri"]) for item in doc.get("connection_uris") or [])
        return CreatedBranch(Branch.of(doc["branch"]), tuple(Endpoint.of(e) for e in doc.get("endpoints", [])),
                             _operations(doc), uris)

    def restore_branch(self, project_id: str, branch_id: str, *, source_branch_id: str,
                       source_timestamp: str | None = None, source_lsn: str | None = None,
                       preserve_under_name: str | None = None) -> BranchChange:
        """Overwrite every database on `branch_id` with `source_branch_id` (at its head, or a point in time).
        `preserve_under_name` keeps the pre-restore state as a branch; Neon requires it when the branch has
        children or is restored from its own history."""
        body: dict[str, Any] = {"source_branch_id": source_branch_id}
        optional = {"source_timestamp": source_timestamp, "source_lsn": source_lsn,
                    "preserve_under_name": preserve_under_name}
        body.update({key: value for key, value in optional.items() if value is not None})
        doc = self._request("POST", f"/projects/{project_id}/branches/{branch_id}/restore", json=body)
        return BranchChange(Branch.of(doc["branch"]), _operations(doc))

    def delete_branch(self, project_id: str, branch_id: str) -> BranchChange:
        """Delete a branch; a branch that is already gone (204) is not an error."""
        doc = self._request("DELETE", f"/projects/{project_id}/branches/{branch_id}")
        if not doc:
            return BranchChange(None, ())
        return BranchChange(Branch.of(doc["branch"]), _operations(doc))

    def connection_uri(self, project_id: str, *, branch_id: str, database_name: str, role_name: str,
                       endpoint_id: str | None = None, pooled: bool = False) -> str:
        """The branch's connection URI (its password registered for masking). Run migrations on the direct
        host: `pooled` is False unless asked."""
        params: dict[str, Any] = {"branch_id": branch_id, "database_name": database_name, "role_name": role_name,
                                  "pooled": "true" if pooled else "false"}
        if endpoint_id is not None:
            params["endpoint_id"] = endpoint_id
        return _remember(self._get(f"/projects/{project_id}/connection_uri", params)["uri"])

    def compare_schema(self, project_id: str, branch_id: str, *, base_branch_id: str, db_name: str) -> str:
        """The unified diff of `db_name`'s schema on `base_branch_id` (a) against `branch_id` (b); "" if equal."""
        params = {"base_branch_id": base_branch_id, "db_name": db_name}
        doc = self._get(f"/projects/{project_id}/branches/{branch_id}/compare_schema", params)
        return str(doc.get("diff") or "")

    # --- snapshots (beta in Neon's spec) ---------------------------------------------------------------------

    def create_snapshot(self, project_id: str, branch_id: str, *, name: str | None = None,
                        expires_at: str | None = None) -> CreatedSnapshot:
        """A snapshot of `branch_id` at its head; its operations may still run (wait_for_operations). Neon takes
        the options as query parameters, not a body."""
        params = {key: value for key, value in {"name": name, "expires_at": expires_at}.items() if value is not None}
        doc = self._request("POST", f"/projects/{project_id}/branches/{branch_id}/snapshot", params=params)
        return CreatedSnapshot(Snapshot.of(doc["snapshot"]), _operations(doc))

    def list_snapshots(self, project_id: str) -> list[Snapshot]:
        """Every snapshot of the project (the spec documents no paging for this list)."""
        return [Snapshot.of(doc) for doc in self._get(f"/projects/{project_id}/snapshots").get("snapshots", [])]

    def restore_snapshot(self, project_id: str, snapshot_id: str, *, target_branch_id: str | None = None,
                         finalize_restore: bool = True) -> BranchChange:
        """Restore a snapshot into a new branch. With `finalize_restore` (neontui's default; Neon's is false) the new
        branch replaces `target_branch_id` (default: the snapshot's source branch): it takes the branch's name and
        computes, and the replaced branch is renamed and keeps the state before. Returns the new branch."""
        body: dict[str, Any] = {"finalize_restore": finalize_restore}
        if target_branch_id is not None:
            body["target_branch_id"] = target_branch_id
        doc = self._request("POST", f"/projects/{project_id}/snapshots/{snapshot_id}/restore", json=body)
        return BranchChange(Branch.of(doc["branch"]), _operations(doc))

    def delete_snapshot(self, project_id: str, snapshot_id: str) -> tuple[Operation, ...]:
        """Delete a snapshot; the operations that do it (wait_for_operations to be sure)."""
        return _operations(self._request("DELETE", f"/projects/{project_id}/snapshots/{snapshot_id}"))

    # --- operations --------------------------------------------------------------------------------------------

    def wait_for_operations(self, operations: Iterable[Operation], *, timeout: float = OPERATION_TIMEOUT,
                            interval: float = OPERATION_POLL_INTERVAL) -> list[Operation]:
        """Poll each operation until it is finished or skipped; a failure or the deadline raises."""
        deadline = time.monotonic() + timeout
        done: list[Operation] = []
        for op in operations:
            while op.status not in _OPERATION_DONE:
                if op.status in _OPERATION_FAILED:
                    raise NeonOperationFailed(f"Neon operation {op.action} ({op.id}) {op.status}"
                                              + (f": {op.error}" if op.error else ""))
                if time.monotonic() >= deadline:
                    raise NeonTimeout(f"Neon operation {op.action} ({op.id}) still {op.status} after {timeout:g} s",
                                      safe_to_retry=True, hint="it may still finish: check the Neon console")
                self._sleep(interval)
                op = Operation.of(self._get(f"/projects/{op.project_id}/operations/{op.id}")["operation"])
            done.append(op)
        return done

    # --- transport ---------------------------------------------------------------------------------------------

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self._request("GET", path, params=params)

    def _request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                 json: object = None) -> dict[str, Any]:
        """One call with its bounded retries; the JSON body of the success ({} for 204), or a NeonApiError."""
        for attempt in range(1, self._max_attempts + 1):
            response = self._send(method, path, params, json, last=attempt == self._max_attempts)
            if response is None:  # a network error on a call that is safe to repeat
                self._sleep(_backoff(attempt))
                continue
            log.debug(redact(f"{method} {path} -> {response.status_code} (attempt {attempt})"))
            if response.status_code < 400:
                return _body(response)
            if attempt < self._max_attempts and _retryable(method, response.status_code):
                self._sleep(_retry_delay(response, attempt))
                continue
            raise _error(method, path, response, attempts=attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _send(self, method: str, path: str, params: Mapping[str, Any] | None, json: object,
              *, last: bool) -> httpx.Response | None:
        from neontui.core.neon.http import httpx

        try:
            return self._http.request(method, path, params=params, json=json)
        except httpx.TimeoutException as exc:
            if method in _IDEMPOTENT and not last:
                return None
            raise _timeout(method, path, exc) from None
        except httpx.TransportError as exc:
            if method in _IDEMPOTENT and not last:
                return None
            raise NeonApiError(f"Neon API {method} {path}: {type(exc).__name__}: {exc}",
                               hint=None if method in _IDEMPOTENT else "it may have been applied") from None


def _operations(doc: Mapping[str, Any]) -> tuple[Operation, ...]:
    return tuple(Operation.of(op) for op in doc.get("operations", []))


def _remember(uri: str) -> str:
    parse_url(uri)  # registers the password with the masking helper
    return uri


def _body(response: httpx.Response) -> dict[str, Any]:
    if response.status_code == 204 or not response.content:
        return {}
    try:
        doc = response.json()
    except ValueError:
        raise NeonApiError(f"Neon API answered {response.status_code} with a body that is not JSON",
                           status=response.status_code) from None
    if not isinstance(doc, dict):
        raise NeonApiError("Neon API answered with JSON that is not an object", status=response.status_code)
    return doc


def _retryable(method: str, status: int) -> bool:
    return status in _RETRY_ALWAYS or (status >= 500 and method in _IDEMPOTENT)


def _backoff(attempt: int) -> float:
    return float(min(MAX_DELAY, 2 ** (attempt - 1)))


def _retry_delay(response: httpx.Response, attempt: int) -> float:
    """Retry-After (seconds or an HTTP date) when the server sent one, else exponential backoff; never over
    MAX_DELAY, so that a bad header cannot park a migration."""
    header = response.headers.get("Retry-After")
    if header:
        try:
            return min(MAX_DELAY, max(0.0, float(header)))
        except ValueError:
            try:
                when = parsedate_to_datetime(header).timestamp()
                return min(MAX_DELAY, max(0.0, when - time.time()))
            except (TypeError, ValueError):
                pass
    return _backoff(attempt)


def _timeout(method: str, path: str, exc: httpx.TimeoutException) -> NeonTimeout:
    safe = method in _IDEMPOTENT
    hint = "nothing was changed; try again" if safe else "it may have been applied: check the branches"
    return NeonTimeout(f"Neon API {method} {path} did not answer in time ({type(exc).__name__})", safe_to_retry=safe,
                       hint=hint)


def _error(method: str, path: str, response: httpx.Response, *, attempts: int) -> NeonApiError:
    status = response.status_code
    code, message = _error_body(response)
    where = f"Neon API {method} {path}: {status}" + (f" {code}" if code else "")
    text = f"{where}: {message}" if message else where
    if status in (401, 403):
        return NeonAuthError(f"the Neon API key was refused ({status}{' ' + code if code else ''})",
                             status=status, code=code, hint="check NEON_API_KEY or create a new key")
    if status == 404:
        return NeonNotFound(text, status=status, code=code)
    if code == "BRANCHES_LIMIT_EXCEEDED" or code == "ROOT_BRANCHES_LIMIT_EXCEEDED":
        return NeonBranchLimit(f"the project has reached its plan's branch limit ({code}): {message}", status=status,
                               code=code, hint="delete unused branches (neontui-* ones first) or upgrade the plan")
    if status == 402 or (code or "").endswith("_LIMIT_EXCEEDED"):
        return NeonPlanLimit(text, status=status, code=code, hint="the Neon plan does not allow this")
    if _retryable(method, status):
        return NeonRetryExhausted(f"{text} (gave up after {attempts} attempts)", status=status, code=code)
    return NeonApiError(text, status=status, code=code)


def _error_body(response: httpx.Response) -> tuple[str | None, str]:
    """Neon's GeneralError `{code, message}`; a body that is not one is shown shortened (it may be HTML)."""
    try:
        doc = response.json()
    except ValueError:
        return None, " ".join(response.text.split())[:200]
    if not isinstance(doc, dict):
        return None, ""
    code = doc.get("code") or None
    return (str(code) if code else None), " ".join(str(doc.get("message") or "").split())[:500]
