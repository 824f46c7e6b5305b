from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from limits import parse_many
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from confide.crypto.keyring import Keyring, KeyringError

PLACEHOLDER_SECRET = "change-me"
DEFAULT_DATABASE_URL = "sqlite:///" + str(Path("var") / "confide.db")
# Each named limit applies per client address and, where the request names one, per account
# ("N/period", several joined by ";"). CONFIDE_RATE_LIMITS (JSON) overrides some or all.
DEFAULT_RATE_LIMITS: dict[str, str] = {
    "register": "5/hour",
    "signin": "10/minute;30/hour",
    "reset": "5/hour",
    "tokens": "10/hour",
    "holds": "10/minute;30/hour",
    "appointments": "10/minute;30/hour",
    "matches": "60/minute",
    "intake_text": "60/minute",
    "book": "5/minute;10/hour",
}


class Settings(BaseSettings):
    """Everything Confide reads from the environment (prefix CONFIDE_)."""

    model_config = SettingsConfigDict(env_prefix="CONFIDE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    secret_key: str = PLACEHOLDER_SECRET
    seed_therapists: int = Field(default=10_000, ge=1, le=2_000_000)
    seed: int = 42
    hold_minutes: int = Field(default=10, ge=1, le=120)
    match_horizon_days: int = Field(default=14, ge=1, le=60)
    index_refresh_seconds: float = Field(default=2.0, ge=0.1)
    db_pool_size: int = Field(default=20, ge=1, le=200)
    # Requests a process works on at once; more wait their turn. Python runs one thread at a
    # time, so a few at work answer sooner than many sharing the interpreter (see web/limits.py).
    requests_at_work: int = Field(default=4, ge=1, le=200)
    # Before /readyz turns 200, send one match through the app itself, so the first real one
    # finds its route prepared and its statements compiled (web/warm_up.py). Off only to
    # measure the difference (benchmarks/cold_start.py).
    warm_up_request: bool = True
    # Also before /readyz: read one sample text, so the sentence model is loaded and the learned
    # danger reader trained (or read from var/) before a person's words wait for it.
    warm_up_text: bool = True
    # Requests insert their audit rows unchained; a thread chains them this often (seconds).
    # 0: no thread in this process (another process, or `confide audit verify`, seals).
    audit_seal_seconds: float = Field(default=1.0, ge=0, le=60)
    # On SIGTERM: stop accepting, give requests at work this long to finish, then exit.
    shutdown_seconds: int = Field(default=10, ge=0, le=600)
    # A request with an Idempotency-Key claims it for this long; if its process dies, another
    # takes the key over after that. Longer than any request takes, shutdown included.
    idempotency_lease_seconds: float = Field(default=15.0, ge=0.5, le=600)
    # A twin request waits this long for the first one's answer before 409 idempotency_in_progress.
    idempotency_wait_seconds: float = Field(default=2.0, ge=0, le=60)
    # Field encryption keys, "kid1:base64key,kid2:base64key" (32-byte keys; `confide keys
    # generate` makes one). New values use CONFIDE_ENCRYPTION_KEY_ID, else the first; older
    # keys stay listed until `confide keys rotate` has moved every value off them. Empty in
    # development means a fixed placeholder key, refused anywhere else.
    encryption_keys: SecretStr = SecretStr("")
    encryption_key_id: str | None = None
    # True when a TLS-terminating proxy serves Confide: every answer then carries HSTS (without
    # it, only requests that arrive as https do; uvicorn trusts X-Forwarded-Proto from 127.0.0.1)
    behind_tls_proxy: bool = False
    # rate limits are counted in this process's memory unless Redis is given (shared by processes)
    redis_url: str | None = None
    rate_limits_enabled: bool = True
    rate_limits: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    # mail goes through SMTP when a host is set; otherwise each message is an .eml file here
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True
    smtp_ca_file: Path | None = None  # trust this CA for the SMTP server (a private relay)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    mail_from: str = "Confide <no-reply@localhost>"
    outbox_dir: Path = Path("var") / "outbox"
    # the address people reach Confide at, for links in mail (else the request's own origin)
    public_url: str | None = None
    # short text messages are written here as .txt files (no SMS provider yet)
    sms_dir: Path = Path("var") / "sms"
    # the job queue (notifications/jobs.py): how often an idle worker looks for due jobs; how
    # long a claimed job is its worker's before another may take it (longer than any job takes,
    # an SMTP timeout included); tries before a job is dead; the first wait after a failure,
    # doubled after each, up to the longest
    worker_poll_seconds: float = Field(default=1.0, ge=0.05, le=60)
    job_lease_seconds: float = Field(default=120.0, ge=1, le=3600)
    job_max_attempts: int = Field(default=8, ge=1, le=50)
    job_backoff_seconds: float = Field(default=30.0, ge=0.01, le=3600)
    job_backoff_max_seconds: float = Field(default=6 * 3600.0, ge=1, le=86400)
    # a licence not verified for longer than this stops its state from being listed
    licence_max_age_days: int = Field(default=90, ge=1, le=3650)
    # a safety flag not acknowledged within this long escalates to reviewers and admins
    flag_escalate_hours: float = Field(default=4.0, gt=0, le=168)
    # match answers counted in memory are added to the database this often (seconds)
    match_tally_seconds: float = Field(default=10.0, gt=0, le=600)

    @field_validator("rate_limits", mode="before")
    @classmethod
    def _complete_rate_limits(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        unknown = sorted(set(value) - set(DEFAULT_RATE_LIMITS))
        if unknown:
            raise ValueError(
                f"unknown rate limit {', '.join(unknown)}; known: {', '.join(DEFAULT_RATE_LIMITS)}"
            )
        for name, text in value.items():
            try:
                parse_many(text)
            except ValueError:
                raise ValueError(
                    f"rate limit {name}: {text!r} is not like '10/minute' or '5/minute;20/hour'"
                ) from None
        return {**DEFAULT_RATE_LIMITS, **value}

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment != "development" and self.secret_key == PLACEHOLDER_SECRET:
            raise ValueError(
                "CONFIDE_SECRET_KEY is the development placeholder; set a real secret "
                f"(for example `python -c 'import secrets; print(secrets.token_urlsafe(32))'`) "
                f"when CONFIDE_ENVIRONMENT={self.environment}"
            )
        if self.environment != "development" and len(self.secret_key) < 32:
            raise ValueError(
                "CONFIDE_SECRET_KEY must be at least 32 characters outside development"
            )
        try:
            keyring = self.field_keyring()
        except KeyringError as error:
            raise ValueError(f"CONFIDE_ENCRYPTION_KEYS: {error}") from None
        if self.environment != "development" and keyring.holds_development_key:
            raise ValueError(
                "CONFIDE_ENCRYPTION_KEYS is empty or holds the development placeholder key; "
                "set real keys (`confide keys generate`) when "
                f"CONFIDE_ENVIRONMENT={self.environment}"
            )
        return self

    def field_keyring(self) -> Keyring:
        """The keys that seal health data at rest (see confide.crypto)."""
        keys = self.encryption_keys.get_secret_value().strip()
        if not keys:
            if self.encryption_key_id is not None:
                raise KeyringError("CONFIDE_ENCRYPTION_KEY_ID is set but no key is listed")
            return Keyring.development()
        return Keyring.parse(keys, self.encryption_key_id)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
