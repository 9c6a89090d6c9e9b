"""neontui's command line: the entry point, shared argument groups, output helpers, one module per command."""
