"""Clinician-reviewed content: Markdown articles and program guidance, served once approved."""
