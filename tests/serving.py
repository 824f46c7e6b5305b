"""Real server processes for race tests, fault tests and benchmarks: uvicorn on loopback ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2

TEST_SECRET = "race-and-benchmark-secret-key-0123456789"
TEST_ENCRYPTION_KEYS = "bench-1:YmVuY2htYXJrIGFuZCByYWNlIGZpZWxkIGtleSAhISE="


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """One uvicorn process serving Confide; it can be killed, stopped and started again."""

    def __init__(
        self,
        database_url: str,
        log_dir: Path,
        *,
        workers: int = 1,
        env: Mapping[str, str] = {},
        clock_ahead: timedelta | None = None,
    ) -> None:
        self.port = free_port()
        self.clock_ahead = clock_ahead
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = {
            **os.environ,
            "CONFIDE_DATABASE_URL": database_url,
            "CONFIDE_ENVIRONMENT": "test",
            "CONFIDE_SECRET_KEY": TEST_SECRET,
            "CONFIDE_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
            # races, fault tests and benchmarks send floods on purpose; a test that wants the
            # limits passes CONFIDE_RATE_LIMITS_ENABLED=true in `env`
            "CONFIDE_RATE_LIMITS_ENABLED": "false",
            # the sentence model and the learned danger reader: loaded before /readyz only where
            # a test's people write in their own words (the browser paths pass "true")
            "CONFIDE_WARM_UP_TEXT": "false",
            **env,
        }
        self.log = log_dir / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        shutdown_seconds = self.env.get("CONFIDE_SHUTDOWN_SECONDS", "10")
        # the log goes to a file: a pipe nobody reads would stall a server that logs a lot
        with self.log.open("ab") as log:
            # with the clock set ahead, this module runs uvicorn (see the end of the file)
            launcher = (
                ["tests.serving", str(self.clock_ahead.total_seconds())]
                if self.clock_ahead
                else ["uvicorn"]
            )
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    *launcher,
                    "confide.main:create_app",
                    "--factory",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                    "--timeout-graceful-shutdown",
                    shutdown_seconds,
                ],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )

    def wait_ready(self, timeout: float = 60) -> None:
        """Until GET /readyz answers 200: the indexes are built and the database reached."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"server at {self.url} exited: {self.log_tail()}")
            try:
                if httpx2.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx2.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server at {self.url} was not ready within {timeout} s")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, as when a machine or a container dies."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout: float = 20) -> int | None:
        """SIGTERM, then wait (SIGKILL after `timeout`); returns the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def log_tail(self, size: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-size:]
        except OSError:
            return ""


@contextmanager
def server_processes(
    database_url: str,
    count: int = 2,
    *,
    workers: int = 1,
    env: Mapping[str, str] = {},
    clock_ahead: timedelta | None = None,
) -> Iterator[list[ServerProcess]]:
    """Start `count` independent server processes on one database, each ready when yielded."""
    with ExitStack() as stack:
        log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="confide-serve-")))
        servers = [
            ServerProcess(database_url, log_dir, workers=workers, env=env, clock_ahead=clock_ahead)
            for _ in range(count)
        ]
        try:
            for server in servers:
                server.start()
            for server in servers:
                server.wait_ready()
            yield servers
        finally:
            for server in servers:
                if server.process is not None and server.process.poll() is None:
                    server.process.terminate()
            for server in servers:
                server.stop()


@contextmanager
def running_servers(
    database_url: str,
    count: int = 2,
    *,
    workers: int = 1,
    env: Mapping[str, str] = {},
    rate_limits: bool = False,
) -> Iterator[list[str]]:
    """Start `count` independent server processes on one database; yields their base URLs.

    Rate limits are off unless asked for: races and benchmarks send floods on purpose."""
    env = {**env, "CONFIDE_RATE_LIMITS_ENABLED": "true" if rate_limits else "false"}
    with server_processes(database_url, count, workers=workers, env=env) as servers:
        yield [server.url for server in servers]


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server at {url} exited with {process.returncode}")
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
        "CONFIDE_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
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


if __name__ == "__main__":
    # python -m tests.serving SECONDS UVICORN-ARGUMENTS...: uvicorn on a clock set SECONDS ahead
    # (a later moment, e.g. past every hold's expiry, for processes that cannot be frozen).
    import time_machine
    import uvicorn.main

    ahead = timedelta(seconds=float(sys.argv[1]))
    sys.argv = ["uvicorn", *sys.argv[2:]]
    with time_machine.travel(datetime.now(UTC) + ahead, tick=True):
        uvicorn.main.main()
