"""The console's dialogs and modal screens."""
