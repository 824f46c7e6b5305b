"""The keyring alone: sealing, refusing altered or moved values, parsing keys, settings."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from confide.config import Settings
from confide.crypto import DecryptionError, Keyring, KeyringError, generate_key
from confide.crypto.keyring import DEVELOPMENT_KEY, NONCE_BYTES, key_id_of

ONE = "k1:" + base64.b64encode(b"1" * 32).decode()
TWO = "k2:" + base64.b64encode(b"2" * 32).decode()
BINDING = "safety_records.detail"


def test_round_trip_names_the_key_and_hides_the_text() -> None:
    keyring = Keyring.parse(ONE)
    stored = keyring.encrypt(b"afraid of my partner", BINDING)
    assert stored.startswith("v1:k1:")
    assert b"afraid" not in stored.encode()
    assert "afraid" not in stored
    assert keyring.decrypt(stored, BINDING) == b"afraid of my partner"
    assert key_id_of(stored) == "k1"


def test_each_value_gets_a_fresh_nonce() -> None:
    keyring = Keyring.parse(ONE)
    sealed = {keyring.encrypt(b"same", BINDING) for _ in range(50)}
    assert len(sealed) == 50
    nonces = {base64.urlsafe_b64decode(s.split(":")[2] + "==")[:NONCE_BYTES] for s in sealed}
    assert len(nonces) == 50


@pytest.mark.parametrize("position", [0, NONCE_BYTES, NONCE_BYTES + 3, -1])
def test_any_altered_byte_is_detected(position: int) -> None:
    keyring = Keyring.parse(ONE)
    version, kid, payload = keyring.encrypt(b"yes", BINDING).split(":")
    raw = bytearray(base64.urlsafe_b64decode(payload + "=="))
    raw[position] ^= 0x01
    altered = f"{version}:{kid}:{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"
    with pytest.raises(DecryptionError, match="fails authentication"):
        keyring.decrypt(altered, BINDING)


def test_a_value_moved_to_another_column_is_refused() -> None:
    keyring = Keyring.parse(ONE)
    stored = keyring.encrypt(b"\x01", "safety_records.partner_violence")
    with pytest.raises(DecryptionError, match=r"safety_records\.self_harm_risk"):
        keyring.decrypt(stored, "safety_records.self_harm_risk")


def test_a_value_relabelled_with_another_key_id_is_refused() -> None:
    # even were the same key listed under two names, the key id is part of what is sealed
    same_key = Keyring.parse(ONE + ",k9:" + ONE.split(":")[1])
    stored = same_key.encrypt(b"secret", BINDING)
    with pytest.raises(DecryptionError):
        same_key.decrypt(stored.replace(":k1:", ":k9:"), BINDING)


def test_a_value_under_a_key_not_held_is_refused() -> None:
    stored = Keyring.parse(ONE).encrypt(b"secret", BINDING)
    with pytest.raises(DecryptionError, match="'k1', not held"):
        Keyring.parse(TWO).decrypt(stored, BINDING)
    with pytest.raises(DecryptionError, match="format"):
        Keyring.parse(ONE).decrypt("plain text someone wrote by hand", BINDING)


def test_the_current_key_is_named_or_the_first() -> None:
    assert Keyring.parse(f"{ONE},{TWO}").current_id == "k1"
    both = Keyring.parse(f"{ONE}, {TWO}", "k2")
    assert both.current_id == "k2"
    assert both.encrypt(b"x", BINDING).startswith("v1:k2:")
    assert both.decrypt(Keyring.parse(ONE).encrypt(b"x", BINDING), BINDING) == b"x"


@pytest.mark.parametrize(
    ("text", "current", "message"),
    [
        ("", None, "no key"),
        ("k1", None, "<key id>:<base64 key>"),
        ("k1:not base64!", None, "base64"),
        ("k1:" + base64.b64encode(b"short").decode(), None, "AES-256 needs 32"),
        (f"{ONE},{ONE}", None, "twice"),
        ("bad id:" + ONE.split(":")[1], None, "key id"),
        (ONE, "k7", "not among"),
    ],
)
def test_bad_keys_are_refused(text: str, current: str | None, message: str) -> None:
    with pytest.raises(KeyringError, match=message):
        Keyring.parse(text, current)


def test_generated_keys_are_usable() -> None:
    first, second = generate_key(), generate_key()
    assert first != second
    assert Keyring.parse(f"new:{first}").encrypt(b"x", BINDING).startswith("v1:new:")


def test_the_placeholder_key_is_refused_outside_development() -> None:
    development = Settings(environment="development")
    assert development.field_keyring().holds_development_key
    secret = "s" * 40
    with pytest.raises(ValidationError, match="CONFIDE_ENCRYPTION_KEYS is empty"):
        Settings(environment="production", secret_key=secret)
    with pytest.raises(ValidationError, match="development placeholder"):
        Settings(environment="test", secret_key=secret)
    listed = f"{ONE},dev:{base64.b64encode(DEVELOPMENT_KEY).decode()}"
    with pytest.raises(ValidationError, match="development placeholder"):
        Settings(environment="production", secret_key=secret, encryption_keys=listed)
    with pytest.raises(ValidationError, match="AES-256"):
        Settings(environment="production", secret_key=secret, encryption_keys="k1:c2hvcnQ=")
    production = Settings(environment="production", secret_key=secret, encryption_keys=ONE)
    assert not production.field_keyring().holds_development_key


def test_keys_come_from_the_environment_and_stay_out_of_reprs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONFIDE_ENCRYPTION_KEYS", f"{ONE},{TWO}")
    monkeypatch.setenv("CONFIDE_ENCRYPTION_KEY_ID", "k2")
    settings = Settings()
    assert settings.field_keyring().current_id == "k2"
    assert ONE.split(":")[1] not in repr(settings)
    assert ONE.split(":")[1] not in str(settings.model_dump())
