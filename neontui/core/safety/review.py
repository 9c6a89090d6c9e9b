"""The review as its callers use it: the engine run with the rule handlers of the rules package.

This module joins the two so that the engine never imports its rules (the rules build on the engine's types).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neontui.core.drizzle.journal import Migration
from neontui.core.safety import engine
from neontui.core.safety.model import Review, Source
from neontui.core.safety.rules import HANDLERS, after_statement

RULE_HANDLERS = engine.Rules(HANDLERS, after_statement)


def analyze(sources: Sequence[Source], **options: Any) -> Review:
    """Review `sources` as one run, in order; `options` are engine.analyze's (mode, pg_version, advisory…)."""
    return engine.analyze(sources, RULE_HANDLERS, **options)


def analyze_migrations(migrations: Sequence[Migration], **options: Any) -> Review:
    """Review journal entries (normally the pending ones, in journal order); missing files are skipped."""
    return analyze([Source(m.tag, m.text, str(m.path)) for m in migrations if m.text is not None], **options)
