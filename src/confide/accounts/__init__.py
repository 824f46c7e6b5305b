"""Clients: creation, bearer tokens, and linking two partners for couples care."""
