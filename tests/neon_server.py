"""A local Neon API (v2) for tests: exactly the endpoints neontui's client uses, backed by real databases.

A project holds branches; each branch is one real database on the test PostgreSQL (the parent's copy, made with
`CREATE DATABASE … TEMPLATE`), exposed as the logical database `neondb` owned by `neondb_owner`. Every request and
every response is validated against Neon's published OpenAPI spec (tests/neon_spec.py): a request the spec does
not allow is answered 400 `SPEC_VIOLATION`, a response the server got wrong 500, and both are recorded in
`violations`, which the `neon_api` fixture asserts empty, so a mismatch fails the test loudly.

Snapshots (beta in the spec) are real databases too: a snapshot is a template copy of its branch's database, and a
restore with `finalize_restore` makes a new branch from it that takes the target's name, compute and database name
(the target's own database is renamed and stays with the replaced branch, renamed `<name>_old_<time>`).

Faults (401s, 423s, 429 with Retry-After, plan limits) are queued with `fail_next`; they are validated too.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import psycopg
from psycopg import sql

from neontui.core.db.url import parse_url, with_database
from tests.neon_spec import BASE_PATH, Spec, SpecViolation, spec

REGION = "aws-us-east-2"
ORG_ID = "org-local-test-00000000"
DB_NAME = "neondb"
ROLE = "neondb_owner"

_SCHEMA_QUERY = """
select format('%s.%s %s %s%s', c.table_schema, c.table_name, c.column_name, c.data_type,
              case when c.is_nullable = 'NO' then ' not null' else '' end)
  from information_schema.columns c
 where c.table_schema not in ('pg_catalog', 'information_schema')
 order by c.table_schema, c.table_name, c.ordinal_position
"""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


@dataclass
class BranchState:
    id: str
    name: str
    database: str  # the real database behind it
    parent_id: str | None
    default: bool = False
    expires_at: str | None = None
    created_at: str = field(default_factory=_now)
    endpoint_id: str | None = None
    restored_as: str | None = None  # made by a snapshot restore: the branch it replaced
    restored_from: str | None = None  # made by a snapshot restore: the snapshot


@dataclass
class SnapshotState:
    id: str
    name: str
    database: str  # the real database: a template copy of the branch at that moment
    source_branch_id: str
    created_at: str = field(default_factory=_now)
    expires_at: str | None = None


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    status: int
    body: dict[str, Any] | None
    headers: dict[str, str]
    times: int


@dataclass
class Project:
    id: str
    name: str
    branches: dict[str, BranchState] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    snapshots: dict[str, SnapshotState] = field(default_factory=dict)


class NeonLocal:
    """The API's state and behaviour; `url` is the base URL to hand to NeonClient."""

    def __init__(self, admin_url: str, main_database_url: str, *, api_key: str, polls_until_done: int = 0,
                 db_name: str = DB_NAME, role: str = ROLE) -> None:
        """`db_name` and `role`: the one logical database and its owner every branch shows (a target's own names
        when neontui reaches it with its URL's database and user)."""
        self.admin_url = admin_url
        self.db_name, self.role = db_name, role
        self.api_key = api_key
        self.polls_until_done = polls_until_done  # 0: operations are finished when returned
        self.operations_end = "finished"  # how a polled operation ends ("failed", "error", "cancelled")
        self.branch_limit: int | None = None
        self.violations: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self.spec: Spec = spec()
        self._faults: list[Fault] = []
        self._operations: dict[str, dict[str, Any]] = {}
        self._polls: dict[str, int] = {}
        self._created_databases: list[str] = []
        self._lock = threading.Lock()
        main = parse_url(main_database_url).dbname or ""
        self.project = Project("local-project-00000001", "neontui-tests")
        self.decoy = Project("local-decoy-00000002", "another-project")  # so that a lookup has to search
        root = self._add_branch(self.project, "main", main, None, default=True)
        self.main_branch_id, self.main_endpoint_id = root.id, root.endpoint_id or ""
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.app = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{BASE_PATH}"

    def fail_next(self, method: str, path: str, status: int, *, code: str = "", message: str = "",
                  headers: dict[str, str] | None = None, times: int = 1) -> None:
        """Answer the next `times` calls of `method` on a path matching the regex `path` with this error."""
        body = {"code": code, "message": message or f"injected {status}"}
        self._faults.append(Fault(method, re.compile(path), status, body, headers or {}, times))

    def database_url(self, branch_id: str) -> str:
        return with_database(self.admin_url, self.project.branches[branch_id].database)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            for name in self._created_databases:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    # --- one request ---------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any, dict[str, str]]:
        parts = urlsplit(target)
        query = parse_qs(parts.query, keep_blank_values=True)
        self.requests.append((method, parts.path))
        try:
            route, params = self.spec.route(method, parts.path.removeprefix(BASE_PATH))
        except SpecViolation as exc:
            return self._violation(404, str(exc))
        status, body, extra = self._answer(route, params, query, headers, raw)
        try:
            self.spec.check_response(route, status, body)
        except SpecViolation as exc:
            return self._violation(500, f"the local server's response broke the spec: {exc}")
        return status, body, extra

    def _answer(self, route: Any, params: dict[str, str], query: dict[str, list[str]], headers: dict[str, str],
                raw: bytes) -> tuple[int, Any, dict[str, str]]:
        if headers.get("authorization") != f"Bearer {self.api_key}":
            return 401, {"code": "", "message": "authorization failed"}, {}
        try:
            body = json.loads(raw) if raw else None
            self.spec.check_request(route, query, body)
        except (SpecViolation, ValueError) as exc:
            self.violations.append(str(exc))
            return 400, {"code": "SPEC_VIOLATION", "message": str(exc)}, {}
        fault = self._fault(route.method, route.template, params)
        if fault is not None:
            return fault.status, fault.body, fault.headers
        try:
            with self._lock:
                return getattr(self, "_" + route.operation["operationId"])(params, query, body)
        except ApiError as exc:
            return exc.status, {"code": exc.code, "message": exc.message}, exc.headers

    def _violation(self, status: int, message: str) -> tuple[int, Any, dict[str, str]]:
        self.violations.append(message)
        return status, {"code": "SPEC_VIOLATION", "message": message}, {}

    def _fault(self, method: str, template: str, params: dict[str, str]) -> Fault | None:
        path = template.format(**params)
        for fault in self._faults:
            if fault.times > 0 and fault.method == method and fault.path.search(path):
                fault.times -= 1
                return fault
        return None

    # --- the endpoints (named by operationId) --------------------------------------------------------------

    def _getCurrentUserOrganizations(self, *_: Any) -> tuple[int, Any, dict[str, str]]:
        org = {"id": ORG_ID, "name": "local", "handle": "local", "plan": "free", "created_at": _now(),
               "updated_at": _now(), "managed_by": "console"}
        return 200, {"organizations": [org]}, {}

    def _listProjects(self, _p: dict[str, str], query: dict[str, list[str]], _b: Any) -> tuple[int, Any, dict]:
        projects = [self.decoy, self.project] if query.get("org_id") == [ORG_ID] else []
        body = {"projects": [_project_doc(p) for p in projects], "pagination": {"cursor": projects[-1].id if projects
                                                                                 else ""},
                "applications": {}, "integrations": {}}
        return 200, body, {}

    def _listProjectEndpoints(self, params: dict[str, str], *_: Any) -> tuple[int, Any, dict[str, str]]:
        project = self._project(params)
        return 200, {"endpoints": [_endpoint_doc(project, b) for b in project.branches.values() if b.endpoint_id]}, {}

    def _getProjectEndpoint(self, params: dict[str, str], *_: Any) -> tuple[int, Any, dict[str, str]]:
        project = self._project(params)
        for branch in project.branches.values():
            if branch.endpoint_id == params["endpoint_id"]:
                return 200, {"endpoint": _endpoint_doc(project, branch)}, {}
        raise ApiError(404, "", "endpoint not found")

    def _listProjectBranches(self, params: dict[str, str], query: dict[str, list[str]], _b: Any
                             ) -> tuple[int, Any, dict[str, str]]:
        project = self._project(params)
        search = query.get("search", [""])[-1]
        branches = [_branch_doc(project, b) for b in project.branches.values() if search in b.name or search in b.id]
        return 200, {"branches": branches, "annotations": {}, "pagination": {}}, {}

    def _createProjectBranch(self, params: dict[str, str], _q: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        project = self._project(params)
        wanted = (body or {}).get("branch", {})
        if self.branch_limit is not None and len(project.branches) >= self.branch_limit:
            raise ApiError(422, "BRANCHES_LIMIT_EXCEEDED", f"branches limit of {self.branch_limit} exceeded")
        parent = self._branch(project, wanted.get("parent_id") or self._default(project).id)
        database = self._copy_database(parent.database)
        endpoint = any(e.get("type") == "read_write" for e in (body or {}).get("endpoints", []))
        branch = self._add_branch(project, wanted.get("name") or f"br-{uuid.uuid4().hex[:8]}", database, parent.id,
                                  endpoint=endpoint, expires_at=wanted.get("expires_at"))
        ops = [self._operation(project, branch, "create_branch")]
        if endpoint:
            ops.append(self._operation(project, branch, "start_compute"))
        doc = {"branch": _branch_doc(project, branch), "endpoints": [_endpoint_doc(project, branch)] if endpoint
               else [], "operations": ops, "roles": [_role_doc(branch, self.role)],
                "databases": [_database_doc(branch, self.db_name, self.role)]}
        if endpoint:
            uri = self.database_url(branch.id)
            doc["connection_uris"] = [{"connection_uri": uri, "connection_parameters": {
                "database": self.db_name, "password": parse_url(uri).password or "", "role": self.role,
                "host": _host(branch), "pooler_host": _host(branch, pooled=True)}}]
        return 201, doc, {}

    def _deleteProjectBranch(self, params: dict[str, str], *_: Any) -> tuple[int, Any, dict[str, str]]:
        project = self._project(params)
        if params["branch_id"] in project.deleted:
            return 204, None, {}
        branch = self._branch(project, params["branch_id"])
        if branch.default or self._children(project, branch):
            raise ApiError(422, "", "the default branch or a branch with children cannot be deleted")
        self._drop_database(branch.database)
        del project.branches[branch.id]
        project.deleted.add(branch.id)
        return 200, {"branch": _branch_doc(project, branch),
                     "operations": [self._operation(project, branch, "delete_timeline")]}, {}

    def _restoreProjectBranch(self, params: dict[str, str], _q: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        project = self._project(params)
        target = self._branch(project, params["branch_id"])
        source = self._branch(project, body["source_branch_id"])
        if "source_timestamp" in body or "source_lsn" in body:
            raise ApiError(400, "", "the local server restores from a branch's head only")
        preserve = body.get("preserve_under_name")
        if (source.id == target.id or self._children(project, target)) and not preserve:
            raise ApiError(400, "", "preserve_under_name is required: the branch has children or is its own source")
        ops: list[dict[str, Any]] = []
        if preserve:
            saved = self._preserve(project, target, preserve)
            ops.append(self._operation(project, saved, "create_branch"))
            template = saved.database if source.id == target.id else source.database
        else:
            template = source.database
            self._drop_database(target.database)
        self._copy_database(template, into=target.database)
        ops.append(self._operation(project, target, "apply_config"))
        return 200, {"branch": _branch_doc(project, target), "operations": ops}, {}

    def _getConnectionURI(self, params: dict[str, str], query: dict[str, list[str]], _b: Any
                          ) -> tuple[int, Any, dict[str, str]]:
        project = self._project(params)
        branch = self._branch(project, query.get("branch_id", [self._default(project).id])[-1])
        if query["database_name"] != [self.db_name] or query["role_name"] != [self.role]:
            raise ApiError(404, "", "database or role not found")
        return 200, {"uri": self.database_url(branch.id)}, {}

    def _getProjectBranchSchemaComparison(self, params: dict[str, str], query: dict[str, list[str]], _b: Any
                                          ) -> tuple[int, Any, dict[str, str]]:
        project = self._project(params)
        branch = self._branch(project, params["branch_id"])
        base = self._branch(project, query.get("base_branch_id", [branch.parent_id or branch.id])[-1])
        db = query.get("db_name", [self.db_name])[-1]
        diff = difflib.unified_diff(self._schema(base), self._schema(branch), f"a/{db}", f"b/{db}", lineterm="")
        return 200, {"diff": "\n".join(diff)}, {}

    def _createSnapshot(self, params: dict[str, str], query: dict[str, list[str]], _b: Any
                        ) -> tuple[int, Any, dict[str, str]]:
        project = self._project(params)
        branch = self._branch(project, params["branch_id"])
        if "lsn" in query or "timestamp" in query:
            raise ApiError(400, "", "the local server takes snapshots of a branch's head only")
        snapshot = SnapshotState(f"snap-local-{uuid.uuid4().hex[:8]}", query.get("name", [""])[-1]
                                 or f"snapshot-{uuid.uuid4().hex[:6]}", self._copy_database(branch.database),
                                 branch.id, expires_at=query.get("expires_at", [None])[-1])
        project.snapshots[snapshot.id] = snapshot
        return 200, {"snapshot": _snapshot_doc(snapshot),
                     "operations": [self._operation(project, branch, "create_timeline")]}, {}

    def _listSnapshots(self, params: dict[str, str], *_: Any) -> tuple[int, Any, dict[str, str]]:
        project = self._project(params)
        return 200, {"snapshots": [_snapshot_doc(s) for s in project.snapshots.values()]}, {}

    def _deleteSnapshot(self, params: dict[str, str], *_: Any) -> tuple[int, Any, dict[str, str]]:
        project = self._project(params)
        snapshot = self._snapshot(project, params["snapshot_id"])
        self._drop_database(snapshot.database)
        del project.snapshots[snapshot.id]
        return 202, {"operations": [self._operation(project, project.branches.get(snapshot.source_branch_id),
                                                    "delete_timeline")]}, {}

    def _restoreSnapshot(self, params: dict[str, str], _q: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        project = self._project(params)
        snapshot = self._snapshot(project, params["snapshot_id"])
        body = body or {}
        target = self._branch(project, body.get("target_branch_id") or snapshot.source_branch_id)
        if body.get("finalize_restore", False):
            restored = self._replace(project, target, snapshot)
        else:  # a new branch to look at first; finalizeRestoreBranch would swap it in (not implemented here)
            restored = self._add_branch(project, body.get("name") or f"{target.name}_restored",
                                        self._copy_database(snapshot.database), target.id, endpoint=False)
            restored.restored_from = snapshot.id
        ops = [self._operation(project, restored, "create_branch"), self._operation(project, restored, "apply_config")]
        doc: dict[str, Any] = {"branch": _branch_doc(project, restored), "operations": ops}
        if restored.endpoint_id:
            doc["endpoints"] = [_endpoint_doc(project, restored)]
        return 200, doc, {}

    def _getProjectOperation(self, params: dict[str, str], *_: Any) -> tuple[int, Any, dict[str, str]]:
        op = self._operations.get(params["operation_id"])
        if op is None or op["project_id"] != params["project_id"]:
            raise ApiError(404, "", "operation not found")
        self._polls[op["id"]] -= 1
        if self._polls[op["id"]] <= 0:
            op.update(status=self.operations_end, updated_at=_now())
            if self.operations_end != "finished":
                op.update(error="injected failure", failures_count=1)
        return 200, {"operation": op}, {}

    # --- state -----------------------------------------------------------------------------------------------

    def _project(self, params: dict[str, str]) -> Project:
        for project in (self.project, self.decoy):
            if project.id == params["project_id"]:
                return project
        raise ApiError(404, "", f"project {params['project_id']} not found")

    def _branch(self, project: Project, branch_id: str) -> BranchState:
        if branch_id not in project.branches:
            raise ApiError(404, "", f"branch {branch_id} not found")
        return project.branches[branch_id]

    def _snapshot(self, project: Project, snapshot_id: str) -> SnapshotState:
        if snapshot_id not in project.snapshots:
            raise ApiError(404, "", f"snapshot {snapshot_id} not found")
        return project.snapshots[snapshot_id]

    def _replace(self, project: Project, target: BranchState, snapshot: SnapshotState) -> BranchState:
        """finalize_restore as the spec describes it: a new branch from the snapshot takes the target's name and
        computes (here also its database name, so the target's URL reaches the restored data), and the target is
        renamed and keeps the state before, with its children."""
        kept = f"neontui_t_{uuid.uuid4().hex[:12]}"
        self._admin(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(target.database),
                                                                     sql.Identifier(kept)))
        self._created_databases.append(kept)
        database, target.database = target.database, kept
        self._copy_database(snapshot.database, into=database)
        restored = self._add_branch(project, target.name, database, target.parent_id, default=target.default,
                                    endpoint=False)
        restored.endpoint_id, target.endpoint_id = target.endpoint_id, None
        restored.restored_as, restored.restored_from = target.id, snapshot.id
        target.name, target.default = f"{target.name}_old_{datetime.now(UTC):%Y%m%d%H%M%S}", False
        return restored

    def _default(self, project: Project) -> BranchState:
        return next(b for b in project.branches.values() if b.default)

    def _children(self, project: Project, branch: BranchState) -> list[BranchState]:
        return [b for b in project.branches.values() if b.parent_id == branch.id]

    def _add_branch(self, project: Project, name: str, database: str, parent_id: str | None, *,
                    default: bool = False, endpoint: bool = True, expires_at: str | None = None) -> BranchState:
        suffix = uuid.uuid4().hex[:8]
        branch = BranchState(f"br-local-{suffix}", name, database, parent_id, default, expires_at,
                             endpoint_id=f"ep-local-{suffix}" if endpoint else None)
        project.branches[branch.id] = branch
        return branch

    def _preserve(self, project: Project, target: BranchState, name: str) -> BranchState:
        """The pre-restore state as a new branch: it takes the target's database and its children."""
        renamed = f"neontui_t_{uuid.uuid4().hex[:12]}"
        self._admin(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(target.database),
                                                                     sql.Identifier(renamed)))
        self._created_databases.append(renamed)
        saved = self._add_branch(project, name, renamed, target.parent_id, endpoint=False)
        for child in self._children(project, target):
            child.parent_id = saved.id
        target.parent_id = saved.id
        return saved

    def _operation(self, project: Project, branch: BranchState | None, action: str) -> dict[str, Any]:
        op: dict[str, Any] = {
            "id": str(uuid.uuid4()), "project_id": project.id, "action": action,
            "status": "running" if self.polls_until_done else "finished", "failures_count": 0,
            "created_at": _now(), "updated_at": _now(), "total_duration_ms": 0}
        if branch is not None:
            op["branch_id"] = branch.id
        self._operations[op["id"]] = op
        self._polls[op["id"]] = self.polls_until_done
        return dict(op)

    def _copy_database(self, template: str, *, into: str | None = None) -> str:
        name = into or f"neontui_t_{uuid.uuid4().hex[:12]}"
        try:
            self._admin(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                         sql.Identifier(template)))
        except psycopg.errors.ObjectInUse:
            # A session on the parent blocks a template copy; Neon's copy-on-write does not, but 423 is what
            # Neon answers when a resource is busy, so the client's retry path is what a test sees.
            raise ApiError(423, "", "the parent branch is busy (sessions are connected to it)") from None
        if into is None:
            self._created_databases.append(name)
        return name

    def _drop_database(self, name: str) -> None:
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def _admin(self, statement: sql.Composed) -> None:
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as admin:
            admin.execute(statement)

    def _schema(self, branch: BranchState) -> list[str]:
        with psycopg.connect(with_database(self.admin_url, branch.database), connect_timeout=10) as conn:
            return [row[0] for row in conn.execute(_SCHEMA_QUERY).fetchall()]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        app: NeonLocal = self.server.app  # type: ignore[attr-defined]
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, body, extra = app.handle(self.command, self.path, headers, raw)
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)

    do_GET = do_POST = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows failures, not access logs
        pass


def _host(branch: BranchState, *, pooled: bool = False) -> str:
    return f"{branch.endpoint_id}{'-pooler' if pooled else ''}.us-east-2.aws.neon.tech"


def _project_doc(project: Project) -> dict[str, Any]:
    return {"id": project.id, "platform_id": "aws", "region_id": REGION, "name": project.name, "pg_version": 17,
            "proxy_host": "us-east-2.aws.neon.tech", "branch_logical_size_limit": 0,
            "branch_logical_size_limit_bytes": 0, "provisioner": "k8s-neonvm", "store_passwords": True,
            "active_time": 0, "cpu_used_sec": 0, "creation_source": "console", "created_at": _now(),
            "updated_at": _now(), "owner_id": "local-user", "org_id": ORG_ID, "history_retention_seconds": 21600}


def _branch_doc(project: Project, branch: BranchState) -> dict[str, Any]:
    doc = {"id": branch.id, "project_id": project.id, "name": branch.name, "current_state": "ready",
           "state_changed_at": branch.created_at, "creation_source": "console", "created_at": branch.created_at,
           "updated_at": _now(), "default": branch.default, "protected": False, "cpu_used_sec": 0,
           "active_time_seconds": 0, "compute_time_seconds": 0, "written_data_bytes": 0, "data_transfer_bytes": 0}
    optional = {"parent_id": branch.parent_id, "expires_at": branch.expires_at, "restored_as": branch.restored_as,
                "restored_from": branch.restored_from}
    doc.update({key: value for key, value in optional.items() if value is not None})
    return doc


def _snapshot_doc(snapshot: SnapshotState) -> dict[str, Any]:
    doc = {"id": snapshot.id, "name": snapshot.name, "created_at": snapshot.created_at,
           "source_branch_id": snapshot.source_branch_id, "manual": True}
    if snapshot.expires_at is not None:
        doc["expires_at"] = snapshot.expires_at
    return doc


def _endpoint_doc(project: Project, branch: BranchState) -> dict[str, Any]:
    return {"host": _host(branch), "id": branch.endpoint_id, "project_id": project.id, "branch_id": branch.id,
            "region_id": REGION, "autoscaling_limit_min_cu": 0.25, "autoscaling_limit_max_cu": 0.25,
            "type": "read_write", "current_state": "active", "pooler_enabled": False, "pooler_mode": "transaction",
            "disabled": False, "passwordless_access": True, "creation_source": "console", "created_at": _now(),
            "updated_at": _now(), "settings": {}, "proxy_host": "us-east-2.aws.neon.tech",
            "suspend_timeout_seconds": 0, "provisioner": "k8s-neonvm"}


def _role_doc(branch: BranchState, role: str) -> dict[str, Any]:
    return {"branch_id": branch.id, "name": role, "protected": False, "created_at": _now(), "updated_at": _now()}


def _database_doc(branch: BranchState, db_name: str, role: str) -> dict[str, Any]:
    return {"id": 1, "branch_id": branch.id, "name": db_name, "owner_name": role, "created_at": _now(),
            "updated_at": _now()}
