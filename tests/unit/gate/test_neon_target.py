"""neon_target(): which targets are Neon ones (the host, or neon_project in neontui.toml) and how they are reached."""

from __future__ import annotations

import pytest

from neontui.core.gate.neon_target import NeonTarget, neon_target
from neontui.core.gate.settings import NeonSettings, Settings, Target
from neontui.core.neon.errors import NeonKeyMissing

POOLED = "postgresql://app:secret-pw@ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require"
DIRECT = "postgresql://app:secret-pw@ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech/neondb?sslmode=require"
LOCAL = "postgresql://postgres:pw@localhost:5432/shop"
ACME = NeonSettings("ACME_NEON_KEY", "http://127.0.0.1:8080/api/v2", False)


@pytest.mark.parametrize("url", [POOLED, DIRECT])
def test_a_neon_host_gives_its_endpoint_id(url: str) -> None:
    endpoint = "ep-cool-darkness-a1b2c3d4"  # without -pooler: the same endpoint either way
    assert neon_target(url, Settings(), None) == NeonTarget(NeonSettings(), "neondb", "app", endpoint, None, None)


def test_the_target_names_project_and_branch_and_the_neon_table_its_api() -> None:
    settings = Settings(neon=ACME)
    target = Target("prod", "PROD_DATABASE_URL", True, neon_project="calm-sky-123456", neon_branch="main")
    assert neon_target(POOLED, settings, target) == NeonTarget(ACME, "neondb", "app", "ep-cool-darkness-a1b2c3d4",
                                                               "calm-sky-123456", "main")


def test_neon_project_makes_a_localhost_url_a_neon_target() -> None:
    # A proxy or a tunnel in front of Neon: the host says nothing, neontui.toml says which project it is.
    target = Target("prod", None, True, neon_project="calm-sky-123456", neon_branch="br-odd-sun-a1b2c3")
    assert neon_target(LOCAL, Settings(), target) == NeonTarget(NeonSettings(), "shop", "postgres", None,
                                                                "calm-sky-123456", "br-odd-sun-a1b2c3")


@pytest.mark.parametrize("target", [None, Target("dev", None, False), Target("dev", neon_branch="main")])
def test_neither_a_neon_host_nor_a_project_is_not_a_neon_target(target: Target | None) -> None:
    assert neon_target(LOCAL, Settings(neon=ACME), target) is None


@pytest.mark.parametrize("url", [None, ""])
def test_no_url_is_not_a_neon_target(url: str | None) -> None:
    assert neon_target(url, Settings(), Target("prod", neon_project="calm-sky-123456")) is None


def test_without_a_database_name_the_database_is_the_role() -> None:
    # libpq's rule: no database in the URL means the database named like the user.
    found = neon_target("postgresql://app:pw@ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech", Settings(), None)
    assert found is not None and (found.database, found.role) == ("app", "app")


def test_the_client_reads_the_key_from_the_configured_variable() -> None:
    found = neon_target(DIRECT, Settings(neon=ACME), None)
    assert found is not None
    with pytest.raises(NeonKeyMissing, match="ACME_NEON_KEY is not set"):
        found.client({"NEON_API_KEY": "napi_not_the_configured_variable"})
    with found.client({"ACME_NEON_KEY": "napi_0123456789abcdef"}) as client:
        assert client.base_url == "http://127.0.0.1:8080/api/v2"
        assert "napi_0123456789abcdef" not in repr(client)
