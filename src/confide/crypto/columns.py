"""Column types that store their values encrypted (see keyring.py); models just declare them.

    detail: Mapped[str | None] = mapped_column(EncryptedText("safety_records", "detail"))

The table and column named are the value's associated data, written into every ciphertext: keep
them as they are if the table or column is ever renamed. NULL stays NULL (not encrypted), and an
encrypted column cannot be searched or compared by value in SQL.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from confide.crypto.keyring import installed_keyring

T = TypeVar("T")


class EncryptedColumn(TypeDecorator[T]):
    impl = Text
    cache_ok = True

    def __init__(self, table: str, column: str) -> None:
        super().__init__()
        self.table = table
        self.column = column

    @property
    def binding(self) -> str:
        return f"{self.table}.{self.column}"

    def encode(self, value: T) -> bytes:
        raise NotImplementedError

    def decode(self, plaintext: bytes) -> T:
        raise NotImplementedError

    def process_bind_param(self, value: T | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return installed_keyring().encrypt(self.encode(value), self.binding)

    def process_result_value(self, value: Any, dialect: Dialect) -> T | None:
        if value is None:
            return None
        return self.decode(installed_keyring().decrypt(value, self.binding))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.table!r}, {self.column!r})"


class EncryptedText(EncryptedColumn[str]):
    cache_ok = True

    def encode(self, value: str) -> bytes:
        return value.encode()

    def decode(self, plaintext: bytes) -> str:
        return plaintext.decode()


class EncryptedJSON(EncryptedColumn[Any]):
    """Any JSON value (answers lists, dicts of scores)."""

    cache_ok = True

    def encode(self, value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()

    def decode(self, plaintext: bytes) -> Any:
        return json.loads(plaintext)


class EncryptedBool(EncryptedColumn[bool]):
    """One byte either way, so the ciphertext's length does not tell true from false."""

    cache_ok = True

    def encode(self, value: bool) -> bytes:
        return b"\x01" if value else b"\x00"

    def decode(self, plaintext: bytes) -> bool:
        if plaintext not in (b"\x00", b"\x01"):
            raise ValueError("an encrypted flag holds neither true nor false")
        return plaintext == b"\x01"
