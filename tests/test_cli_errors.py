"""The installed `spotify-api` command, misconfigured: one line that says what to do, never a
traceback; and `migrate` says what it did. Each test runs the command as an operator does."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from spotify_api.core.migrations import script_directory
from spotify_api.settings import Settings
from tests.commands import spotify_api
from tests.conftest import ON_POSTGRES
from tests.helpers import assert_problem

HEAD = script_directory(Settings(_env_file=None)).get_current_head()  # type: ignore[call-arg]


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("LOG_LEVEL", "verbose", "error: LOG_LEVEL: Input should be 'DEBUG'"),
        ("DB_POOL_SIZE", "abc", "error: DB_POOL_SIZE: Input should be a valid integer"),
        ("CORS_ORIGINS", "*", "error: CORS_ORIGINS must list origins"),
        ("REDIS_URL", "localhost:6379", "error: REDIS_URL must look like redis://host:6379/0"),
        ("DATABASE_URL", "mysql://db/x", "error: DATABASE_URL: unsupported database"),
    ],
)
@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["migrate"]])
def test_an_invalid_setting_is_one_line_naming_it(
    command: list[str], setting: str, value: str, says: str, sqlite_url: str
) -> None:
    result = spotify_api(*command, **{"DATABASE_URL": sqlite_url, setting: value})
    assert one_error_line(result).startswith(says)


@pytest.mark.parametrize(
    "command",
    [
        ["serve", "--port", "0"],
        ["migrate"],
        ["create-admin", "--username", "root", "--email", "r@example.com", "--password", "x" * 12],
        ["seed-demo", "--songs", "10"],
    ],
)
def test_an_unreachable_postgresql_is_one_line_naming_it(command: list[str]) -> None:
    result = spotify_api(*command, DATABASE_URL="postgresql://postgres@127.0.0.1:1/music")
    line = one_error_line(result)
    assert line.startswith("error: cannot use PostgreSQL at 127.0.0.1:1/music: ")
    assert line.endswith("check DATABASE_URL and that the server runs")


def test_debug_shows_the_traceback() -> None:
    result = spotify_api("--debug", "migrate", DATABASE_URL="postgresql://u@127.0.0.1:1/music")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


@pytest.mark.skipif(not ON_POSTGRES, reason="needs a PostgreSQL server to refuse")
@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"database": "no_such_database"}, 'database "no_such_database" does not exist'),
        ({"username": "no_such_role"}, 'role "no_such_role" does not exist'),
    ],
)
def test_a_missing_database_or_role_is_one_line(
    settings: Settings, change: dict[str, str], says: str
) -> None:
    url = settings.database.set(**change).set(drivername="postgresql")
    result = spotify_api("migrate", DATABASE_URL=url.render_as_string(hide_password=False))
    assert says in one_error_line(result)


def test_migrate_says_what_it_did(sqlite_url: str) -> None:
    first = spotify_api("migrate", DATABASE_URL=sqlite_url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"upgraded base -> {HEAD}"
    again = spotify_api("migrate", DATABASE_URL=sqlite_url)
    assert again.stdout.strip() == f"already at {HEAD}"
    down = spotify_api("migrate", "--downgrade", "-1", DATABASE_URL=sqlite_url)
    assert down.returncode == 0, down.stderr
    previous = script_directory(Settings(_env_file=None)).get_revision(HEAD).down_revision  # type: ignore[call-arg]
    assert down.stdout.strip() == f"downgraded {HEAD} -> {previous}"


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite is migrated by serve itself")
async def test_serve_refuses_a_database_that_was_never_migrated(settings: Settings) -> None:
    admin = create_async_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    empty = f"{settings.database.database}_never_migrated"
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{empty}"'))
            await connection.execute(text(f'CREATE DATABASE "{empty}"'))
        url = settings.database.set(database=empty, drivername="postgresql")
        result = spotify_api("serve", "--port", "0", DATABASE_URL=url.render_as_string(False))
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{empty}"'))
        await admin.dispose()
    assert one_error_line(result) == (
        f"error: the database is empty; this version needs {HEAD}: run spotify-api migrate"
    )


def test_serve_refuses_a_database_that_a_newer_release_migrated(
    sqlite_url: str, tmp_path: Path
) -> None:
    assert spotify_api("migrate", DATABASE_URL=sqlite_url).returncode == 0
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00dfeedbeef'")
    line = one_error_line(spotify_api("serve", "--port", "0", DATABASE_URL=sqlite_url))
    assert line.startswith("error: the database is at f00dfeedbeef, a revision this version")
    assert line.endswith(f"this version needs {HEAD}: run the newer release")


async def test_ready_is_503_while_the_schema_does_not_match(
    app_with: Callable[..., Any], tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'unmigrated.db'}"
    async with app_with(database_url=database_url, redis_url="memory://") as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/ready")
    problem = assert_problem(response, 503, "service_unavailable")
    assert problem["detail"] == (
        f"Not ready: the database is empty; this version needs {HEAD}: run spotify-api migrate."
    )
