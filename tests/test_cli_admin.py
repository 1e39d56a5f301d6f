"""`spotify-api create-admin`, run as an operator runs it, on the suite's backends: where the
password comes from, and what happens to an account that exists."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import select
import subprocess
import termios
import time

import httpx
import pytest
from fastapi import FastAPI

from tests.commands import SECRET, SPOTIFY_API, spotify_api
from tests.helpers import PASSWORD, assert_problem, bearer, login, register

NEW_PASSWORD = "a-brand-new-passphrase"
ROOT = ("create-admin", "--username", "root", "--email", "root@example.com")


@pytest.fixture
def backends(app: FastAPI) -> dict[str, str]:
    """The environment that points the command at the app's own backends."""
    settings = app.state.settings
    return {
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "PASSWORD_HASH_MEMORY_KIB": str(settings.password_hash_memory_kib),
        "PASSWORD_HASH_TIME_COST": str(settings.password_hash_time_cost),
    }


def shares_sessions(app: FastAPI) -> bool:
    """Whether the command sees the app's sessions: on a real Redis, not the in-process one."""
    return not app.state.settings.uses_memory_redis


async def logs_in(client: httpx.AsyncClient, username: str, password: str) -> bool:
    response = await client.post("/login", json={"username": username, "password": password})
    return response.status_code == 200


def said(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


async def test_it_creates_an_admin_who_can_log_in(
    client: httpx.AsyncClient, backends: dict[str, str]
) -> None:
    assert said(spotify_api(*ROOT, "--password", PASSWORD, **backends)).startswith(
        "created admin root ("
    )
    me = await client.get("/me", headers=bearer(await login(client, "root")))
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "admin"


async def test_the_password_can_come_from_standard_input(
    client: httpx.AsyncClient, backends: dict[str, str]
) -> None:
    result = spotify_api(*ROOT, "--password-stdin", stdin=PASSWORD + "\n", **backends)
    assert said(result).startswith("created admin root")
    assert await logs_in(client, "root", PASSWORD)


async def test_the_password_can_come_from_the_environment(
    client: httpx.AsyncClient, backends: dict[str, str]
) -> None:
    result = spotify_api(*ROOT, SPOTIFY_API_ADMIN_PASSWORD=PASSWORD, **backends)
    assert said(result).startswith("created admin root")
    assert await logs_in(client, "root", PASSWORD)


def _in_a_terminal(argv: tuple[str, ...], answer: str, env: dict[str, str]) -> tuple[int, str]:
    """Run the command with a new terminal (a pty) as its controlling terminal, typing `answer`
    at each prompt that ends in ": " (getpass flushes what was typed before it asks); its exit
    code and standard output."""
    controller, terminal = pty.openpty()

    def take_the_terminal() -> None:  # in the child, before it runs the command
        os.setsid()
        fcntl.ioctl(terminal, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [SPOTIFY_API, *argv],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
        preexec_fn=take_the_terminal,
    )
    os.close(terminal)
    deadline = time.monotonic() + 60
    try:
        while process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if not ready:
                continue
            try:
                shown = os.read(controller, 1024)
            except OSError:  # the command closed the terminal
                break
            if shown.rstrip().endswith(b":"):
                os.write(controller, f"{answer}\n".encode())
        out, _ = process.communicate(timeout=60)
    finally:
        os.close(controller)
    return process.returncode, out.decode()


async def test_the_password_can_come_from_a_prompt(
    client: httpx.AsyncClient, backends: dict[str, str]
) -> None:
    """With a terminal attached, it asks twice."""
    env = {**os.environ, "SECRET_KEY": SECRET, **backends}
    code, out = await asyncio.to_thread(_in_a_terminal, ROOT, PASSWORD, env)
    assert code == 0
    assert out.strip().startswith("created admin root")
    assert await logs_in(client, "root", PASSWORD)


async def test_without_a_password_or_a_terminal_it_creates_nothing(
    client: httpx.AsyncClient, backends: dict[str, str]
) -> None:
    result = spotify_api(*ROOT, stdin="", **backends)
    assert result.returncode == 2
    assert "needs a password: give it with --password-stdin or SPOTIFY_API_ADMIN_PASSWORD" in (
        result.stderr
    )
    assert not await logs_in(client, "root", PASSWORD)


async def test_a_password_for_an_existing_admin_is_left_unless_reset(
    app: FastAPI, client: httpx.AsyncClient, backends: dict[str, str]
) -> None:
    assert spotify_api(*ROOT, "--password", PASSWORD, **backends).returncode == 0
    token = await login(client, "root")

    kept = spotify_api(*ROOT, "--password", NEW_PASSWORD, **backends)
    assert said(kept).endswith(
        "is already an admin; the password was left unchanged (--reset-password sets it)"
    )
    assert await logs_in(client, "root", PASSWORD)

    reset = spotify_api(
        *ROOT, "--reset-password", "--password-stdin", stdin=NEW_PASSWORD, **backends
    )
    assert said(reset).endswith("is already an admin; password reset, its sessions ended")
    assert await logs_in(client, "root", NEW_PASSWORD)
    assert not await logs_in(client, "root", PASSWORD)
    if shares_sessions(app):
        assert_problem(await client.get("/me", headers=bearer(token)), 401, "not_authenticated")


async def test_it_promotes_an_existing_user_without_a_password_and_ends_their_sessions(
    app: FastAPI, client: httpx.AsyncClient, backends: dict[str, str]
) -> None:
    await register(client, "ada")
    token = await login(client, "ada")
    argv = ("create-admin", "--username", "ada", "--email", "ada@example.com")
    assert said(spotify_api(*argv, stdin="", **backends)).startswith("promoted admin ada (")
    if shares_sessions(app):
        assert_problem(await client.get("/me", headers=bearer(token)), 401, "not_authenticated")
    fresh = await client.post("/login", json={"username": "ada", "password": PASSWORD})
    assert "catalog:write" in fresh.json()["scope"].split()


@pytest.mark.parametrize(
    ("option", "value"), [("--username", "x"), ("--email", "nope"), ("--password", "short")]
)
def test_bad_values_exit_2_naming_the_option(
    backends: dict[str, str], option: str, value: str
) -> None:
    values = {"--username": "root", "--email": "root@example.com", "--password": PASSWORD}
    values[option] = value
    result = spotify_api("create-admin", *(v for pair in values.items() for v in pair), **backends)
    assert result.returncode == 2
    assert f"error: {option}:" in result.stderr
    assert "Traceback" not in result.stderr


def test_two_password_sources_are_a_usage_error(backends: dict[str, str]) -> None:
    result = spotify_api(*ROOT, "--password", PASSWORD, "--password-stdin", **backends)
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr
