"""`GET /me`, which renders its row with orjson: the bytes of the `User` model, in one statement
that reads neither the password hash nor anything else it does not show."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text, update

from spotify_api.users import schemas
from spotify_api.users.models import User
from tests.backends import counting
from tests.helpers import assert_problem, bearer, login, register


async def _set_created_at(app: FastAPI, username: str, when: datetime) -> None:
    async with app.state.engine.begin() as connection:
        await connection.execute(
            update(User).where(User.username == username).values(created_at=when)
        )


@pytest.mark.parametrize(
    "created_at",
    [
        datetime(2026, 11, 25, 20, 40, tzinfo=UTC),  # no fraction: none is written
        datetime(2026, 11, 25, 20, 40, 1, 120, tzinfo=UTC),  # microseconds, leading zeros
    ],
)
async def test_the_body_is_the_models_own_json(
    app: FastAPI, client: httpx.AsyncClient, created_at: datetime
) -> None:
    created = await register(client, "zoe", email="zoë@example.com")  # not only ASCII
    token = await login(client, "zoe")
    await _set_created_at(app, "zoe", created_at)
    response = await client.get("/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.content
    assert schemas.User.model_validate_json(body).model_dump_json().encode() == body
    assert response.json() == {**created, "created_at": response.json()["created_at"]}
    assert schemas.User.model_validate_json(body).created_at == created_at


async def test_it_is_one_statement_without_the_password_hash(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await register(client)
    token = await login(client)
    with counting(app) as statements:
        response = await client.get("/me", headers=bearer(token))
    assert response.status_code == 200
    assert len(statements) == 1, statements
    assert "password_hash" not in statements[0]


async def test_a_session_that_outlived_disabling_gets_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Disabling ends the sessions; should that fail half-way (here: done in SQL, which ends
    none), the account's own answer still refuses a disabled account."""
    await register(client)
    token = await login(client)
    async with app.state.engine.begin() as connection:
        await connection.execute(text("UPDATE users SET disabled = true WHERE username = 'ada'"))
    problem = assert_problem(
        await client.get("/me", headers=bearer(token)), 401, "not_authenticated"
    )
    assert "disabled" in problem["detail"]
