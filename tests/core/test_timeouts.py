"""Backends that hang or are gone: a quick 503 with Retry-After, never a 500, never a pass.

Every request is guarded by `asyncio.wait_for`, so that a regression fails instead of hanging.
Nothing here measures time: the bounded waits are the app's own settings.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from spotify_api.catalog.models import Artist
from spotify_api.settings import Settings
from tests.backends import UNREACHABLE_REDIS, black_hole, slow_link
from tests.conftest import ON_POSTGRES, ON_REDIS
from tests.helpers import PASSWORD, assert_problem, bearer, login, register

GUARD_SECONDS = 10


@asynccontextmanager
async def client_of(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def send(app: FastAPI, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request to `app`, failing the test instead of hanging if the app never answers."""
    async with client_of(app) as client:
        return await asyncio.wait_for(client.request(method, path, **kwargs), GUARD_SECONDS)


def assert_unavailable(response: httpx.Response) -> None:
    assert_problem(response, 503, "service_unavailable")
    assert int(response.headers["retry-after"]) >= 1
    assert "www-authenticate" not in response.headers


async def token_for(client: httpx.AsyncClient, on: FastAPI | None = None) -> str:
    """Register "ada" through `client`, and log her in there or on the app `on`.

    Both apps share the database; they share Redis, and so sessions, only on a real server
    (the in-process stand-in is per app). Log in on the app that will resolve the token.
    """
    await asyncio.wait_for(register(client, "ada"), GUARD_SECONDS)
    if on is None:
        return await asyncio.wait_for(login(client, "ada"), GUARD_SECONDS)
    async with client_of(on) as other:
        return await asyncio.wait_for(login(other, "ada"), GUARD_SECONDS)


NEW_USER = {"username": "grace", "email": "grace@example.com", "password": PASSWORD}


# The premise: with nothing down, the same requests on the same kind of app succeed.


async def test_with_the_backends_up_the_same_requests_succeed(
    client: httpx.AsyncClient, app_with: Callable[..., Any]
) -> None:
    async with app_with(
        redis_timeout_seconds=0.2,
        db_statement_timeout_seconds=0.3,
        db_pool_size=1,
        db_max_overflow=0,
        db_pool_timeout_seconds=0.2,
    ) as app:
        token = await token_for(client, on=app)
        me = await send(app, "GET", "/me", headers=bearer(token))
        registered = await send(app, "POST", "/register", json=NEW_USER)
    assert me.status_code == 200, me.text
    assert me.json()["username"] == "ada"
    assert registered.status_code == 201, registered.text


@pytest.mark.skipif(not ON_REDIS, reason="the in-process Redis stand-in is per app")
async def test_a_token_from_the_main_app_works_on_another_app(
    client: httpx.AsyncClient, app_with: Callable[..., Any]
) -> None:
    token = await token_for(client)
    async with app_with(redis_timeout_seconds=0.2) as app:
        response = await send(app, "GET", "/me", headers=bearer(token))
    assert response.status_code == 200, response.text


# Redis


async def test_redis_unreachable_is_503_not_401(
    client: httpx.AsyncClient, app_with: Callable[..., Any]
) -> None:
    token = await token_for(client)
    async with app_with(redis_url=UNREACHABLE_REDIS) as app:
        me = await send(app, "GET", "/me", headers=bearer(token))
        logout = await send(app, "POST", "/logout", headers=bearer(token))
    assert_unavailable(me)
    assert_unavailable(logout)


async def test_redis_unreachable_makes_login_503(
    client: httpx.AsyncClient, app_with: Callable[..., Any]
) -> None:
    await asyncio.wait_for(register(client), GUARD_SECONDS)
    async with app_with(redis_url=UNREACHABLE_REDIS) as app:
        response = await send(app, "POST", "/login", json={"username": "ada", "password": PASSWORD})
    assert_unavailable(response)


async def test_a_redis_that_never_answers_is_503(
    client: httpx.AsyncClient, app_with: Callable[..., Any]
) -> None:
    token = await token_for(client)
    async with (
        black_hole() as port,
        app_with(redis_url=f"redis://127.0.0.1:{port}/0", redis_timeout_seconds=0.2) as app,
    ):
        me = await send(app, "GET", "/me", headers=bearer(token))
        ready = await send(app, "GET", "/ready")
    assert_unavailable(me)
    problem = assert_problem(ready, 503, "service_unavailable")
    assert "redis" in problem["detail"]


@pytest.mark.skipif(not ON_REDIS, reason="CLIENT PAUSE needs a real Redis server")
async def test_a_paused_redis_is_503(
    client: httpx.AsyncClient,
    app_with: Callable[..., Any],
    raw_redis: Redis,
    settings: Settings,
) -> None:
    token = await token_for(client)
    # CLIENT PAUSE ALL holds every client, the one that paused included, until it ends: the
    # UNPAUSE below waits for that, on a connection patient enough to see it through.
    patient = Redis.from_url(settings.redis_url, socket_timeout=GUARD_SECONDS)
    async with app_with(redis_timeout_seconds=0.2) as app:
        await raw_redis.execute_command("CLIENT", "PAUSE", 1500, "ALL")
        try:
            response = await send(app, "GET", "/me", headers=bearer(token))
        finally:
            await asyncio.wait_for(patient.execute_command("CLIENT", "UNPAUSE"), GUARD_SECONDS)
            await patient.aclose()
    assert_unavailable(response)


# The database


@pytest.mark.skipif(not ON_POSTGRES, reason="a table lock needs PostgreSQL")
async def test_a_locked_table_on_postgresql_is_503(
    client: httpx.AsyncClient, app_with: Callable[..., Any], settings: Settings
) -> None:
    locker = create_async_engine(settings.database_url)
    try:
        async with app_with(db_statement_timeout_seconds=0.3) as app:
            token = await token_for(client, on=app)
            async with locker.connect() as connection:
                transaction = await connection.begin()
                await connection.execute(text("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"))
                try:
                    me = await send(app, "GET", "/me", headers=bearer(token))
                    registered = await send(app, "POST", "/register", json=NEW_USER)
                finally:
                    await transaction.rollback()
            after = await send(app, "GET", "/me", headers=bearer(token))
    finally:
        await locker.dispose()
    assert_unavailable(me)
    assert_unavailable(registered)
    assert after.status_code == 200, after.text


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite write lock")
async def test_a_locked_sqlite_database_is_503(
    client: httpx.AsyncClient, app_with: Callable[..., Any], settings: Settings
) -> None:
    async with app_with(db_statement_timeout_seconds=0.3) as app:
        locker = sqlite3.connect(settings.database.database, isolation_level=None)
        try:
            locker.execute("BEGIN IMMEDIATE")
            try:
                response = await send(app, "POST", "/register", json=NEW_USER)
            finally:
                locker.execute("ROLLBACK")
        finally:
            locker.close()
    assert_unavailable(response)


@asynccontextmanager
async def holding_every_connection(app: FastAPI) -> AsyncIterator[None]:
    """The engine's pool emptied, and on PostgreSQL the read pool's too (`core.reads`: asyncpg's
    own pool, which /me and the other token-only reads use)."""
    async with app.state.engine.connect() as held:
        await held.execute(text("SELECT 1"))
        read_pool = getattr(app.state.reads, "_pool", None)
        if read_pool is None:
            yield
            return
        async with read_pool.acquire():
            yield


@pytest.mark.parametrize("request_kind", ["register", "me"])
async def test_an_exhausted_pool_is_503(
    client: httpx.AsyncClient, app_with: Callable[..., Any], request_kind: str
) -> None:
    async with app_with(db_pool_size=1, db_max_overflow=0, db_pool_timeout_seconds=0.2) as app:
        token = await token_for(client, on=app)
        async with holding_every_connection(app):
            if request_kind == "register":
                response = await send(app, "POST", "/register", json=NEW_USER)
            else:
                response = await send(app, "GET", "/me", headers=bearer(token))
        # With the connection back, the same app serves again.
        after = await send(app, "GET", "/me", headers=bearer(token))
    assert_unavailable(response)
    assert after.status_code == 200, after.text


# One deadline for the whole request: waits that are each bounded must not add up past it.

DEADLINE = {"request_timeout_seconds": 0.5}
#: Far past the deadline, far short of the other bounds (5 s) it has to cut.
DEADLINE_GUARD_SECONDS = 3


async def send_within_deadline(
    app: FastAPI, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    async with client_of(app) as client:
        return await asyncio.wait_for(
            client.request(method, path, **kwargs), DEADLINE_GUARD_SECONDS
        )


async def test_waiting_for_the_pool_stops_at_the_request_deadline(
    client: httpx.AsyncClient, app_with: Callable[..., Any]
) -> None:
    async with app_with(
        db_pool_size=1, db_max_overflow=0, db_pool_timeout_seconds=5, **DEADLINE
    ) as app:
        async with app.state.engine.connect() as held:
            await held.execute(text("SELECT 1"))
            response = await send_within_deadline(app, "POST", "/register", json=NEW_USER)
        after = await send_within_deadline(app, "POST", "/register", json=NEW_USER)
    assert_unavailable(response)
    assert after.status_code == 201, after.text


@pytest.mark.skipif(not ON_POSTGRES, reason="a table lock needs PostgreSQL")
async def test_waiting_for_a_lock_stops_at_the_request_deadline(
    client: httpx.AsyncClient, app_with: Callable[..., Any], settings: Settings
) -> None:
    locker = create_async_engine(settings.database_url)
    try:
        async with app_with(db_statement_timeout_seconds=5, **DEADLINE) as app:
            async with locker.connect() as connection:
                transaction = await connection.begin()
                await connection.execute(text("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"))
                try:
                    response = await send_within_deadline(app, "POST", "/register", json=NEW_USER)
                finally:
                    await transaction.rollback()
            # The cancelled statement left its connection fit for the next request.
            after = await send_within_deadline(app, "POST", "/register", json=NEW_USER)
    finally:
        await locker.dispose()
    assert_unavailable(response)
    assert after.status_code == 201, after.text


async def test_a_database_that_never_answers_is_503_at_the_deadline(
    app_with: Callable[..., Any],
) -> None:
    async with (
        black_hole() as port,
        app_with(
            database_url=f"postgresql://postgres@127.0.0.1:{port}/hung",
            db_connect_timeout_seconds=5,
            **DEADLINE,
        ) as app,
    ):
        response = await send_within_deadline(app, "POST", "/register", json=NEW_USER)
    assert_unavailable(response)


@pytest.mark.skipif(not ON_REDIS, reason="apps share cached answers only on a real Redis")
async def test_while_the_database_hangs_a_late_cache_still_serves_what_it_holds(
    app: FastAPI, client: httpx.AsyncClient, app_with: Callable[..., Any], settings: Settings
) -> None:
    """A cache reply that is late (here 80 ms a round trip, as on a loaded host) is a reply: falling
    back to the database would turn a slow answer into none while the database hangs."""
    async with app.state.sessionmaker() as session:
        artist = Artist(name="The Velvet Harbors", genres=["dream pop"])
        session.add(artist)
        await session.commit()
    path = f"/artists/{artist.id}"
    cached = await asyncio.wait_for(client.get(path), GUARD_SECONDS)
    assert cached.status_code == 200, cached.text
    redis_url = httpx.URL(settings.redis_url)
    async with (
        black_hole() as database_port,
        slow_link(redis_url.port or 6379, delay=0.04) as redis_port,
        app_with(
            database_url=f"postgresql://postgres@127.0.0.1:{database_port}/hung",
            redis_url=str(redis_url.copy_with(port=redis_port)),
        ) as hung,
    ):
        answers = [await send(hung, "GET", path) for _ in range(5)]
    assert [answer.status_code for answer in answers] == [200] * 5, answers[-1].text
    assert all(answer.content == cached.content for answer in answers)
