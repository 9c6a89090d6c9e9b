"""One module per user action (gate, run, audit): the CLI and the console call these and nothing else."""
