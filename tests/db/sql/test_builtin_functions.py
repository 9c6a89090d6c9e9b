"""The generated table of built-in function volatility (core.sql.builtin_functions) against the real server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from neontui.core.db.connect import connect
from neontui.core.schema import Volatility
from neontui.core.sql import builtin_functions
from neontui.core.sql.builtin_functions import (
    DOCUMENTED_NEWER,
    IMMUTABLE,
    SERVER_MAJOR,
    STABLE,
    VOLATILE,
)
from neontui.core.sql.statements import builtin_volatility
from tests.helpers import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "builtin_functions.py"
# The oracle, written apart from the script's query: every overload of a pg_catalog name, the most volatile kept.
CATALOG = """
SELECT p.proname, p.provolatile FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'pg_catalog'
"""
ORDER = {"i": 0, "s": 1, "v": 2}


def server_table(url: str) -> tuple[int, dict[str, Volatility]]:
    with connect(url) as conn:
        found: dict[str, str] = {}
        for name, code in conn.execute(CATALOG):
            if ORDER[code] >= ORDER[found.get(name, "i")]:
                found[name] = code
        return conn.info.server_version // 10000, {name: Volatility(code) for name, code in found.items()}


def test_the_table_agrees_with_the_server_for_every_name_it_has(database_url: str) -> None:
    major, server = server_table(database_url)
    wrong = {name: (builtin_volatility(name), volatility) for name, volatility in server.items()
             if builtin_volatility(name) not in (volatility, None)}
    assert wrong == {}
    regenerate = f"regenerate with: python {SCRIPT.relative_to(REPO_ROOT)} URL"
    # Between versions functions come and go (PostgreSQL 18 dropped 13 of 15's internal ones, added 154): only a
    # server of the module's version or a newer one must find all of its names, and each of its own in the module.
    unknown = {name for name in server if builtin_volatility(name) is None}
    assert not unknown or major < SERVER_MAJOR, regenerate
    missing = (IMMUTABLE | STABLE | VOLATILE) - set(server)
    assert missing <= DOCUMENTED_NEWER or major < SERVER_MAJOR, regenerate
    assert not (IMMUTABLE & STABLE or IMMUTABLE & VOLATILE or STABLE & VOLATILE)  # one volatility per name


def test_what_the_review_relies_on() -> None:
    assert builtin_volatility("now") is Volatility.STABLE  # a fast default: evaluated once by ADD COLUMN
    assert builtin_volatility("statement_timestamp") is Volatility.STABLE
    assert builtin_volatility("gen_random_uuid") is Volatility.VOLATILE  # rewrites the table
    assert builtin_volatility("uuidv7") is Volatility.VOLATILE
    assert builtin_volatility("random") is Volatility.VOLATILE  # random() and random(min, max) alike
    assert builtin_volatility("lower") is Volatility.IMMUTABLE
    assert builtin_volatility("slugify") is None  # not built in: the review assumes VOLATILE


def test_the_script_writes_the_module_from_the_server(database_url: str, tmp_path: Path) -> None:
    if server_table(database_url)[0] != SERVER_MAJOR:
        pytest.skip(f"the module was generated from PostgreSQL {SERVER_MAJOR}, the test server is another version")
    out = tmp_path / "builtin_functions.py"
    done = subprocess.run([sys.executable, str(SCRIPT), database_url, "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    committed = Path(builtin_functions.__file__).read_text()
    # The docstring names the exact server version; minor releases add no functions.
    assert _without_version(out.read_text()) == _without_version(committed)


def test_the_script_reports_an_unreachable_server_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "postgresql://nobody@127.0.0.1:1/x?connect_timeout=2",
                           "--out", str(tmp_path / "out.py")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 3
    assert done.stderr.startswith("builtin_functions: ") and done.stderr.count("\n") == 1
    assert not (tmp_path / "out.py").exists()


def _without_version(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "from PostgreSQL" not in line)
