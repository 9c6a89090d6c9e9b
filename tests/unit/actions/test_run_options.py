"""The migrate action's timeouts: the flag, else neontui.toml, else the built-in default; a dry run keeps its short
lock_timeout whatever neontui.toml says (it takes real locks on production)."""

from __future__ import annotations

from pathlib import Path

from neontui.core.actions.migrate import run_options
from neontui.core.gate.settings import Settings, load_settings


def _settings(tmp_path: Path, toml: str) -> Settings:
    (tmp_path / "neontui.toml").write_text(toml)
    return load_settings(tmp_path)


def test_neontui_toml_timeouts_apply_to_a_run_unless_a_flag_overrides(tmp_path: Path) -> None:
    settings = _settings(tmp_path, 'lock_timeout = "7s"\nstatement_timeout = "1min"\n')
    options = run_options(settings, dry=False)
    assert (options.lock_timeout, options.statement_timeout) == ("7s", "1min")
    flagged = run_options(settings, dry=False, lock_timeout="1s", statement_timeout="30s", lock_wait=2.0,
                          per_migration=True)
    assert (flagged.lock_timeout, flagged.statement_timeout, flagged.lock_wait, flagged.per_migration) == (
        "1s", "30s", 2.0, True)


def test_a_dry_run_keeps_its_short_lock_timeout(tmp_path: Path) -> None:
    settings = _settings(tmp_path, 'lock_timeout = "7s"\n')
    assert run_options(settings, dry=True).lock_timeout == "2s"
    assert run_options(settings, dry=True, lock_timeout="9s").lock_timeout == "9s"


def test_without_configuration_the_defaults_hold(tmp_path: Path) -> None:
    options = run_options(_settings(tmp_path, ""), dry=False)
    assert (options.lock_timeout, options.statement_timeout) == ("5s", "0")
