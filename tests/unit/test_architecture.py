"""Structural rules that keep the project honest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import neontui
import neontui.core

CORE = Path(neontui.core.__file__).parent


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


def test_version_flag_and_module_entry_point():
    result = subprocess.run([sys.executable, "-m", "neontui", "--version"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"neontui {neontui.__version__}"

