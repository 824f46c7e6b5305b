"""Screening: instruments, scoring, danger signs in free text, and each client's safety record."""
