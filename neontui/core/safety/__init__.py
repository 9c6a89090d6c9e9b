"""The safety review: drizzle-exact split, the real PostgreSQL parser, and the rule catalog (docs/rules.md)."""

from neontui.core.safety.catalog import ADVISORY_RULES, CORE_RULES, RULES
from neontui.core.safety.engine import Review, Source
from neontui.core.safety.model import DangerClass, Finding, RunMode, Severity
from neontui.core.safety.review import analyze, analyze_migrations

__all__ = ["ADVISORY_RULES", "CORE_RULES", "RULES", "DangerClass", "Finding", "Review", "RunMode", "Severity",
           "Source", "analyze", "analyze_migrations"]
