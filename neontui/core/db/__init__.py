"""Databases: the URL grammar (no driver import), connecting with bounded waits, server facts."""
