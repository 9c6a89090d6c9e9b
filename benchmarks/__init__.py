"""Reproducible benchmarks of neontui against the tools people would otherwise use."""
