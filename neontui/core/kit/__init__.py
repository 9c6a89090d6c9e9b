"""drizzle-kit: finding it, its pseudo-terminal sessions, its commands, Drizzle Studio."""
