"""Structural rules that keep the project honest: the import contracts in pyproject.toml, and what really loads."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import neontui
import neontui.core
from tests.helpers import REPO_ROOT

CORE = Path(neontui.core.__file__).parent


def test_import_contracts_hold():
    """The layers and forbidden imports declared in [tool.importlinter] (import-linter is a dev dependency)."""
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint_imports is not None, "lint-imports not installed: pip install -e '.[dev]'"
    result = subprocess.run([lint_imports, "--no-cache"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_core_imports_no_ui_library():
    modules = sorted(".".join(("neontui", "core", *p.relative_to(CORE).with_suffix("").parts))
                     for p in CORE.rglob("*.py") if p.stem != "__init__")
    code = ("import importlib, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            "print(','.join(sorted(m for m in ('textual', 'rich') if m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
    assert len(modules) >= 10  # the check really imported the core


def test_url_parsing_and_policy_load_no_database_driver():
    """The forbidden contract's run-time side: what a fresh interpreter really loads (dynamic imports included)."""
    code = ("import sys, neontui.core.db.url, neontui.core.gate.policy\n"
            "print(','.join(sorted(m for m in sys.modules if m.partition('.')[0] == 'psycopg')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_version_flag_and_module_entry_point():
    result = subprocess.run([sys.executable, "-m", "neontui", "--version"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"neontui {neontui.__version__}"



# Runs the console in a fresh interpreter. The load worker imports the driver on purpose, in its own thread, as
# soon as the console starts: a loader holds that import until the first frame is painted, so the check cannot
# depend on which thread wins, and a finder records any import of the driver by the thread that paints before then.
# The hold is in the loader, not the finder: find_spec runs under the interpreter's global import lock, and holding
# it there would stall every other import (Textual imports lazily while it paints), failing the check at random.
_FIRST_FRAME_PROBE = """
import asyncio, json, sys, threading
from importlib.machinery import PathFinder
from pathlib import Path

painted = threading.Event()
early, held = [], []


class Held:
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):  # under psycopg's own module lock only
        if not painted.wait(120):  # the first frame never came while the driver was held: it waited for it
            early.append(spec.name + " (the first frame waited for it)")
        return self.loader.create_module(spec)

    def __getattr__(self, name):
        return getattr(self.loader, name)


class HoldDriver:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] != "psycopg" or painted.is_set():
            return None
        if threading.current_thread() is threading.main_thread():
            early.append(name)
            return None
        held.append(name)
        spec = PathFinder.find_spec(name, path) if name == "psycopg" else None
        if spec is not None:
            spec.loader = Held(spec.loader)
        return spec


sys.meta_path.insert(0, HoldDriver())
from neontui.tui.app import NeontuiApp, Options  # noqa: E402

imported = sorted(m for m in sys.modules if m.partition(".")[0] == "psycopg")


async def main():
    app = NeontuiApp(Options(Path(sys.argv[1]), url=sys.argv[2]))
    async with app.run_test(size=(120, 40)) as pilot:  # entered at the first frame, as benchmarks/console_probe.py
        painted.set()
        while "psycopg" not in sys.modules:  # the load goes on and loads the driver after the first frame
            await pilot.pause(0.01)


asyncio.run(main())
print(json.dumps({"at_import": imported, "before_first_frame": early, "held": held}))
"""


def test_console_first_frame_loads_no_database_driver(tmp_path: Path):
    project = tmp_path / "project"
    shutil.copytree(Path(neontui.__file__).parent / "sample", project)
    # Nothing listens there: the load fails after the first frame, and only what the first frame loaded counts.
    unreachable = "postgresql://neontui@127.0.0.1:9/neondb"
    result = subprocess.run([sys.executable, "-c", _FIRST_FRAME_PROBE, str(project), unreachable], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["at_import"] == []
    assert report["before_first_frame"] == []
