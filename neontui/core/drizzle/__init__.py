"""A Drizzle project: its config, discovery, the journal and its files, the ledger, and their status."""
