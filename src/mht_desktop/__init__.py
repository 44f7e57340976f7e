"""MHT Desktop: a study app for mental health technicians."""

# The one version number: pyproject.toml, --version, Help › About, the bundle's file name, the
# AppStream release list and CHANGELOG.md all follow it (tests/packaging checks they agree).
__version__ = "0.2.0"
