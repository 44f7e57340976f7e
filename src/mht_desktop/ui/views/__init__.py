"""The five sections of the main window."""
