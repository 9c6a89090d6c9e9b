"""The gate before a database changes: settings, environment, checklist, policy and the pending batch."""
