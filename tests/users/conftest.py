"""Fixtures of the user administration tests: an admin made with the CLI."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.helpers import login, make_admin

USERS = "/admin/users"


@pytest.fixture
async def admin(app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> str:
    """A token of `root`, an admin made the way an operator makes one: with the CLI."""
    await make_admin(app.state.settings, monkeypatch)
    return await login(client, "root")
