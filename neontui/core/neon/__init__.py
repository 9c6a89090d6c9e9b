"""The Neon API v2: a small client over the endpoints neontui uses (branches, operations, restore, schema diff)."""
