"""Production or not: each rule of environment.classify, and their precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from neontui.core.db.connect import ServerIdentity, ServerInfo
from neontui.core.errors import ConfigError
from neontui.core.gate.environment import UNKNOWN_REMOTE, Downgrade, Environment, classify, resolve_target, same_target
from neontui.core.gate.settings import Settings, Target

NEON = "postgresql://app:secret-pw@ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech/neondb?sslmode=require"
LOCAL = "postgresql://app:pw@localhost:5432/app"
SETTINGS_PATH = Path("/repo/neontui.toml")
SETTINGS = Settings(
    path=SETTINGS_PATH,
    targets={
        "dev": Target("dev", "DATABASE_URL", False),
        "prod": Target("prod", "PROD_DATABASE_URL", True),
        "staging": Target("staging", "STAGING_URL", None),  # matched, but production is not configured
    },
)
EMPTY = Settings()
NO_ENV: dict[str, str] = {}


def env(name: str, production: bool, reason: str, target: str | None = None) -> Environment:
    return Environment(name, production, reason, target)


# --- 1. --env -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "production"),
    [("production", True), ("prod", True), ("PROD", True), (" Production ", True), ("development", False),
     ("dev", False), ("staging", False), ("preview", False), ("test", False), ("Dev", False)],
)
def test_env_flag_values(flag: str, production: bool) -> None:
    result = classify(NEON, EMPTY, env_flag=flag, environ=NO_ENV)
    assert result == env("production" if production else "development", production, f"--env {flag.strip()}")


def test_env_flag_unknown_value_lists_accepted_values() -> None:
    with pytest.raises(ConfigError) as caught:
        classify(NEON, EMPTY, env_flag="live", environ=NO_ENV)
    assert caught.value.one_line() == (
        "--env has an unknown value 'live': expected one of production, prod, development, dev, staging, preview, test"
    )


def test_env_flag_wins_over_neontui_env_branch_and_host() -> None:
    result = classify(NEON, SETTINGS, env_flag="dev", environ={"NEONTUI_ENV": "production"}, branch_name="main")
    assert result == env("development", False, "--env dev")
    result = classify(LOCAL, SETTINGS, env_flag="production", environ={"NEONTUI_ENV": "dev"}, target_name="dev")
    assert result == env("production", True, "--env production", "dev")  # stricter than the target: allowed


@pytest.mark.parametrize(("flag", "environ", "shown"), [
    ("dev", NO_ENV, "--env dev"), ("development", NO_ENV, "--env development"),
    (None, {"NEONTUI_ENV": "staging"}, "NEONTUI_ENV=staging"), (None, {"NEONTUI_ENV": "dev"}, "NEONTUI_ENV=dev"),
])
def test_a_production_target_cannot_be_downgraded(flag: str | None, environ: dict[str, str], shown: str) -> None:
    for how in ({"target_name": "prod"}, {"url_env": "PROD_DATABASE_URL"},
                {"target_urls": {"prod": NEON}}):  # the same URL, however it arrived
        with pytest.raises(Downgrade) as caught:
            classify(NEON, SETTINGS, env_flag=flag, environ=environ, **how)
        assert caught.value.one_line().startswith(
            f"target prod is production (production = true in neontui.toml): {shown} cannot downgrade it")
        assert caught.value.exit_code == 3


# --- 2. NEONTUI_ENV --------------------------------------------------------------------------------------


def test_neontui_env() -> None:
    assert classify(LOCAL, EMPTY, environ={"NEONTUI_ENV": "production"}) == env(
        "production", True, "NEONTUI_ENV=production"
    )
    assert classify(NEON, EMPTY, environ={"NEONTUI_ENV": "preview"}) == env(
        "development", False, "NEONTUI_ENV=preview"
    )


def test_neontui_env_wins_over_a_non_production_configuration_and_branch() -> None:
    result = classify(NEON, SETTINGS, environ={"NEONTUI_ENV": "test"}, target_name="staging", branch_name="main")
    assert result == env("development", False, "NEONTUI_ENV=test", "staging")
    result = classify(NEON, SETTINGS, environ={"NEONTUI_ENV": "prod"}, target_name="dev")
    assert result == env("production", True, "NEONTUI_ENV=prod", "dev")


def test_neontui_env_empty_counts_as_unset() -> None:
    assert classify(LOCAL, EMPTY, environ={"NEONTUI_ENV": "  "}) == env("development", False, "localhost target")


def test_neontui_env_unknown_value() -> None:
    with pytest.raises(ConfigError, match="NEONTUI_ENV has an unknown value 'qa': expected one of production, prod,"):
        classify(LOCAL, EMPTY, environ={"NEONTUI_ENV": "qa"})


def test_environ_defaults_to_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEONTUI_ENV", "prod")
    assert classify(LOCAL, EMPTY).production is True
    monkeypatch.delenv("NEONTUI_ENV")
    assert classify(LOCAL, EMPTY).production is False


# --- 3. configuration -----------------------------------------------------------------------------------


def test_target_by_name() -> None:
    assert classify(LOCAL, SETTINGS, environ=NO_ENV, target_name="prod") == env(
        "prod", True, "target prod has production = true in neontui.toml", "prod"
    )
    assert classify(NEON, SETTINGS, environ=NO_ENV, target_name="dev") == env(
        "dev", False, "target dev has production = false in neontui.toml", "dev"
    )


def test_target_by_url_env() -> None:
    assert classify(LOCAL, SETTINGS, environ=NO_ENV, url_env="PROD_DATABASE_URL") == env(
        "prod", True, "target prod has production = true in neontui.toml", "prod"
    )


def test_target_name_cannot_turn_a_production_url_into_another_target() -> None:
    with pytest.raises(Downgrade) as caught:
        classify(NEON, SETTINGS, environ=NO_ENV, target_name="dev", url_env="PROD_DATABASE_URL")
    assert caught.value.one_line().startswith(
        "target prod is production (production = true in neontui.toml) and this database is that target: "
        "--target dev cannot make it dev")
    with pytest.raises(Downgrade):
        classify(NEON, SETTINGS, environ=NO_ENV, target_name="dev", target_urls={"prod": NEON})
    # Naming a non-production target for a URL that is no production target's is fine.
    result = classify(NEON, SETTINGS, environ=NO_ENV, target_name="dev", url_env="STAGING_URL")
    assert result.target == "dev" and result.production is False


def test_default_target() -> None:
    settings = Settings(path=SETTINGS_PATH, targets=SETTINGS.targets, default_target="prod")
    assert classify(LOCAL, settings, environ=NO_ENV) == env(
        "prod", True, "target prod has production = true in neontui.toml", "prod"
    )
    # A variable no target uses falls through to the default target.
    assert classify(LOCAL, settings, environ=NO_ENV, url_env="OTHER_URL").target == "prod"
    # A variable a target uses wins over the default.
    assert classify(NEON, settings, environ=NO_ENV, url_env="DATABASE_URL").target == "dev"
    # So does a target whose URL the run's URL is.
    assert classify(NEON, settings, environ=NO_ENV, target_urls={"dev": NEON}).target == "dev"


def test_configuration_wins_over_branch_and_host() -> None:
    assert classify(NEON, SETTINGS, environ=NO_ENV, target_name="dev", branch_name="main").production is False
    assert classify("postgresql:///app", SETTINGS, environ=NO_ENV, target_name="prod").production is True


def test_target_without_production_falls_through_but_is_reported() -> None:
    assert classify(NEON, SETTINGS, environ=NO_ENV, target_name="staging") == env(
        "production", True, UNKNOWN_REMOTE, "staging"
    )
    assert classify(LOCAL, SETTINGS, environ=NO_ENV, url_env="STAGING_URL") == env(
        "development", False, "localhost target", "staging"
    )


def test_reason_names_pyproject_when_settings_come_from_there() -> None:
    settings = Settings(path=Path("/repo/pyproject.toml"), targets={"p": Target("p", None, True)})
    assert classify(LOCAL, settings, environ=NO_ENV, target_name="p").reason == (
        "target p has production = true in [tool.neontui] in pyproject.toml"
    )


def test_unknown_target_name_is_an_error() -> None:
    with pytest.raises(ConfigError) as caught:
        classify(LOCAL, SETTINGS, environ=NO_ENV, target_name="qa")
    assert caught.value.one_line().startswith("unknown target 'qa' (configured in neontui.toml: dev, prod, staging)")
    with pytest.raises(ConfigError, match=r"unknown target 'qa' \(configured in no neontui.toml: none\)"):
        classify(LOCAL, EMPTY, environ=NO_ENV, target_name="qa")


def test_url_env_shared_by_several_targets_is_an_error() -> None:
    settings = Settings(path=SETTINGS_PATH, targets={
        "dev": Target("dev", "DATABASE_URL", False), "prod": Target("prod", "DATABASE_URL", True),
    })
    with pytest.raises(ConfigError, match="targets dev, prod all use url_env = 'DATABASE_URL'"):
        classify(NEON, settings, environ=NO_ENV, url_env="DATABASE_URL")
    # --target cannot resolve it towards a non-production target: the variable is also the production target's.
    with pytest.raises(Downgrade):
        classify(NEON, settings, environ=NO_ENV, url_env="DATABASE_URL", target_name="dev")


def test_resolve_target() -> None:
    assert resolve_target(SETTINGS, target_name="prod") is SETTINGS.targets["prod"]
    assert resolve_target(SETTINGS, url_env="DATABASE_URL") is SETTINGS.targets["dev"]
    assert resolve_target(SETTINGS, url_env="NOPE") is None
    assert resolve_target(EMPTY) is None


# --- 4. no database -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [None, "", "   "])
def test_no_database(url: str | None) -> None:
    assert classify(url, EMPTY, environ=NO_ENV) == env("development", False, "no database")


def test_no_database_comes_after_configuration() -> None:
    assert classify(None, SETTINGS, environ=NO_ENV, target_name="prod").production is True


# --- 5. Neon branch -------------------------------------------------------------------------------------


@pytest.mark.parametrize("branch", ["main", "production", "Main"])
def test_neon_production_branch(branch: str) -> None:
    assert classify(NEON, EMPTY, environ=NO_ENV, branch_name=branch) == env("production", True, f"Neon branch {branch}")


def test_neon_other_branch_is_still_an_unknown_remote() -> None:
    assert classify(NEON, EMPTY, environ=NO_ENV, branch_name="dev-alice") == env("production", True, UNKNOWN_REMOTE)


def test_neon_branch_wins_over_a_local_host() -> None:
    # Only a caller that asked the Neon API passes a branch; it is more specific than the host.
    assert classify(LOCAL, EMPTY, environ=NO_ENV, branch_name="main").production is True


# --- 6. local targets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:p@localhost/app",
        "postgresql://u:p@LOCALHOST:5433/app",
        "postgres://u:p@127.0.0.1/app",
        "postgresql://u:p@127.1.2.3/app",
        "postgresql://u:p@[::1]:5432/app",
        "postgresql://u:p@[::ffff:127.0.0.1]/app",
        "postgresql://u:p@localhost,127.0.0.1/app",
        "postgresql://u:p@localhost/app?hostaddr=127.0.0.1",
    ],
)
def test_localhost(url: str) -> None:
    assert classify(url, EMPTY, environ=NO_ENV) == env("development", False, "localhost target")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql:///app",
        "postgresql:///app?host=/var/run/postgresql",
        "postgresql://u@%2Ftmp%2Fpg/app",
        "postgresql:///app?host=/tmp,/var/run/postgresql",
    ],
)
def test_unix_socket(url: str) -> None:
    assert classify(url, EMPTY, environ=NO_ENV) == env("development", False, "unix-socket target")


def test_no_host_uses_pghost_like_libpq() -> None:
    assert classify("postgresql:///app", EMPTY, environ={"PGHOST": "db.example.com"}).production is True
    assert classify("postgresql:///app", EMPTY, environ={"PGHOST": "localhost"}).reason == "localhost target"


# --- 7. everything else ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        NEON,
        "postgresql://u:p@ep-cool-darkness-a1b2c3d4-pooler.c-2.us-east-1.aws.neon.tech/neondb",
        "postgresql://u:p@db.example.com/app",
        "postgresql://u:p@10.0.0.5/app",
        "postgresql://u:p@0.0.0.0/app",
        "postgresql://u:p@localhost.example.com/app",
        "postgresql://u:p@[2001:db8::1]/app",
        # libpq may fail over to the second host, so one remote host makes the whole URL remote.
        "postgresql://u:p@localhost,db.example.com/app",
        "postgresql:///app?host=/tmp,db.example.com",
        # hostaddr is where libpq really connects.
        "postgresql://u:p@localhost/app?hostaddr=10.0.0.1",
    ],
)
def test_unknown_remote_is_production(url: str) -> None:
    assert classify(url, EMPTY, environ=NO_ENV) == env("production", True, UNKNOWN_REMOTE)
    assert UNKNOWN_REMOTE == "unknown remote target: treated as production; configure it in neontui.toml"


def test_unreadable_url_is_production() -> None:
    result = classify("mysql://u:p@localhost/app", EMPTY, environ=NO_ENV)
    assert result == env("production", True, "unreadable database URL: treated as production")


def test_reason_never_contains_the_password() -> None:
    for result in (classify(NEON, EMPTY, environ=NO_ENV), classify(NEON, EMPTY, environ=NO_ENV, branch_name="main")):
        assert "secret-pw" not in repr(result)


# --- which target: the connection's identity, not where the URL string came from ---------------------------


@pytest.mark.parametrize(("url", "target_url", "same"), [
    (NEON, NEON, True),
    # pooled and direct forms of one Neon compute, other parameters and credentials: one target
    ("postgresql://other:pw2@ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech/neondb", NEON, True),
    ("postgresql://app:pw@localhost/app", "postgresql://app:pw@LOCALHOST:5432/app?sslmode=disable", True),
    ("postgresql://u@db1:5433,db2/app", "postgresql://u@db2:5432/app", True),
    ("postgresql://app:pw@localhost:5433/app", LOCAL, False),  # another port
    ("postgresql://app:pw@localhost/other", LOCAL, False),  # another database
    ("postgresql://ep-other-a1b2c3d4.us-east-2.aws.neon.tech/neondb", NEON, False),
    ("postgresql://u@/db?service=prod", "postgresql://u@/db?service=prod", False),  # text cannot tell
    ("not a url", LOCAL, False),
])
def test_same_target_by_text(url: str, target_url: str, same: bool) -> None:
    assert same_target(url, target_url) is same


def test_a_url_equal_to_a_production_targets_is_that_target_whatever_its_origin() -> None:
    # `neontui migrate --url "$PROD_DATABASE_URL"`: no url_env, but the same database on the same host.
    result = classify(NEON, SETTINGS, environ=NO_ENV, target_urls={"prod": NEON, "dev": LOCAL})
    assert result == env("prod", True, "target prod has production = true in neontui.toml (the connection reaches "
                         "its database)", "prod")


def server(host: str | None, *, sysid: str | None = "7301", database: str = "app", hostaddr: str | None = None,
           port: int = 5432) -> ServerInfo:
    return ServerInfo(170005, "17.5", database, "app", False, host=host, hostaddr=hostaddr, port=port,
                      system_identifier=sysid)


def test_the_same_server_under_another_name_is_that_target() -> None:
    prod = server("10.1.2.3").identity
    tunnel = server("localhost", hostaddr="127.0.0.1", port=6543)  # an SSH tunnel to the production server
    result = classify("postgresql://app:pw@localhost:6543/app", SETTINGS, environ=NO_ENV, server=tunnel,
                      identities={"prod": [prod]})
    assert result.production and result.target == "prod"
    # Another server (another system identifier) at the remembered address is not.
    other = server("10.1.2.3", sysid="9999")
    assert not other.identity.same_server(prod)
    assert classify("postgresql://app:pw@localhost:6543/app", SETTINGS, environ=NO_ENV, server=server(
        "localhost", sysid="9999"), identities={"prod": [prod]}).production is False
    # Another database on the same server is not that target either.
    assert not server("10.1.2.3", database="other").identity.same_server(prod)


def test_identity_compares_the_strongest_fact_both_know() -> None:
    with_sysid = server("/run/pg", sysid="1")
    without = server("/run/pg", sysid=None)  # a role that may not read pg_control_system()
    assert with_sysid.identity.same_server(without.identity)  # only the address is known to both
    assert not server("/run/pg", sysid="1").identity.same_server(server("/run/pg", sysid="2").identity)
    assert with_sysid.identity.key == "system-identifier:1/app" and without.identity.key == "address:/run/pg:5432/app"
    assert ServerIdentity.from_json(with_sysid.identity.to_json()) == with_sysid.identity
    assert ServerIdentity.from_json({"database": "x", "facts": [["bogus", "1"]]}) is None


@pytest.mark.parametrize(("url", "environ"), [
    ("postgresql://u:p@/db?service=prod", NO_ENV),  # pg_service.conf decides the host
    ("postgresql:///db", {"PGSERVICE": "prod"}),
    ("postgresql:///db", {"PGHOST": "db.example.com"}),
])
def test_libpq_indirection_is_not_local_until_the_connection_says_so(url: str, environ: dict[str, str]) -> None:
    assert classify(url, EMPTY, environ=environ) == env("production", True, UNKNOWN_REMOTE)
    # What libpq connected to decides: a remote host is production, a socket is development.
    assert classify(url, EMPTY, environ=environ, server=server("db.example.com", hostaddr="203.0.113.7")) == env(
        "production", True, UNKNOWN_REMOTE)
    assert classify(url, EMPTY, environ=environ, server=server("/var/run/postgresql")) == env(
        "development", False, "unix-socket target")


def test_a_local_looking_url_that_connected_elsewhere_is_production() -> None:
    assert classify(LOCAL, EMPTY, environ=NO_ENV, server=server("db.internal", hostaddr="198.51.100.4")).production
