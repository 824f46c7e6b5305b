"""The couples trust-repair program: a couple's space, the safety gate, the eight steps."""
