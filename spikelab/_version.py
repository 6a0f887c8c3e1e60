"""The package version, written into every workspace file and provenance record."""

__version__ = "0.2.0"
