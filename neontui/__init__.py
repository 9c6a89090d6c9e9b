"""neontui: a terminal console for Drizzle ORM migrations on Neon PostgreSQL."""

__version__ = "0.1.0"
