"""Real server processes for race tests and benchmarks: uvicorn on free loopback ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2

TEST_SECRET = "race-and-benchmark-secret-key-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_servers(
    database_url: str, count: int = 2, *, workers: int = 1, rate_limits: bool = False
) -> Iterator[list[str]]:
    """Start `count` independent server processes on one database; yields their base URLs.

    Rate limits are off unless asked for: races and benchmarks send floods on purpose."""
    env = {
        **os.environ,
        "CONFIDE_DATABASE_URL": database_url,
        "CONFIDE_ENVIRONMENT": "test",
        "CONFIDE_SECRET_KEY": TEST_SECRET,
        "CONFIDE_RATE_LIMITS_ENABLED": "true" if rate_limits else "false",
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


@contextmanager
def confide_serve(database_url: str, log_path: Path, **settings: str) -> Iterator[str]:
    """Run `confide serve` as a user would, its output (both streams) going to `log_path`."""
    port = free_port()
    env = {
        **os.environ,
        "CONFIDE_DATABASE_URL": database_url,
        "CONFIDE_ENVIRONMENT": "test",
        "CONFIDE_SECRET_KEY": TEST_SECRET,
        **{f"CONFIDE_{name.upper()}": value for name, value in settings.items()},
    }
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "confide.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            # a whole process start, imports included: slow on a busy machine
            _wait_ready(url, process, timeout=120)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
