"""`doctor`: the prerequisites checked (config, dialect, URL, drizzle-kit, node), and the installed drizzle-kit the
console's status bar names. Reads files and asks node its version; connects to nothing."""

from neontui.core.kit.prereqs import check_prerequisites, find_drizzle_kit

__all__ = ["check_prerequisites", "find_drizzle_kit"]
