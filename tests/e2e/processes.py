"""`spotify-api serve` as a separate process, as an operator runs it, for the tests that need
the real command: its start-up, its workers, its signals."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

SPOTIFY_API = str(Path(sys.executable).with_name("spotify-api"))
STARTUP_SECONDS = 60  # imports and migrations, on a busy 2-core machine


def environment(**extra: str) -> dict[str, str]:
    """This environment without the suite's backends (never the suite's databases), plus
    `extra`."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "TEST_"))
    }
    # Cheap hashes keep the test quick; the parameters are still argon2id's.
    env.update({"PASSWORD_HASH_MEMORY_KIB": "64", "PASSWORD_HASH_TIME_COST": "1", **extra})
    return env


@contextmanager
def serving(directory: Path, *options: str, **extra_environment: str) -> Iterator[str]:
    """`spotify-api serve` in `directory` on a free port, with no DATABASE_URL or REDIS_URL
    (the embedded default), until the block ends (SIGTERM). Yields its base URL."""
    log_path = directory / f"serve-{len(list(directory.glob('serve-*.log')))}.log"
    log = log_path.open("wb")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [SPOTIFY_API, "serve", "--port", str(port), "--no-demo", *options],
        cwd=directory,
        env=environment(**extra_environment),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield wait_until_serving(f"http://127.0.0.1:{port}", log_path, process)
    finally:
        process.terminate()
        process.wait(timeout=STARTUP_SECONDS)
        log.close()


def free_port() -> int:
    """A port nobody listens on now (the kernel's pick; a race with another process is
    possible in principle, and would fail the start, not pass a test)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_serving(url: str, log: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1, trust_env=False).status_code == 200:
                return url
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise AssertionError(f"serve exited: {log.read_text(errors='replace')}")
        time.sleep(0.05)
    raise AssertionError(f"serve did not start: {log.read_text(errors='replace')}")


@contextmanager
def cli_server(directory: Path, extra_environment: dict[str, str]) -> Iterator[int]:
    """`serve` on SQLite in `directory` and the in-process Redis stand-in, quiet, with
    `extra_environment` added. Yields its port."""
    environment = {
        "DATABASE_URL": f"sqlite:///{directory / 'serve.db'}",
        "REDIS_URL": "memory://",
        "LOG_LEVEL": "WARNING",
        **extra_environment,
    }
    with serving(directory, **environment) as url:
        yield httpx.URL(url).port or 80
