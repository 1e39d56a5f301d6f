"""Settings that would make the service unsafe are refused at start, in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from spotify_api.settings import Settings

SPOTIFY_API = str(Path(sys.executable).with_name("spotify-api"))


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize("key", ["", "x", "k" * 31])
def test_a_secret_key_under_32_characters_is_refused(key: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY must be at least 32 characters"):
        settings(secret_key=key)


def test_a_secret_key_of_32_characters_is_taken() -> None:
    assert settings(secret_key="k" * 32).secret_key.get_secret_value() == "k" * 32


def test_the_generated_secret_key_is_long_enough() -> None:
    assert len(settings().secret_key.get_secret_value()) >= 32


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["migrate"], ["openapi"]])
def test_the_cli_refuses_a_short_secret_key_in_one_line(command: list[str], tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "SECRET_KEY": "too-short",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never-made.db'}",
        "REDIS_URL": "memory://",
    }
    result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [SPOTIFY_API, *command],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: SECRET_KEY must be at least 32 characters (it has 9)")
    assert "too-short" not in result.stderr  # the value itself is never printed
    assert not (tmp_path / "never-made.db").exists()


@pytest.mark.parametrize("origins", ["*", "http://localhost:3000,*", ["*"]])
def test_cors_origins_must_be_listed_never_a_wildcard(origins: object) -> None:
    with pytest.raises(ValidationError, match="CORS_ORIGINS must list origins"):
        settings(cors_origins=origins)


def test_cors_origins_are_split_on_commas_and_trimmed() -> None:
    listed = settings(cors_origins=" http://localhost:3000, https://app.example ,")
    assert listed.cors_origins == ["http://localhost:3000", "https://app.example"]


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db:5432/music", "postgresql+asyncpg://u:p@db:5432/music"),
        ("postgresql://u@db/music", "postgresql+asyncpg://u@db/music"),
        ("postgresql+asyncpg://u@db/music", "postgresql+asyncpg://u@db/music"),
        ("sqlite:///./music.db", "sqlite+aiosqlite:///./music.db"),
    ],
)
def test_plain_database_urls_get_the_async_driver(given: str, used: str) -> None:
    assert settings(database_url=given).database_url == used


@pytest.mark.parametrize("url", ["mysql://db/music", "oracle://db", "not a url"])
def test_other_databases_are_refused(url: str) -> None:
    with pytest.raises(ValidationError):
        settings(database_url=url)


@pytest.mark.parametrize("url", ["localhost:6379", "http://redis:6379", "redis-server"])
def test_a_redis_url_without_a_known_scheme_is_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="REDIS_URL must look like redis://host:6379/0"):
        settings(redis_url=url)


@pytest.mark.parametrize(
    "url",
    ["redis://r:6379/0", "rediss://r:6380/1", "unix:///tmp/r.sock", "embedded://", "memory://"],
)
def test_known_redis_urls_are_taken(url: str) -> None:
    assert settings(redis_url=url).redis_url == url


def test_the_default_is_the_embedded_backends() -> None:
    default = settings()
    assert default.is_sqlite
    assert default.uses_embedded_redis
