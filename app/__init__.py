"""CJIT Desk: the custody-suite client of a Criminal Justice Intervention Team."""

__version__ = "0.1.0"
