"""`status`: the project's overview (journal, ledger, server), read from the database; changes nothing."""

from neontui.core.drizzle.overview import Overview, load_overview

__all__ = ["Overview", "load_overview"]
