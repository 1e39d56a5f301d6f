"""POST /register as a new user meets it."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from spotify_api.users.models import User
from tests.helpers import PASSWORD, assert_problem, register


async def test_register_returns_the_new_user_without_any_password(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/register", json={"username": "ada", "email": "ada@example.com", "password": PASSWORD}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "username", "email", "role", "created_at"}
    assert body["username"] == "ada"
    assert body["email"] == "ada@example.com"
    assert body["role"] == "user"
    assert body["created_at"].endswith("Z")
    assert PASSWORD not in response.text


async def test_password_is_stored_as_an_argon2id_hash(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await register(client)
    async with app.state.sessionmaker() as session:
        user = (await session.scalars(select(User))).one()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("username", "email", "code"),
    [
        ("ADA", "other@example.com", "username_taken"),
        ("grace", "Ada@Example.COM", "email_taken"),
    ],
)
async def test_username_and_email_are_unique_ignoring_case(
    client: httpx.AsyncClient, username: str, email: str, code: str
) -> None:
    await register(client, "ada", "ada@example.com")
    response = await client.post(
        "/register", json={"username": username, "email": email, "password": PASSWORD}
    )
    assert_problem(response, 409, code)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "ab"),
        ("username", "a" * 33),
        ("username", "no spaces"),
        ("username", "émile"),
        ("email", "not-an-email"),
        ("password", "short"),
        ("password", "x" * 129),
    ],
)
async def test_invalid_fields_are_422_naming_the_field(
    client: httpx.AsyncClient, field: str, value: str
) -> None:
    body = {"username": "ada", "email": "ada@example.com", "password": PASSWORD, field: value}
    problem = assert_problem(await client.post("/register", json=body), 422, "validation_error")
    assert [error["loc"] for error in problem["errors"]] == [["body", field]]


async def test_a_body_cannot_choose_a_role(client: httpx.AsyncClient) -> None:
    body = {"username": "eve", "email": "eve@example.com", "password": PASSWORD, "role": "admin"}
    problem = assert_problem(await client.post("/register", json=body), 422, "validation_error")
    assert problem["errors"][0]["loc"] == ["body", "role"]
    login = await client.post("/login", json={"username": "eve", "password": PASSWORD})
    assert_problem(login, 401, "invalid_credentials")


async def test_missing_fields_are_all_named(client: httpx.AsyncClient) -> None:
    problem = assert_problem(await client.post("/register", json={}), 422, "validation_error")
    assert sorted(error["loc"][-1] for error in problem["errors"]) == [
        "email",
        "password",
        "username",
    ]
