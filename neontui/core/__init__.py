"""Domain logic of neontui. Nothing in this package may import textual or rich (a test enforces it)."""
