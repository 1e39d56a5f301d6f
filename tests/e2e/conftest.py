"""Real HTTP servers, for the tests that need sockets, not ASGI calls: an app the test runs,
served by uvicorn in the test's loop (the `spotify-api serve` command in a process of its own is
in tests/e2e/processes.py)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

STARTUP_TIMEOUT_SECONDS = 10.0
CLIENT_TIMEOUT_SECONDS = 60.0


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


@asynccontextmanager
async def pooled_client(base_url: str, connections: int = 50) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client with a pool of connections, so that requests really run at once."""
    async with httpx.AsyncClient(
        base_url=base_url,
        trust_env=False,
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        timeout=httpx.Timeout(CLIENT_TIMEOUT_SECONDS),
    ) as client:
        yield client
