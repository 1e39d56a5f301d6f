"""Small helpers that tests share: registering, logging in, accounts, a clock that tests move."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from spotify_api.cli import main as cli_main
from spotify_api.settings import Settings

PASSWORD = "correct-horse-battery"


class FakeClock:
    """The session store's clock, moved forward by tests instead of sleeping."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def register(
    client: httpx.AsyncClient,
    username: str = "ada",
    email: str | None = None,
    password: str = PASSWORD,
) -> dict[str, Any]:
    response = await client.post(
        "/register",
        json={
            "username": username,
            "email": email or f"{username}@example.com",
            "password": password,
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def login(
    client: httpx.AsyncClient,
    username: str = "ada",
    password: str = PASSWORD,
    scope: str | None = None,
) -> str:
    body: dict[str, Any] = {"username": username, "password": password}
    if scope is not None:
        body["scope"] = scope
    response = await client.post("/login", json=body)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is a problem+json of this status and code, and leaks nothing."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert set(body) >= {"type", "title", "status", "detail", "instance", "code"}
    assert "Traceback" not in response.text
    return body


async def make_admin(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, username: str = "root"
) -> None:
    """An admin made with the CLI, as an operator makes one, on the backends of `settings`."""
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REDIS_URL", settings.redis_url)
    monkeypatch.setenv("PASSWORD_HASH_MEMORY_KIB", str(settings.password_hash_memory_kib))
    monkeypatch.setenv("PASSWORD_HASH_TIME_COST", str(settings.password_hash_time_cost))
    argv = ["create-admin", "--username", username, "--email", f"{username}@example.com"]
    assert await asyncio.to_thread(cli_main, [*argv, "--password", PASSWORD]) == 0


@dataclass(frozen=True)
class Account:
    """A registered user and the headers of a full token of theirs."""

    id: str
    username: str
    headers: dict[str, str]


async def account(client: httpx.AsyncClient, username: str) -> Account:
    user = await register(client, username)
    return Account(user["id"], username, bearer(await login(client, username)))


def created(response: httpx.Response) -> dict[str, Any]:
    """The body of a 201."""
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
