"""Duplicates that get past the look-up before the insert: the unique indexes refuse them, and
the answer names the right field, from the driver's error codes (never its message text)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.exc import IntegrityError

from spotify_api.users.integrity import Broken, broken_rule
from spotify_api.users.models import Role, User
from spotify_api.users.repository import UserRepository
from tests.conftest import ON_POSTGRES, asgi_client
from tests.helpers import PASSWORD, register

# A hash slow enough that every request of a burst looks its names up before any inserts.
SLOW_HASH = {"password_hash_memory_kib": 16 * 1024, "password_hash_time_cost": 2}


@pytest.mark.parametrize(
    ("username", "email", "expected"),
    [
        ("ADA", "other@example.com", Broken.USERNAME),
        ("grace", "Ada@Example.COM", Broken.EMAIL),
    ],
)
async def test_the_driver_error_tells_which_index(
    app: FastAPI, username: str, email: str, expected: Broken
) -> None:
    async with app.state.sessionmaker() as db:
        users = UserRepository(db)
        await users.add(User(username="ada", email="ada@example.com", password_hash="x"))
        await db.commit()
        with pytest.raises(IntegrityError) as error:
            await users.add(User(username=username, email=email, password_hash="x", role=Role.USER))
    # SQLite names no index: the service looks up which value is taken.
    assert broken_rule(error.value) is (expected if ON_POSTGRES else Broken.UNIQUE)


@pytest.mark.parametrize(
    ("names", "code"),
    [
        ([("ada", f"ada{i}@example.com") for i in range(4)], "username_taken"),
        ([(f"ada{i}", "ada@example.com") for i in range(4)], "email_taken"),
        ([("ada", "ada@example.com"), ("ADA", "Ada@example.com")], None),  # either code
    ],
)
async def test_concurrent_duplicates_get_one_account_and_409s(
    app_with: Callable[..., Any], names: list[tuple[str, str]], code: str | None
) -> None:
    async with app_with(**SLOW_HASH) as app, asgi_client(app) as client:
        bodies = [{"username": u, "email": e, "password": PASSWORD} for u, e in names]
        answers = await asyncio.gather(*(client.post("/register", json=b) for b in bodies))
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [201] + [409] * (len(names) - 1), [a.text for a in answers]
        codes = {answer.json()["code"] for answer in answers if answer.status_code == 409}
        assert codes <= ({code} if code else {"username_taken", "email_taken"})
        # The one account made can log in; nothing else was made.
        made = next(answer.json() for answer in answers if answer.status_code == 201)
        login = await client.post(
            "/login", json={"username": made["username"], "password": PASSWORD}
        )
        assert login.status_code == 200
        again = await client.post("/register", json=bodies[0])
        assert again.status_code == 409


async def test_a_plain_duplicate_still_answers_from_the_look_up(app: FastAPI) -> None:
    async with asgi_client(app) as client:
        await register(client)
        response = await client.post(
            "/register", json={"username": "Ada", "email": "x@example.com", "password": PASSWORD}
        )
    assert response.status_code == 409
    assert response.json()["code"] == "username_taken"
