"""Performance figures, each against the straightforward alternative: `make bench`."""
