"""httpx, without its command-line tool.

httpx's package `__init__` imports `httpx._main` (its CLI, built on rich and click) whenever those are installed,
and textual installs rich. The core must not load a UI library (tests/unit/test_architecture.py checks what really
loads), so that one submodule is marked absent before httpx is imported: httpx then defines a stub `main` in its
place, and nothing else in httpx uses it. Import httpx in the core from here, never directly.
"""

from __future__ import annotations

import sys

if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx

__all__ = ["httpx"]
