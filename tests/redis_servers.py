"""Redis servers that a test starts for itself, on a free port, with the settings it needs (an
evicting cache, say), and stops by PID. Never the shared one."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis

STARTUP_SECONDS = 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def redis_server(*options: str) -> Iterator[str]:
    """`redis-server` with these options (e.g. "--maxmemory", "2mb"), keeping nothing on disk,
    until the block ends. Yields its URL (database 0)."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError("redis-server is not installed")
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="redis-") as directory:
        process = subprocess.Popen(  # noqa: S603 - the machine's redis-server, fixed arguments
            [
                executable,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                directory,
                *options,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        try:
            _until_answering(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=STARTUP_SECONDS)


def _until_answering(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    client = redis.Redis.from_url(url, socket_timeout=1)
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {process.returncode}")
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")
    finally:
        client.close()
