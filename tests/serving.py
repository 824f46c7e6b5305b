"""Real server processes for race tests, fault tests and benchmarks: uvicorn on loopback ports."""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

import httpx2

TEST_SECRET = "race-and-benchmark-secret-key-0123456789"
TEST_ENCRYPTION_KEYS = "bench-1:YmVuY2htYXJrIGFuZCByYWNlIGZpZWxkIGtleSAhISE="


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Running(Protocol):
    """What the tests use of a started process (subprocess.Popen has it all)."""

    @property
    def pid(self) -> int: ...
    @property
    def returncode(self) -> int | None: ...
    def poll(self) -> int | None: ...
    def wait(self, timeout: float | None = None) -> int: ...
    def send_signal(self, sig: int) -> None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...


# Imported once, in the fork server, before any server process is forked from it: importing
# Confide takes 3-4 s of a loaded core, which each process started with `python -m uvicorn`
# pays again (three at a time in the fault tests, one per browser module).
PRELOAD = [
    "confide.main",
    "uvicorn.main",
    "uvicorn.server",
    "uvicorn.lifespan.on",
    "uvicorn.protocols.http.auto",
    "time_machine",
    "tests.serving",
]


def _fork_server() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def warm_fork_server() -> None:
    """Start the fork server now, so that its imports run while the caller builds a database
    (it starts on the first preloaded server otherwise)."""
    from multiprocessing import forkserver

    _fork_server()
    forkserver.ensure_running()


class ForkedProcess:
    """A server process forked from the fork server (multiprocessing's "forkserver", Confide
    already imported there), with the parts of subprocess.Popen that the tests use. It is a
    process of its own like any other: signals reach it, it exits with its own status."""

    def __init__(
        self, argv: Sequence[str], env: Mapping[str, str], log: Path, ahead: float | None
    ) -> None:
        self._process = _fork_server().Process(
            target=_serve_forked,
            args=(list(argv), dict(env), str(log), ahead),
            name=f"confide-server-{log.stem}",
            # ended with the test process, as a child process would be
            daemon=True,
        )
        self._process.start()

    @property
    def pid(self) -> int:
        pid = self._process.pid
        assert pid is not None
        return pid

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        code = self._process.exitcode
        if code is None:
            raise subprocess.TimeoutExpired(self._process.name, timeout or 0)
        return code

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _serve_forked(argv: list[str], env: dict[str, str], log: str, ahead: float | None) -> None:
    """In the forked process: the environment and output a `python -m uvicorn` process would
    have, then uvicorn (on a clock `ahead` seconds ahead, when given)."""
    os.environ.clear()
    os.environ.update(env)
    with open(log, "ab") as file, open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 1)
        os.dup2(file.fileno(), 2)
    if ahead is None:
        _uvicorn(argv)
    else:
        import time_machine

        with time_machine.travel(datetime.now(UTC) + timedelta(seconds=ahead), tick=True):
            _uvicorn(argv)


def _uvicorn(argv: list[str]) -> None:
    import uvicorn.main

    sys.argv = ["uvicorn", *argv]
    uvicorn.main.main()


class ServerProcess:
    """One uvicorn process serving Confide; it can be killed, stopped and started again.

    By default it starts from nothing with `python -m uvicorn`, as a deployment does (the
    benchmarks time restarts); `preloaded` forks it from a process that has Confide imported
    already, for tests that start many and time none."""

    def __init__(
        self,
        database_url: str,
        log_dir: Path,
        *,
        workers: int = 1,
        env: Mapping[str, str] = {},
        clock_ahead: timedelta | None = None,
        preloaded: bool = False,
    ) -> None:
        self.port = free_port()
        self.clock_ahead = clock_ahead
        # uvicorn's own worker processes are spawned afresh: only a single process is forked
        self.preloaded = preloaded and workers == 1
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
        self.process: Running | None = None

    def start(self) -> None:
        arguments = [
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
            self.env.get("CONFIDE_SHUTDOWN_SECONDS", "10"),
        ]
        ahead = self.clock_ahead.total_seconds() if self.clock_ahead else None
        if self.preloaded:
            self.process = ForkedProcess(arguments, self.env, self.log, ahead)
            return
        # the log goes to a file: a pipe nobody reads would stall a server that logs a lot
        with self.log.open("ab") as log:
            # with the clock set ahead, this module runs uvicorn (see the end of the file)
            launcher = ["tests.serving", str(ahead)] if ahead is not None else ["uvicorn"]
            self.process = subprocess.Popen(
                [sys.executable, "-m", *launcher, *arguments],
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
    preloaded: bool = False,
) -> Iterator[list[ServerProcess]]:
    """Start `count` independent server processes on one database, each ready when yielded."""
    with ExitStack() as stack:
        log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="confide-serve-")))
        servers = [
            ServerProcess(
                database_url,
                log_dir,
                workers=workers,
                env=env,
                clock_ahead=clock_ahead,
                preloaded=preloaded,
            )
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
    preloaded: bool = False,
) -> Iterator[list[str]]:
    """Start `count` independent server processes on one database; yields their base URLs.

    Rate limits are off unless asked for: races and benchmarks send floods on purpose."""
    env = {**env, "CONFIDE_RATE_LIMITS_ENABLED": "true" if rate_limits else "false"}
    with server_processes(
        database_url, count, workers=workers, env=env, preloaded=preloaded
    ) as servers:
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
