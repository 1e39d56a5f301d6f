"""Real HTTP servers, for the tests that need sockets, not ASGI calls: an app the test runs,
served by uvicorn in the test's loop, or the `spotify-api serve` command in a process."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

STARTUP_TIMEOUT_SECONDS = 10.0
CLI_STARTUP_TIMEOUT_SECONDS = 60.0  # imports and migrations, on a busy 2-core machine


async def _until_started(server: uvicorn.Server, serving: asyncio.Task[None]) -> None:
    while not server.started:
        if serving.done():
            serving.result()  # re-raises a startup error
            raise RuntimeError("uvicorn stopped before it started serving")
        await asyncio.sleep(0.01)


@asynccontextmanager
async def live_server(app: FastAPI, **options: Any) -> AsyncIterator[str]:
    """Serve `app`, whose lifespan the caller already runs, on a free local port, with these
    uvicorn options (`spotify_api.cli.uvicorn_options`, say).

    Yields the base URL. uvicorn runs in this event loop, so the app's engine and Redis
    client (bound to this loop) work as they do under the ASGI transport.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", **{"log_config": None, **options}))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await asyncio.wait_for(_until_started(server, serving), STARTUP_TIMEOUT_SECONDS)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        try:
            await asyncio.wait_for(serving, STARTUP_TIMEOUT_SECONDS)
        finally:
            sock.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            return sock.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


@contextmanager
def cli_server(workdir: Path, environment: Mapping[str, str]) -> Iterator[int]:
    """`spotify-api serve` in a process of its own, on the embedded default in `workdir`
    (never the suite's databases), with `environment` added. Yields its port."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "TEST_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{workdir / 'serve.db'}",
        REDIS_URL="memory://",
        LOG_LEVEL="WARNING",
        **environment,
    )
    port = free_port()
    command = [sys.executable, "-m", "spotify_api.cli", "serve", "--no-demo", "--port", str(port)]
    with open(workdir / "serve.log", "wb") as log:
        process = subprocess.Popen(  # noqa: S603 (our own command, no shell)
            command, cwd=workdir, env=env, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + CLI_STARTUP_TIMEOUT_SECONDS
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                output = (workdir / "serve.log").read_text(errors="replace")
                raise RuntimeError(f"spotify-api serve did not start:\n{output}")
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=STARTUP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
