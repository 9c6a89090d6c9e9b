"""The bounds on neontui's own waits for the database, without the driver: the settings read them to validate
neontui.toml and NEONTUI_CONNECT_TIMEOUT, and importing the settings (the policy does) must not load psycopg."""

# neontui's own reads (server facts, catalogs, the ledger, pg_locks) must answer or fail, never wait forever behind
# another session's lock or a stuck server. Every session connect() opens starts with these limits; the migrator
# replaces them with the user's for the migration's own statements and restores them afterwards.
CATALOG_LOCK_TIMEOUT = "5s"
CATALOG_STATEMENT_TIMEOUT = "30s"
DEFAULT_CONNECT_DEADLINE = 15.0  # seconds for all attempts of one connect() together
# Read by neontui.core.gate.settings, like connect_timeout in neontui.toml.
CONNECT_TIMEOUT_ENV = "NEONTUI_CONNECT_TIMEOUT"
