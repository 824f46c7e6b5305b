"""Named rate limits (settings.rate_limits) per client address and per account, with `limits`.

Counts live in this process's memory, or in Redis when CONFIDE_REDIS_URL is set, so that every
process behind a load balancer shares them. A route asks for a limit with a dependency:

    @router.post("/holds", dependencies=[Depends(RateLimit("holds", account=bearer_account))])

A refused request answers 429 with Retry-After before its handler runs, so it changes nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import ipaddress
import logging
import math
import time
from collections.abc import Awaitable, Callable

from fastapi import Request
from limits import RateLimitItem, WindowStats, parse_many
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter as SharedMovingWindow
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from confide.config import DEFAULT_RATE_LIMITS, Settings
from confide.errors import RateLimited

logger = logging.getLogger("confide.web")

# For a route's `responses=`: the 429 in the OpenAPI schema.
RATE_LIMITED: dict[int | str, dict[str, object]] = {
    429: {"description": "too many requests of this kind; Retry-After says when to try again"}
}
# Who a request acts for, when it says: a stable key (a user id, a token digest) or None.
AccountKey = Callable[[Request], Awaitable[str | None] | str | None]


class RateLimiter:
    """One app's named limits and the storage that counts them (exact moving windows)."""

    def __init__(
        self,
        limits: dict[str, str],
        *,
        enabled: bool = True,
        redis_url: str | None = None,
        namespace: str = "confide",
    ) -> None:
        self.limits: dict[str, list[RateLimitItem]] = {
            name: parse_many(text) for name, text in limits.items()
        }
        self.enabled = enabled
        self.redis_url = redis_url
        self.namespace = namespace
        # in memory: plain thread-safe calls, quick enough to make from the event loop
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._shared: SharedMovingWindow | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, namespace: str = "confide") -> RateLimiter:
        return cls(
            settings.rate_limits,
            enabled=settings.rate_limits_enabled,
            redis_url=settings.redis_url,
            namespace=namespace,
        )

    def _redis(self, redis_url: str) -> SharedMovingWindow:
        # Redis connections belong to one event loop: made on first use inside the server's loop
        loop = asyncio.get_running_loop()
        if self._shared is None or self._loop is not loop:
            storage = RedisStorage(
                "async+" + redis_url,
                implementation="redispy",
                key_prefix=self.namespace,
                wrap_exceptions=True,
                socket_timeout=1,
                socket_connect_timeout=1,
            )
            self._shared, self._loop = SharedMovingWindow(storage), loop
        return self._shared

    async def _hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        if self.redis_url is None:
            return self._memory.hit(item, *identifiers)
        return await self._redis(self.redis_url).hit(item, *identifiers)

    async def _stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        if self.redis_url is None:
            return self._memory.get_window_stats(item, *identifiers)
        return await self._redis(self.redis_url).get_window_stats(item, *identifiers)

    async def hit(self, name: str, *keys: str) -> None:
        """Count one request against limit `name` for each key; RateLimited when one is used up."""
        items = self.limits[name]
        if not self.enabled:
            return
        try:
            for key in keys:
                for item in items:
                    if not await self._hit(item, name, key):
                        stats = await self._stats(item, name, key)
                        raise RateLimited(max(1, math.ceil(stats.reset_time - time.time())))
        except StorageError as error:
            # losing the shared counter must not stop booking: let the request through, loudly
            logger.error("rate limit storage unavailable (%s); %s not limited", error, name)


def client_address(request: Request) -> str:
    """The caller's address; IPv6 by /64, since one subscriber is usually given a whole /64."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def bearer_account(request: Request) -> str | None:
    """The bearer token's digest: the account of an API request without reading the database."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return hashlib.sha256(credentials.strip().encode()).hexdigest()[:32]


class RateLimit:
    """A dependency applying limit `name` per client address, and per account when `account`
    names one for the request."""

    def __init__(self, name: str, *, account: AccountKey | None = None) -> None:
        if name not in DEFAULT_RATE_LIMITS:
            raise ValueError(f"unknown rate limit {name!r}; add it to DEFAULT_RATE_LIMITS")
        self.name = name
        self.account = account

    async def __call__(self, request: Request) -> None:
        keys = [f"address:{client_address(request)}"]
        if self.account is not None:
            found = self.account(request)
            account = await found if inspect.isawaitable(found) else found
            if account:
                keys.append(f"account:{account}")
        limiter: RateLimiter = request.app.state.rate_limiter
        await limiter.hit(self.name, *keys)
