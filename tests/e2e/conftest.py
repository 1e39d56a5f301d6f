"""Real HTTP servers, for the tests that need sockets, not ASGI calls: an app the test runs,
served by uvicorn in the test's loop (the `spotify-api serve` command in a process of its own is
in tests/e2e/processes.py)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from tests.e2e.actors import live_client, make_admin

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


@pytest.fixture
async def live_app(app_with: Callable[..., Any]) -> AsyncIterator[FastAPI]:
    """An app for writers that race: they wait up to 5 s for a lock (on SQLite every write
    queues for the one lock). A test module that needs other settings defines its own."""
    async with app_with(db_statement_timeout_seconds=5) as app:
        yield app


@pytest.fixture
async def http(live_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of `live_app` served over real sockets."""
    async with live_server(live_app) as base_url, live_client(base_url) as client:
        yield client


@pytest.fixture
async def admin(
    live_app: FastAPI, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """The headers of an admin of `live_app`, made as an operator makes one."""
    return await make_admin(http, live_app.state.settings, monkeypatch)
