"""Real server processes for race tests and benchmarks: uvicorn on free loopback ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2

TEST_SECRET = "race-and-benchmark-secret-key-0123456789"
TEST_ENCRYPTION_KEYS = "bench-1:YmVuY2htYXJrIGFuZCByYWNlIGZpZWxkIGtleSAhISE="


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_servers(database_url: str, count: int = 2, *, workers: int = 1) -> Iterator[list[str]]:
    """Start `count` independent server processes on one database; yields their base URLs."""
    env = {
        **os.environ,
        "CONFIDE_DATABASE_URL": database_url,
        "CONFIDE_ENVIRONMENT": "test",
        "CONFIDE_SECRET_KEY": TEST_SECRET,
        "CONFIDE_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
    }
    processes, urls = [], []
    try:
        for _ in range(count):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "confide.main:create_app",
                        "--factory",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--workers",
                        str(workers),
                        "--log-level",
                        "warning",
                        "--no-access-log",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            _wait_ready(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"server at {url} exited: {error[-2000:]}")
        try:
            if httpx2.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not answer within {timeout} s")
