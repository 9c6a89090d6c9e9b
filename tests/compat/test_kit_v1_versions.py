"""Which drizzle line a project is on, read from the real installs of both lines (drizzle-kit 0.31.11 with
drizzle-orm 0.45.4, and 1.0.0-rc.5) and the migrations folder; a kit of one line on a folder of the other is flagged
with its way out, and the real kits behave as the flag says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neontui.cli.main import main
from neontui.core.drizzle.project import load_project
from neontui.core.kit import commands
from neontui.core.kit.versions import kit_versions
from tests.drizzle_env import run_drizzle_kit
from tests.drizzle_project import copy_project, write_project

pytestmark = pytest.mark.drizzle


def ignore(_event: object) -> None:
    """An on_event sink for results read from the KitResult alone."""


def test_a_1_0_project_is_on_the_1_0_line(drizzle_project_v1: Path) -> None:
    found = kit_versions(drizzle_project_v1, drizzle_project_v1 / "drizzle")
    assert found is not None
    assert (found.kit, found.orm, found.kit_line, found.layout, found.line) == (
        "1.0.0-rc.5", "1.0.0-rc.5", "1.0", "folders", "1.0")
    assert found.is_v1 and found.mismatch is None and found.fix is None
    assert found.kit_path == drizzle_project_v1 / "node_modules" / ".bin" / "drizzle-kit"


def test_a_0_31_project_is_on_the_0_x_line(drizzle_project: Path) -> None:
    found = kit_versions(drizzle_project, drizzle_project / "drizzle")
    assert found is not None
    assert (found.kit, found.orm, found.kit_line, found.layout, found.line) == (
        "0.31.11", "0.45.4", "0.x", "journal", "0.x")
    assert not found.is_v1 and found.mismatch is None


def test_without_migrations_the_line_is_the_kits(tmp_path: Path) -> None:
    root = write_project(tmp_path / "fresh", line="1.0")
    found = kit_versions(root, root / "drizzle")
    assert found is not None and found.layout is None and found.line == "1.0"
    assert kit_versions(tmp_path / "nothing-installed") is None


def test_a_1_0_kit_on_a_0_x_folder_is_sent_to_neontui_upgrade(drizzle_template: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_project(drizzle_template, tmp_path / "mixed", line="1.0")
    found = kit_versions(root, root / "drizzle")
    assert found is not None and (found.kit_line, found.layout_line) == ("1.0", "0.x")
    assert found.mismatch is not None and "Your migrations folder format is outdated" in found.mismatch
    assert found.fix is not None and found.fix.startswith("run neontui upgrade")
    # the real kit refuses exactly so, and neontui says what to do
    result = commands.generate(load_project(root), answer=lambda _p: None, on_event=ignore)
    assert not result.ok and "0.x format" in result.summary and result.next_step == "run neontui upgrade"
    assert main(["doctor", str(root), "--json"]) != 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["versions"]["line"] == "0.x" and doc["versions"]["drizzle_kit"] == "1.0.0-rc.5"
    kit = next(c for c in doc["checks"] if c["name"] == "drizzle-kit")
    assert not kit["ok"] and "outdated" in kit["detail"] and kit["fix"] == found.fix


def test_a_0_31_kit_on_1_0_folders_is_told_to_upgrade_drizzle_kit(drizzle_template_v1: Path,
                                                                   tmp_path: Path) -> None:
    root = copy_project(drizzle_template_v1, tmp_path / "old-kit", line="0.31")
    found = kit_versions(root, root / "drizzle")
    assert found is not None and (found.kit_line, found.layout_line) == ("0.x", "1.0")
    assert found.fix is not None and "drizzle-kit@rc" in found.fix
    # why it matters: 0.31 does not see the folders and generates the whole schema again as a first migration
    generated = run_drizzle_kit(root, "generate", "--name", "again")
    assert "0000_again.sql" in generated.stdout


def test_doctor_names_the_line(drizzle_project_v1: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["doctor", str(drizzle_project_v1)])
    out = capsys.readouterr().out
    assert "drizzle-kit 1.0.0-rc.5" in out and "drizzle-orm 1.0.0-rc.5" in out
    assert "drizzle 1.0 line (from its migrations folder)" in out
