"""neontui.toml / [tool.neontui]: discovery, the schema, and a one-line error for every invalid value."""

from __future__ import annotations

from pathlib import Path

import pytest

from neontui.core.errors import ConfigError
from neontui.core.gate.settings import NeonSettings, Settings, Target, load_settings
from neontui.core.redact import MASK, redact

FULL = """\
default_target = "dev"
lock_timeout = "5s"
statement_timeout = "0"

[targets.dev]
url_env = "DATABASE_URL"
production = false

[targets.prod]
url_env = "PROD_DATABASE_URL"
production = true
allow_push = false
database = "neondb"
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository root (has .git) with the project one level down."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "db").mkdir()
    return tmp_path


def test_full_schema(repo: Path) -> None:
    path = write(repo / "db" / "neontui.toml", FULL)
    settings = load_settings(repo / "db")
    assert settings == Settings(
        path=path,
        targets={
            "dev": Target("dev", "DATABASE_URL", False, False, None),
            "prod": Target("prod", "PROD_DATABASE_URL", True, False, "neondb"),
        },
        default_target="dev",
        lock_timeout="5s",
        statement_timeout="0",
    )
    assert settings.source == "neontui.toml"


def test_no_file_gives_empty_settings(repo: Path) -> None:
    settings = load_settings(repo / "db")
    assert settings == Settings()
    assert settings.path is None and settings.targets == {} and settings.default_target is None


def test_optional_keys_default(repo: Path) -> None:
    write(repo / "db" / "neontui.toml", "[targets.x]\n")
    assert load_settings(repo / "db").targets == {"x": Target("x", None, None, False, None)}


def test_pyproject_tool_table(repo: Path) -> None:
    body = FULL.replace("[targets.", "[tool.neontui.targets.")
    body = "[tool.neontui]\n" + body
    path = write(repo / "db" / "pyproject.toml", "[project]\nname = 'x'\n\n" + body)
    settings = load_settings(repo / "db")
    assert settings.path == path
    assert settings.targets["prod"].production is True
    assert settings.source == "[tool.neontui] in pyproject.toml"


def test_neontui_toml_wins_over_pyproject_in_the_same_directory(repo: Path) -> None:
    write(repo / "db" / "pyproject.toml", "[tool.neontui]\ndefault_target = 'nope'\n")
    path = write(repo / "db" / "neontui.toml", 'lock_timeout = "1s"\n')
    settings = load_settings(repo / "db")
    assert settings.path == path and settings.lock_timeout == "1s"


def test_walks_up_to_the_repository_root_and_nearest_wins(repo: Path) -> None:
    root_file = write(repo / "neontui.toml", 'lock_timeout = "9s"\n')
    assert load_settings(repo / "db").path == root_file
    near = write(repo / "db" / "pyproject.toml", "[tool.neontui]\nlock_timeout = '2s'\n")
    settings = load_settings(repo / "db")
    assert settings.path == near and settings.lock_timeout == "2s"


def test_pyproject_without_tool_neontui_is_skipped(repo: Path) -> None:
    write(repo / "db" / "pyproject.toml", "[tool.ruff]\nline-length = 120\n")
    root_file = write(repo / "neontui.toml", "")
    assert load_settings(repo / "db").path == root_file


def test_stops_at_the_repository_root(tmp_path: Path) -> None:
    write(tmp_path / "neontui.toml", 'lock_timeout = "9s"\n')  # above the repository: not ours
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "db").mkdir()
    assert load_settings(tmp_path / "repo" / "db") == Settings()


def test_repository_root_itself_is_searched(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    write(tmp_path / "repo" / ".git", "gitdir: elsewhere\n")  # worktrees and submodules have a .git file
    path = write(tmp_path / "repo" / "neontui.toml", "")
    (tmp_path / "repo" / "db").mkdir()
    assert load_settings(tmp_path / "repo" / "db").path == path


@pytest.mark.parametrize("value", ["5s", "500ms", "1min", "0", "250", "1.5s", "2h", "1d", "100us", "5 s"])
def test_durations_accepted(repo: Path, value: str) -> None:
    write(repo / "db" / "neontui.toml", f'lock_timeout = "{value}"\nstatement_timeout = "{value}"\n')
    settings = load_settings(repo / "db")
    assert settings.lock_timeout == settings.statement_timeout == value


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("colour = 'red'\n", "colour is not a known setting (expected one of audit_log, connect_timeout, "
                             "default_target, keys, lock_timeout, neon, statement_timeout, targets)"),
        ("audit_log = 1\n", "audit_log must be a string, found a number"),
        ("audit_log = ''\n", "audit_log must not be empty"),
        ("audit_log = 'logs/'\n", "audit_log must name a file, not a directory, found 'logs/'"),
        ("default_target = 3\n", "default_target must be a string, found a number"),
        ("default_target = ''\n", "default_target must not be empty"),
        ("default_target = 'prod'\n", "default_target names no configured target: 'prod' (configured: none)"),
        ("default_target = 'prod'\n[targets.dev]\n",
         "default_target names no configured target: 'prod' (configured: dev)"),
        ("lock_timeout = 5\n", "lock_timeout must be a string, found a number"),
        ("lock_timeout = '5 seconds'\n",
         "lock_timeout must be a PostgreSQL duration like \"5s\", \"500ms\", \"1min\" or \"0\", found '5 seconds'"),
        ("statement_timeout = '1s; DROP TABLE x'\n", "statement_timeout must be a PostgreSQL duration"),
        ("statement_timeout = true\n", "statement_timeout must be a string, found a boolean"),
        ("targets = 'prod'\n", "targets must be a table of [targets.<name>] tables, found a string"),
        ("targets = ['prod']\n", "targets must be a table of [targets.<name>] tables, found an array"),
        ("[targets]\nprod = 1\n", "targets.prod must be a table, found a number"),
        ("[targets.'bad name']\n", "targets.bad name has an invalid name"),
        ("[targets.prod]\nurl = 'x'\n",
         "targets.prod.url is not a known setting (expected one of url_env, production, allow_push, database, "
         "neon_project, neon_branch, neon_backup)"),
        ("[targets.prod]\nurl_env = 1\n", "targets.prod.url_env must be a string, found a number"),
        ("[targets.prod]\nurl_env = 'postgres://x'\n",
         "targets.prod.url_env must be an environment variable name, found 'postgres://x'"),
        ("[targets.prod]\nproduction = 'yes'\n", "targets.prod.production must be true or false, found a string"),
        ("[targets.prod]\nproduction = 1\n", "targets.prod.production must be true or false, found a number"),
        ("[targets.prod]\nallow_push = 'true'\n", "targets.prod.allow_push must be true or false, found a string"),
        ("[targets.prod]\ndatabase = 7\n", "targets.prod.database must be a string, found a number"),
        ("[targets.prod]\ndatabase = ''\n", "targets.prod.database must not be empty"),
        ("[targets.prod]\ndatabase = 1979-05-27\n", "targets.prod.database must be a string, found a date"),
        ("[targets.prod]\nneon_project = 1\n", "targets.prod.neon_project must be a string, found a number"),
        ("[targets.prod]\nneon_project = ''\n", "targets.prod.neon_project must not be empty"),
        ("[targets.prod]\nneon_branch = true\n", "targets.prod.neon_branch must be a string, found a boolean"),
        ("[targets.prod]\nneon_backup = 'snapshots'\n",
         'targets.prod.neon_backup must be "branch" or "snapshot", found \'snapshots\''),
        ("[targets.prod]\nneon_backup = true\n", "targets.prod.neon_backup must be a string, found a boolean"),
        ("[targets.prod]\nneon_backup = ''\n", "targets.prod.neon_backup must not be empty"),
        ("neon = 'on'\n", "neon must be a table, found a string"),
        ("neon = ['NEON_API_KEY']\n", "neon must be a table, found an array"),
        ("[neon]\napi_key = 'NEON_API_KEY'\n",
         "neon.api_key is not a known setting (expected one of api_key_env, api_url, backup)"),
        ("[neon]\napi_key_env = 1\n", "neon.api_key_env must be a string, found a number"),
        ("[neon]\napi_key_env = ''\n", "neon.api_key_env must not be empty"),
        ("[neon]\napi_key_env = '$NEON_API_KEY'\n",
         "neon.api_key_env must be an environment variable name (the key itself never goes in a file), found a "
         "value of 13 characters"),
        ("[neon]\napi_url = 'console.neon.tech/api/v2'\n",
         "neon.api_url must be an http(s) URL, found 'console.neon.tech/api/v2'"),
        ("[neon]\napi_url = 443\n", "neon.api_url must be a string, found a number"),
        ("[neon]\nbackup = 'no'\n", "neon.backup must be true or false, found a string"),
        ("[neon]\nbackup = 0\n", "neon.backup must be true or false, found a number"),
    ],
)
def test_validation_errors_name_the_file_and_the_key(repo: Path, body: str, message: str) -> None:
    path = write(repo / "db" / "neontui.toml", body)
    with pytest.raises(ConfigError) as caught:
        load_settings(repo / "db")
    text = caught.value.one_line()
    assert text.startswith(f"{path}: {message}")
    assert "\n" not in text


def test_validation_error_in_pyproject_names_the_dotted_key(repo: Path) -> None:
    path = write(repo / "db" / "pyproject.toml", "[tool.neontui.targets.prod]\nproduction = 'yes'\n")
    with pytest.raises(ConfigError, match="production must") as caught:
        load_settings(repo / "db")
    assert caught.value.one_line() == (
        f"{path}: tool.neontui.targets.prod.production must be true or false, found a string"
    )


def test_tool_neontui_must_be_a_table(repo: Path) -> None:
    path = write(repo / "db" / "pyproject.toml", "[tool]\nneontui = 'on'\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(repo / "db")
    assert caught.value.one_line() == f"{path}: tool.neontui must be a table, found a string"


@pytest.mark.parametrize("name", ["neontui.toml", "pyproject.toml"])
def test_invalid_toml_is_one_line(repo: Path, name: str) -> None:
    # A broken pyproject is an error too: it might have held production = true.
    path = write(repo / "db" / name, "[targets.prod\nproduction = true\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(repo / "db")
    text = caught.value.one_line()
    assert text.startswith(f"{path}: invalid TOML: ")
    assert "\n" not in text


def test_unreadable_file(repo: Path) -> None:
    path = repo / "db" / "neontui.toml"
    path.write_bytes(b"lock_timeout = '\xff'\n")
    with pytest.raises(ConfigError, match=r"neontui\.toml"):
        load_settings(repo / "db")


def test_audit_log_is_optional_and_kept_as_written(repo: Path) -> None:
    write(repo / "db" / "neontui.toml", FULL)
    assert load_settings(repo / "db").audit_log is None
    write(repo / "db" / "neontui.toml", 'audit_log = "logs/audit.jsonl"\n')
    assert load_settings(repo / "db").audit_log == "logs/audit.jsonl"


def test_audit_log_in_pyproject(repo: Path) -> None:
    write(repo / "db" / "pyproject.toml", "[tool.neontui]\naudit_log = '/var/log/neontui.jsonl'\n")
    assert load_settings(repo / "db").audit_log == "/var/log/neontui.jsonl"


def test_settings_are_hashable_and_frozen(repo: Path) -> None:
    write(repo / "db" / "neontui.toml", FULL)
    settings = load_settings(repo / "db")
    hash(settings)
    with pytest.raises(AttributeError):
        settings.default_target = "prod"  # type: ignore[misc]


def test_keys_table_remaps_console_actions(tmp_path):
    (tmp_path / "neontui.toml").write_text('[keys]\nmigrate = "M,f6"\n')
    assert load_settings(tmp_path).keys == {"migrate": "M,f6"}
    (tmp_path / "neontui.toml").write_text('[keys]\nmigrate = 6\n')
    with pytest.raises(ConfigError, match=r"keys\.migrate must be a string"):
        load_settings(tmp_path)


@pytest.mark.parametrize(("value", "seconds"), [("15s", 15.0), ("500ms", 0.5), ("2min", 120.0), ("30", 30.0)])
def test_connect_timeout_is_a_duration_where_a_bare_number_is_seconds(tmp_path, value, seconds):
    (tmp_path / "neontui.toml").write_text(f'connect_timeout = "{value}"\n')
    settings = load_settings(tmp_path)
    assert settings.connect_deadline({}) == seconds
    assert settings.connect_deadline({"NEONTUI_CONNECT_TIMEOUT": "1min"}) == 60.0  # the environment wins
    assert Settings().connect_deadline({}) == 15.0


@pytest.mark.parametrize("value", ["0", "0s", "soon", "-1s", "5 seconds"])
def test_connect_timeout_must_be_a_positive_duration(tmp_path, value):
    (tmp_path / "neontui.toml").write_text(f'connect_timeout = "{value}"\n')
    with pytest.raises(ConfigError, match="connect_timeout must be a positive duration"):
        load_settings(tmp_path)
    with pytest.raises(ConfigError, match="NEONTUI_CONNECT_TIMEOUT must be a positive duration"):
        Settings().connect_deadline({"NEONTUI_CONNECT_TIMEOUT": value})


# --- [neon] and the per-target Neon keys ------------------------------------------------------------------

PASTED_KEY = "napi_4k2v9q0c7x1m8s3d6f5g2h7j9k0l1z4x6c8v0b2n5m7q9w1e3r5t7y9u0i2o4p6a8s"


def test_neon_defaults_when_the_table_is_absent(repo: Path) -> None:
    write(repo / "db" / "neontui.toml", FULL)
    assert load_settings(repo / "db").neon == NeonSettings("NEON_API_KEY", "https://console.neon.tech/api/v2", True)
    assert Settings().neon == NeonSettings()
    write(repo / "db" / "neontui.toml", "[neon]\n")
    assert load_settings(repo / "db").neon == NeonSettings()


def test_neon_table_is_read(repo: Path) -> None:
    write(repo / "db" / "neontui.toml",
          '[neon]\napi_key_env = "ACME_NEON_KEY"\napi_url = "http://localhost:8080/api/v2/"\nbackup = false\n')
    # The trailing slash goes: the client appends /projects/… to the base URL.
    assert load_settings(repo / "db").neon == NeonSettings("ACME_NEON_KEY", "http://localhost:8080/api/v2", False)


def test_neon_table_in_pyproject_names_the_dotted_key(repo: Path) -> None:
    path = write(repo / "db" / "pyproject.toml", "[tool.neontui.neon]\nbackup = 'yes'\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(repo / "db")
    assert caught.value.one_line() == f"{path}: tool.neontui.neon.backup must be true or false, found a string"
    write(repo / "db" / "pyproject.toml", "[tool.neontui.neon]\napi_key_env = 'CI_NEON_KEY'\n")
    assert load_settings(repo / "db").neon.api_key_env == "CI_NEON_KEY"


@pytest.mark.parametrize("pasted", [PASTED_KEY, PASTED_KEY.upper().replace("NAPI_", "napi_"), "key-9f3a0c77e1d24b"])
def test_a_pasted_api_key_is_refused_without_echoing_it(repo: Path, pasted: str) -> None:
    path = write(repo / "db" / "neontui.toml", f'[neon]\napi_key_env = "{pasted}"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(repo / "db")
    error = caught.value
    shown = " ".join((error.one_line(), str(error), repr(error.args), str(getattr(error, "hint", "") or "")))
    assert error.one_line() == (f"{path}: neon.api_key_env must be an environment variable name (the key itself "
                                f"never goes in a file), found a value of {len(pasted)} characters")
    assert pasted not in shown
    # Remembered as a secret: a later line that quotes the file (a TOML error, a log) masks it too.
    assert redact(f"api_key_env = {pasted!r}") == f"api_key_env = '{MASK}'"


def test_neon_project_and_branch_per_target(repo: Path) -> None:
    write(repo / "db" / "neontui.toml", FULL + 'neon_project = "calm-sky-123456"\nneon_branch = "main"\n'
                                              '\n[targets.staging]\nneon_branch = "br-odd-sun-a1b2c3"\n')
    targets = load_settings(repo / "db").targets
    assert (targets["prod"].neon_project, targets["prod"].neon_branch) == ("calm-sky-123456", "main")
    assert (targets["staging"].neon_project, targets["staging"].neon_branch) == (None, "br-odd-sun-a1b2c3")
    assert (targets["dev"].neon_project, targets["dev"].neon_branch) == (None, None)


def test_neon_backup_per_target_defaults_to_a_branch(repo: Path) -> None:
    write(repo / "db" / "neontui.toml",
          FULL + 'neon_backup = "snapshot"\n\n[targets.staging]\nneon_backup = "branch"\n')
    targets = load_settings(repo / "db").targets
    assert [targets[name].neon_backup for name in ("prod", "staging", "dev")] == ["snapshot", "branch", "branch"]
