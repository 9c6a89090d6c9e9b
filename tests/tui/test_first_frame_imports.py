"""The console's first frame must not wait for what only the status load needs: the database driver, the SQL parser,
the safety review's rule engine and drizzle-kit's discovery and runner are imported by the load worker, after the
panes have painted."""

from __future__ import annotations

import json
import subprocess
import sys

# Module families the first frame does not need, each imported by the code path (the load worker) that uses it.
NOT_FOR_THE_FIRST_FRAME = ("psycopg", "pglast", "neontui.core.safety.engine", "neontui.core.safety.catalog",
                           "neontui.core.safety.review", "neontui.core.db", "neontui.core.kit",
                           "neontui.core.actions.gate", "neontui.core.drizzle.project")

_PROBE = """
import json, sys
from pathlib import Path
from neontui.tui.app import NeontuiApp, Options
NeontuiApp(Options(Path(".")))
print(json.dumps(sorted(sys.modules)))
"""


def test_the_console_paints_without_the_driver_parser_engine_or_drizzle_kit(tmp_path):
    result = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120,
                            stdin=subprocess.DEVNULL, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    modules = json.loads(result.stdout)
    assert "textual.app" in modules  # the probe did import the console
    loaded = [m for m in modules if any(m == f or m.startswith(f + ".") for f in NOT_FOR_THE_FIRST_FRAME)]
    assert loaded == []
