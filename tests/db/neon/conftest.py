"""The local, spec-validated Neon API (tests/neon_server.py) over the session's PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from neontui.core.neon.client import NeonClient, clear_endpoint_cache
from tests.neon_server import NeonLocal

# A key of the shape Neon issues, fresh per session, so that finding it in any output can only be a leak.
API_KEY = f"napi_{uuid.uuid4().hex}{uuid.uuid4().hex[:16]}"


@pytest.fixture
def neon(pg_admin_url: str, database_url: str) -> Iterator[NeonLocal]:
    """The API with one project whose default branch is this test's fresh database (and a decoy project).
    Any request or response that broke Neon's spec fails the test here, even if the client coped with it."""
    server = NeonLocal(pg_admin_url, database_url, api_key=API_KEY)
    clear_endpoint_cache()
    yield server
    server.close()
    assert not server.violations, "Neon API spec violations:\n" + "\n".join(server.violations)


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the client asked for, recorded instead of slept: retries and polls run at once."""
    return []


@pytest.fixture
def client(neon: NeonLocal, sleeps: list[float]) -> Iterator[NeonClient]:
    with NeonClient(API_KEY, base_url=neon.url, timeout=10.0, sleep=sleeps.append) as api:
        yield api
