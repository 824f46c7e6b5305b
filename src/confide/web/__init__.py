"""The web layer: error mapping, shared dependencies, the base templates."""
