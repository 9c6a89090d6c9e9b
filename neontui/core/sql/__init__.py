"""SQL text: the one parser entry, statement facts, and rollback SQL."""
