"""Confide: therapist matching and booking for relationships hurt by broken trust."""

__version__ = "0.1.0"
