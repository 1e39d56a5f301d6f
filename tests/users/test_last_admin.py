"""The last enabled admin stays one: the API answers 409 `last_admin`, the database refuses.

The database's refusal (a trigger) is what holds under races; these tests reach it directly
with SQL, also from two transactions at once, on whichever backend the suite runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from spotify_api.users.integrity import Broken, broken_rule
from tests.helpers import login, make_admin, register


@pytest.fixture
async def root(app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> str:
    await make_admin(app.state.settings, monkeypatch)
    return await login(client, "root")


def _refused(error: pytest.ExceptionInfo[DBAPIError]) -> bool:
    """Refused by the guard, as the service tells it: from the driver's codes, not the text."""
    return isinstance(error.value, IntegrityError) and broken_rule(error.value) is Broken.LAST_ADMIN


async def _sql(engine: AsyncEngine, statement: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(statement))


async def _enabled_admins(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        query = text("SELECT username FROM users WHERE role = 'admin' AND NOT disabled")
        return sorted((await connection.scalars(query)).all())


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE users SET role = 'user' WHERE username = 'root'",
        "UPDATE users SET disabled = true WHERE username = 'root'",
        "UPDATE users SET role = 'user', disabled = true",
        "DELETE FROM users WHERE username = 'root'",
        "DELETE FROM users",
    ],
)
async def test_the_database_refuses_sql_that_removes_the_last_admin(
    app: FastAPI, client: httpx.AsyncClient, root: str, statement: str
) -> None:
    await register(client, "ada")
    with pytest.raises(DBAPIError) as error:
        await _sql(app.state.engine, statement)
    assert _refused(error)
    assert await _enabled_admins(app.state.engine) == ["root"]


async def test_a_disabled_admin_does_not_count(
    app: FastAPI, client: httpx.AsyncClient, root: str
) -> None:
    await register(client, "ada")
    engine = app.state.engine
    await _sql(engine, "UPDATE users SET role = 'admin', disabled = true WHERE username = 'ada'")
    with pytest.raises(DBAPIError) as error:
        await _sql(engine, "UPDATE users SET role = 'user' WHERE username = 'root'")
    assert _refused(error)
    await _sql(engine, "UPDATE users SET disabled = false WHERE username = 'ada'")
    await _sql(engine, "UPDATE users SET role = 'user' WHERE username = 'root'")
    assert await _enabled_admins(engine) == ["ada"]


async def _until_waiting_for_the_admin_lock(engine: AsyncEngine) -> None:
    """On PostgreSQL, until a transaction waits for the trigger's advisory lock.

    On SQLite the second writer waits for the write lock, where no one can see it: the test
    holds however the two interleave (a later change sees the commit all the more).
    """
    if engine.dialect.name != "postgresql":
        await asyncio.sleep(0)
        return
    query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    async with asyncio.timeout(10):
        while True:
            async with engine.connect() as connection:
                if await connection.scalar(query):
                    return
            await asyncio.sleep(0.01)


@pytest.fixture
async def two_connections(app: FastAPI) -> AsyncIterator[tuple[AsyncConnection, AsyncConnection]]:
    engine: AsyncEngine = app.state.engine
    async with engine.connect() as first, engine.connect() as second:
        yield first, second


async def test_two_transactions_demoting_each_other_leave_one_admin(
    app: FastAPI,
    client: httpx.AsyncClient,
    root: str,
    two_connections: tuple[AsyncConnection, AsyncConnection],
) -> None:
    """Each transaction alone leaves an admin; the second to change sees the first's commit."""
    await register(client, "ada")
    engine = app.state.engine
    await _sql(engine, "UPDATE users SET role = 'admin' WHERE username = 'ada'")
    first, second = two_connections
    await first.execute(text("UPDATE users SET role = 'user' WHERE username = 'ada'"))
    # PostgreSQL: waits for the first's advisory lock; SQLite: for its write lock.
    demote_root = asyncio.create_task(
        second.execute(text("UPDATE users SET role = 'user' WHERE username = 'root'"))
    )
    await _until_waiting_for_the_admin_lock(engine)
    await first.commit()
    with pytest.raises(DBAPIError) as error:
        await asyncio.wait_for(demote_root, 10)
    assert _refused(error)
    await second.rollback()
    assert await _enabled_admins(engine) == ["root"]
