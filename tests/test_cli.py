"""The spotify-api command, as an operator uses it."""

from __future__ import annotations

import asyncio
import json

import pytest
from fastapi import FastAPI

from spotify_api.cli import main


@pytest.fixture
def cli_env(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads the same environment variables as the service; point them at the tests'."""
    monkeypatch.setenv("DATABASE_URL", app.state.settings.database_url)
    monkeypatch.setenv("REDIS_URL", app.state.settings.redis_url)


async def run(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


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
