"""Each call of the Neon API client against the local, spec-validated Neon API backed by real databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from neontui.core.neon.client import NeonClient
from neontui.core.neon.errors import NeonNotFound
from tests.db.neon.conftest import API_KEY
from tests.helpers import table_exists
from tests.neon_server import DB_NAME, ROLE, NeonLocal

pytestmark = pytest.mark.neon_api


def _expires() -> str:
    return (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _seed(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create table users (id int primary key, email text not null)")
        conn.execute("insert into users values (1, 'a@example.com')")


def test_find_endpoint_searches_every_project_then_answers_from_the_cache(neon: NeonLocal,
                                                                          client: NeonClient) -> None:
    found = client.find_endpoint(neon.main_endpoint_id)
    assert (found.project_id, found.branch_id) == (neon.project.id, neon.main_branch_id)
    assert found.host.startswith(neon.main_endpoint_id)
    calls = len(neon.requests)
    assert client.find_endpoint(neon.main_endpoint_id) == found
    assert len(neon.requests) == calls


def test_find_endpoint_in_a_known_project_is_one_call(neon: NeonLocal, client: NeonClient) -> None:
    found = client.find_endpoint(neon.main_endpoint_id, project_id=neon.project.id)
    assert found.branch_id == neon.main_branch_id
    assert neon.requests == [("GET", f"/api/v2/projects/{neon.project.id}/endpoints/{neon.main_endpoint_id}")]


def test_create_branch_is_a_real_copy_with_an_expiry(neon: NeonLocal, client: NeonClient, database_url: str,
                                                     sleeps: list[float]) -> None:
    _seed(database_url)
    neon.polls_until_done = 1
    expires = _expires()
    created = client.create_branch(neon.project.id, parent_id=neon.main_branch_id, name="neontui-rehearsal-1",
                                   expires_at=expires)
    assert {op.status for op in created.operations} == {"running"}
    done = client.wait_for_operations(created.operations, interval=0.5)
    assert {op.status for op in done} == {"finished"}
    assert sleeps == [0.5, 0.5]  # one poll per operation
    assert created.branch.parent_id == neon.main_branch_id and created.branch.expires_at == expires
    uri = client.connection_uri(neon.project.id, branch_id=created.branch.id, database_name=DB_NAME, role_name=ROLE)
    assert created.connection_uris == (uri,)
    with psycopg.connect(uri) as conn:
        assert conn.execute("select email from users").fetchall() == [("a@example.com",)]
    names = {b.name: b for b in client.list_branches(neon.project.id)}
    assert names["neontui-rehearsal-1"].expires_at == expires and names["main"].default


def test_a_backup_branch_has_no_compute(neon: NeonLocal, client: NeonClient) -> None:
    created = client.create_branch(neon.project.id, parent_id=neon.main_branch_id, name="neontui-backup-1",
                                   endpoint=False)
    assert created.endpoints == () and created.connection_uris == ()
    assert [b.name for b in client.list_branches(neon.project.id, search="backup")] == ["neontui-backup-1"]


def test_compare_schema_shows_what_the_branch_changed(neon: NeonLocal, client: NeonClient,
                                                      database_url: str) -> None:
    _seed(database_url)
    branch = client.create_branch(neon.project.id, parent_id=neon.main_branch_id, name="t").branch
    assert client.compare_schema(neon.project.id, branch.id, base_branch_id=neon.main_branch_id, db_name=DB_NAME) == ""
    with psycopg.connect(neon.database_url(branch.id), autocommit=True) as conn:
        conn.execute("alter table users add column name text")
    diff = client.compare_schema(neon.project.id, branch.id, base_branch_id=neon.main_branch_id, db_name=DB_NAME)
    assert f"--- a/{DB_NAME}" in diff and "+public.users name text" in diff


def test_restore_from_a_backup_keeps_the_failed_state_under_its_name(neon: NeonLocal, client: NeonClient,
                                                                    database_url: str) -> None:
    _seed(database_url)
    backup = client.create_branch(neon.project.id, parent_id=neon.main_branch_id, name="neontui-backup-1",
                                  endpoint=False).branch
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("drop table users")  # the migration that went wrong
    change = client.restore_branch(neon.project.id, neon.main_branch_id, source_branch_id=backup.id,
                                   preserve_under_name="main-failed-1")
    client.wait_for_operations(change.operations)
    assert change.branch is not None and change.branch.id == neon.main_branch_id
    assert table_exists(database_url, "users")  # same URL, restored data
    preserved = {b.name: b for b in client.list_branches(neon.project.id)}["main-failed-1"]
    assert not table_exists(neon.database_url(preserved.id), "users")


def test_delete_branch_and_deleting_it_again(neon: NeonLocal, client: NeonClient) -> None:
    branch = client.create_branch(neon.project.id, parent_id=neon.main_branch_id, name="gone").branch
    change = client.delete_branch(neon.project.id, branch.id)
    assert change.branch is not None and change.branch.id == branch.id
    assert "gone" not in {b.name for b in client.list_branches(neon.project.id)}
    assert client.delete_branch(neon.project.id, branch.id).branch is None  # 204: already gone


def test_the_client_shows_no_key(neon: NeonLocal) -> None:
    with NeonClient(API_KEY, base_url=neon.url) as api:
        assert API_KEY not in repr(api) and neon.url in repr(api)


def test_find_endpoint_can_skip_projects_of_another_region(neon: NeonLocal, client: NeonClient) -> None:
    with pytest.raises(NeonNotFound, match=neon.main_endpoint_id):
        client.find_endpoint(neon.main_endpoint_id, region_id="aws-eu-central-1")
    assert not [path for _, path in neon.requests if path.endswith("/endpoints")]
