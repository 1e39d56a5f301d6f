"""The backend under test, a clean state for every test, and clients.

With TEST_DATABASE_URL / TEST_REDIS_URL set, the suite runs against that PostgreSQL and Redis
(both are wiped: give it databases of its own); otherwise against the embedded default.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from spotify_api.core.cache_store import invalidate_catalog
from spotify_api.core.migrations import upgrade
from spotify_api.core.redis import create_redis
from spotify_api.main import create_app
from spotify_api.models import Base
from spotify_api.settings import Settings
from tests.helpers import FakeClock

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))
ON_REDIS = bool(os.environ.get("TEST_REDIS_URL"))


def pytest_report_header() -> str:
    database = "PostgreSQL" if ON_POSTGRES else "SQLite (embedded)"
    redis = "Redis" if ON_REDIS else "in-process stand-in"
    return f"spotify-api backends: {database} + {redis}"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    database = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database,
        redis_url=os.environ.get("TEST_REDIS_URL") or "memory://",
        secret_key="test-secret-key-that-is-long-enough",
        # Cheap hashes keep the suite fast; the parameters are still argon2id's.
        password_hash_memory_kib=64,
        password_hash_time_cost=1,
        cors_origins=["http://localhost:3000"],
    )


async def reset_database(settings: Settings) -> None:
    """An empty database: the PostgreSQL schema dropped, or the SQLite file removed."""
    if settings.is_sqlite:
        await asyncio.to_thread(Path(settings.database.database or "").unlink, missing_ok=True)
        return
    engine = create_async_engine(settings.database_url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(scope="session")
async def migrated(settings: Settings) -> Settings:
    await reset_database(settings)
    await asyncio.to_thread(upgrade, settings)
    return settings


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="session")
async def app(migrated: Settings) -> AsyncIterator[FastAPI]:
    async with running_app(migrated) as app:
        yield app


async def wipe(app: FastAPI) -> None:
    """Every row deleted, and Redis flushed (the catalog cache's version started anew).

    Deleting every user removes the last admin, which the database refuses (the trigger of
    the `last_admin_guard` migration): the wipe lifts the guard for its own transaction.
    """
    async with app.state.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SET LOCAL session_replication_role = replica"))
            for table in reversed(Base.metadata.sorted_tables):
                await connection.execute(table.delete())
        else:
            triggers = (await connection.execute(text(_SQLITE_USER_TRIGGERS))).all()
            for name, _ in triggers:
                await connection.execute(text(f'DROP TRIGGER "{name}"'))
            for table in reversed(Base.metadata.sorted_tables):
                await connection.execute(table.delete())
            for _, sql in triggers:
                await connection.execute(text(sql))
    await app.state.redis.flushdb()
    # As in a running deployment, the catalog's cache has a version (a missing one caches
    # nothing until it starts: `core.cache_store`).
    await invalidate_catalog(app.state.redis)


_SQLITE_USER_TRIGGERS = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'users'"
)


@pytest.fixture(autouse=True)
async def clean_state(request: pytest.FixtureRequest) -> None:
    if "app" in request.fixturenames or "client" in request.fixturenames:
        app: FastAPI = request.getfixturevalue("app")
        await wipe(app)
        app.state.clock = FakeClock()


@pytest.fixture
def clock(app: FastAPI) -> FakeClock:
    clock: FakeClock = app.state.clock
    return clock


def asgi_client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("203.0.113.7", 50000)),
        base_url="http://testserver",
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as client:
        yield client


@pytest.fixture
def app_with(app: FastAPI, migrated: Settings) -> Callable[..., Any]:
    """Another app on the same backends with some settings changed, for one test."""

    @asynccontextmanager
    async def make(**changes: Any) -> AsyncIterator[FastAPI]:
        settings = Settings(_env_file=None, **{**migrated.model_dump(), **changes})  # type: ignore[call-arg]
        async with running_app(settings) as app:
            app.state.clock = FakeClock()
            yield app

    return make


@pytest.fixture
async def raw_redis(app: FastAPI, settings: Settings) -> AsyncIterator[Any]:
    """A second Redis client, for tests that look at what the service stored.

    The in-process stand-in cannot be reached from another client, so there it is the app's.
    """
    if settings.uses_memory_redis:
        yield app.state.redis
        return
    redis = create_redis(settings)
    yield redis
    await redis.aclose()
