"""AES-256-GCM for single values, under a keyring of named keys; every stored value names its key.

A stored value reads `v1:<key id>:<base64url(nonce || ciphertext || tag)>`. The nonce is 96 random
bits, fresh for each value. The associated data binds a value to where it lives (`table.column`)
and to its key id, so a ciphertext copied into another column, or relabelled with another key id,
fails to decrypt instead of being read as something it is not.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

# Development only: a fixed, published key so a developer's database stays readable across
# restarts. Settings refuse it (even listed as an old key) outside CONFIDE_ENVIRONMENT=development.
DEVELOPMENT_KEY_ID = "dev"
DEVELOPMENT_KEY = hashlib.sha256(b"confide development field key; never for real data").digest()


class KeyringError(ValueError):
    """The keys configured are unusable (bad format, wrong length, unknown current key)."""


class DecryptionError(Exception):
    """A stored value does not decrypt: altered, moved from another column, or its key is gone."""


def generate_key() -> str:
    """A new random key, base64 as CONFIDE_ENCRYPTION_KEYS expects it."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Keyring:
    """Named AES-256 keys; new values are sealed with the current one, any listed key opens."""

    __slots__ = ("_ciphers", "current_id", "keys")

    def __init__(self, keys: Mapping[str, bytes], current_id: str) -> None:
        if not keys:
            raise KeyringError("the keyring holds no key")
        for key_id, key in keys.items():
            if not KEY_ID.fullmatch(key_id):
                raise KeyringError(f"key id {key_id!r}: use 1-32 letters, digits, '-' or '_'")
            if len(key) != KEY_BYTES:
                raise KeyringError(f"key {key_id!r} is {len(key)} bytes; AES-256 needs {KEY_BYTES}")
        if current_id not in keys:
            raise KeyringError(f"the current key id {current_id!r} is not among {sorted(keys)}")
        self.keys = dict(keys)
        self.current_id = current_id
        self._ciphers = {key_id: AESGCM(key) for key_id, key in self.keys.items()}

    @classmethod
    def parse(cls, text: str, current_id: str | None = None) -> Keyring:
        """From `kid1:base64key,kid2:base64key`; the current key is `current_id` or the first."""
        keys: dict[str, bytes] = {}
        for entry in (part.strip() for part in text.split(",")):
            if not entry:
                continue
            key_id, separator, encoded = entry.partition(":")
            if not separator:
                raise KeyringError("write each key as <key id>:<base64 key>")
            if key_id in keys:
                raise KeyringError(f"key id {key_id!r} is listed twice")
            try:
                keys[key_id] = base64.b64decode(encoded.strip(), validate=True)
            except binascii.Error:
                raise KeyringError(f"key {key_id!r} is not valid base64") from None
        if not keys:
            raise KeyringError("no key given")
        return cls(keys, current_id or next(iter(keys)))

    @classmethod
    def development(cls) -> Keyring:
        return cls({DEVELOPMENT_KEY_ID: DEVELOPMENT_KEY}, DEVELOPMENT_KEY_ID)

    @property
    def holds_development_key(self) -> bool:
        return any(key == DEVELOPMENT_KEY for key in self.keys.values())

    def without(self, key_id: str) -> Keyring:
        return Keyring({k: v for k, v in self.keys.items() if k != key_id}, self.current_id)

    def encrypt(self, plaintext: bytes, binding: str) -> str:
        """Seal with the current key; `binding` names where the value is stored (`table.column`)."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current_id].encrypt(
            nonce, plaintext, _associated_data(binding, self.current_id)
        )
        encoded = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()
        return f"{FORMAT}:{self.current_id}:{encoded}"

    def decrypt(self, stored: str, binding: str) -> bytes:
        key_id, payload = _split(stored)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError(f"a value in {binding} is sealed with key {key_id!r}, not held")
        try:
            raw = _unb64(payload)
            return cipher.decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(binding, key_id)
            )
        except (InvalidTag, binascii.Error, ValueError):
            raise DecryptionError(
                f"a value in {binding} fails authentication: altered, or not stored there"
            ) from None

    def is_current(self, stored: str) -> bool:
        return key_id_of(stored) == self.current_id


def key_id_of(stored: str) -> str:
    return _split(stored)[0]


def _split(stored: str) -> tuple[str, str]:
    version, _, rest = stored.partition(":")
    key_id, _, payload = rest.partition(":")
    if version != FORMAT or not key_id or not payload:
        raise DecryptionError("not an encrypted value in Confide's format")
    return key_id, payload


def _associated_data(binding: str, key_id: str) -> bytes:
    return f"confide:{FORMAT}:{binding}:{key_id}".encode()


# One keyring per process, installed by create_app, the CLI and the test fixtures. Column types
# reach it at bind time, so nothing reads settings at import; a process that never installed
# one fails loudly on its first encrypted column instead of guessing a key.
_installed: Keyring | None = None


class KeyringNotInstalled(RuntimeError):
    pass


def install_keyring(keyring: Keyring) -> Keyring | None:
    """Make `keyring` the process's keyring; returns the one it replaces."""
    global _installed
    previous, _installed = _installed, keyring
    return previous


def installed_keyring() -> Keyring:
    if _installed is None:
        raise KeyringNotInstalled(
            "no field keyring installed: create_app, the confide CLI and the test fixtures "
            "install one (confide.crypto.install_keyring(settings.field_keyring()))"
        )
    return _installed
