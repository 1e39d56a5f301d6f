"""The spotify-api command, as an operator uses it."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from fastapi import FastAPI

from spotify_api.cli import main
from tests.helpers import PASSWORD, assert_problem, bearer, login, register


@pytest.fixture
def cli_env(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads the same environment variables as the service; point them at the tests'."""
    monkeypatch.setenv("DATABASE_URL", app.state.settings.database_url)
    monkeypatch.setenv("REDIS_URL", app.state.settings.redis_url)


async def run(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


ADMIN = ("create-admin", "--username", "root", "--email", "root@example.com")


@pytest.mark.usefixtures("cli_env")
class TestCreateAdmin:
    async def test_it_creates_an_admin_who_can_log_in(
        self, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert await run(*ADMIN, "--password", PASSWORD) == 0
        assert "created admin root" in capsys.readouterr().out
        me = await client.get("/me", headers=bearer(await login(client, "root")))
        assert me.json()["role"] == "admin"

    async def test_it_is_idempotent(
        self, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert await run(*ADMIN, "--password", PASSWORD) == 0
        assert await run(*ADMIN, "--password", "another-password") == 0
        assert "already an admin" in capsys.readouterr().out
        assert await login(client, "root")  # the password was left alone

    async def test_it_promotes_an_existing_user_and_ends_their_sessions(
        self, client: httpx.AsyncClient, app: FastAPI, capsys: pytest.CaptureFixture[str]
    ) -> None:
        await register(client, "ada")
        token = await login(client, "ada")
        argv = ("create-admin", "--username", "ada", "--email", "ada@example.com")
        assert await run(*argv, "--password", "ignored-password") == 0
        assert "promoted admin ada" in capsys.readouterr().out
        if not app.state.settings.uses_memory_redis:  # the stand-in is not shared with the CLI
            assert_problem(await client.get("/me", headers=bearer(token)), 401, "not_authenticated")
        fresh = await client.post("/login", json={"username": "ada", "password": PASSWORD})
        assert "catalog:write" in fresh.json()["scope"]

    @pytest.mark.parametrize(
        ("option", "value"), [("--username", "x"), ("--email", "nope"), ("--password", "short")]
    )
    async def test_bad_values_exit_2_naming_the_option(
        self, capsys: pytest.CaptureFixture[str], option: str, value: str
    ) -> None:
        values = {"--username": "root", "--email": "root@example.com", "--password": PASSWORD}
        values[option] = value
        argv = [item for pair in values.items() for item in pair]
        assert await run("create-admin", *argv) == 2
        assert f"error: {option}:" in capsys.readouterr().err


def test_openapi_prints_the_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi"]) == 0
    spec = json.loads(capsys.readouterr().out)
    assert spec["paths"]["/register"]["post"]["operationId"] == "registerUser"


def test_serve_refuses_several_workers_without_a_shared_redis(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REDIS_URL", "memory://")
    assert main(["serve", "--workers", "2"]) == 2
    assert "REDIS_URL" in capsys.readouterr().err
