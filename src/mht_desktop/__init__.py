"""MHT Desktop: a study app for mental health technicians."""

__version__ = "0.1.0"
