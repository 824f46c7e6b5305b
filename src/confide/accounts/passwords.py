"""Passwords: argon2id at OWASP's parameters, the rules a new password must meet, and a
verification that costs the same whether or not an account exists."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from confide.errors import InvalidInput

# OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane
MEMORY_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1
MIN_LENGTH = 12
MAX_LENGTH = 128


class Passwords:
    """Hashes and checks passwords with one set of argon2id parameters."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher(
            memory_cost=MEMORY_KIB, time_cost=TIME_COST, parallelism=PARALLELISM
        )
        # spent on sign-ins for unknown addresses, so they take as long as known ones
        self._dummy = self.hasher.hash("no account has this password; it is only timed")

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether `password` matches `stored`; with no stored hash, the same work for False."""
        try:
            return self.hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self.hasher.check_needs_rehash(stored)


PASSWORDS = Passwords()


def check_new_password(password: str, email: str, field: str = "password") -> None:
    """The rules a chosen password meets: its length, and not being the address itself."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(field, f"use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(field, f"use at most {MAX_LENGTH} characters")
    if password.strip().lower() == email.strip().lower():
        raise InvalidInput(field, "a password must not be your email address")
