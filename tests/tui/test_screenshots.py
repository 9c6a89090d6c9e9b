"""The screenshot script drives the real console through its main states (so the README's images stay real)."""

from __future__ import annotations

import asyncio
import importlib.util
import os

from tests.helpers import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "screenshots.py"


def test_screenshots_of_every_main_state(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("PATH", os.environ["PATH"])  # restored afterwards: the script puts the demo's pg_dump first
    saved = asyncio.run(module.shoot(tmp_path))
    assert [p.stem for p in saved] == ["overview", "pending-with-findings", "dry-run-log", "migrate-failure",
                                       "production-locked", "production-confirmation", "rehearsal"]
    texts = {p.stem: p.read_text().replace("&#160;", " ") for p in saved}  # SVG text uses no-break spaces
    assert "0003_billing_email" in texts["overview"]
    assert "drop-column" in texts["pending-with-findings"] or "add-column-required-no-default" in \
        texts["pending-with-findings"]
    assert "contains null values" in texts["migrate-failure"]
    # The demo's risky migration fails on the copy too, located, and the schema diff ran with a matching pg_dump.
    assert "rehearsal FAILED on the copy" in texts["rehearsal"] and "no schema difference" in texts["rehearsal"]
    assert "PRODUCTION" in texts["production-locked"]
    assert "Type the database name" in texts["production-confirmation"]
