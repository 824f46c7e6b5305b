"""Field-encryption keys in use: generate one, move every stored value to the current key."""
