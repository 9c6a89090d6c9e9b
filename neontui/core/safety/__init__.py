"""The safety review: drizzle-exact split, the real PostgreSQL parser, and the rule catalog (docs/rules.md).

The names below load on first use (PEP 562): importing `neontui.core.safety.model` for `Finding` (as the console's
first frame does) must not load the rule catalog and the engine, which only the review needs."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from neontui.core.safety.catalog import ADVISORY_RULES, CORE_RULES, RULES
    from neontui.core.safety.model import DangerClass, Finding, Review, RunMode, Severity, Source
    from neontui.core.safety.review import analyze, analyze_migrations

_WHERE = {"ADVISORY_RULES": "catalog", "CORE_RULES": "catalog", "RULES": "catalog", "Review": "model",
          "Source": "model", "DangerClass": "model", "Finding": "model", "RunMode": "model", "Severity": "model",
          "analyze": "review", "analyze_migrations": "review"}

__all__ = ["ADVISORY_RULES", "CORE_RULES", "RULES", "DangerClass", "Finding", "Review", "RunMode", "Severity",
           "Source", "analyze", "analyze_migrations"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # once loaded, a plain module attribute
    return value
