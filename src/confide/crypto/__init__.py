"""Field encryption at rest: a keyring of AES-256-GCM keys and column types that use it."""

from confide.crypto.columns import EncryptedBool, EncryptedColumn, EncryptedJSON, EncryptedText
from confide.crypto.keyring import (
    DecryptionError,
    Keyring,
    KeyringError,
    KeyringNotInstalled,
    generate_key,
    install_keyring,
    installed_keyring,
)

__all__ = [
    "DecryptionError",
    "EncryptedBool",
    "EncryptedColumn",
    "EncryptedJSON",
    "EncryptedText",
    "Keyring",
    "KeyringError",
    "KeyringNotInstalled",
    "generate_key",
    "install_keyring",
    "installed_keyring",
]
