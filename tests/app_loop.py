"""Many requests to the app, sent from inside the event loop the app already runs in.

TestClient runs the app in an event loop on a thread of its own and hands each request over to
it and back, several thread hops a request (and a new loop and thread per request for a client
used outside `with`). A test that sends thousands of requests spends more time on those hops than
in the app: it sends them from a coroutine in the app's loop instead, through httpx's ASGI
transport. The app answers each request just as it would through TestClient.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx2
from fastapi.testclient import TestClient

T = TypeVar("T")


def in_app_loop(client: TestClient, work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` in the event loop of the app behind `client` (started: `with TestClient`)."""
    assert client.portal is not None, "start the app first: `with TestClient(app) as client`"
    return client.portal.call(work)


def asgi_client(app: Any, **options: Any) -> httpx2.AsyncClient:
    """An HTTP client calling `app` directly, as TestClient does: the same address and
    user agent, and a server error given back as its 500 answer rather than raised."""
    return httpx2.AsyncClient(
        transport=httpx2.ASGITransport(
            app, raise_app_exceptions=False, client=("testclient", 50000)
        ),
        base_url="http://testserver",
        headers={"user-agent": "testclient"},
        **options,
    )
