"""What the conformance fuzzing (tests/fuzz) found in playlists, kept fixed.

- `GET /playlists` answers a forged or foreign `cursor` with 400 `invalid_cursor`, which its
  spec did not list.
- On PostgreSQL, a NUL character in a playlist's name or description reached the database,
  which refuses it: a 500. Now a 422 naming the field.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.helpers import assert_problem

NUL = "\x00"


async def test_a_forged_cursor_is_a_documented_400(
    app: FastAPI, client: httpx.AsyncClient, user_headers: dict[str, str]
) -> None:
    response = await client.get("/playlists", params={"cursor": "forged"}, headers=user_headers)
    assert_problem(response, 400, "invalid_cursor")
    responses = app.openapi()["paths"]["/playlists"]["get"]["responses"]
    examples = responses["400"]["content"]["application/problem+json"]["examples"]
    assert "invalid_cursor" in examples


@pytest.mark.parametrize(
    "body",
    [{"name": f"Road{NUL}trip"}, {"name": "Road trip", "description": f"Windows{NUL}down."}],
)
async def test_nul_in_a_new_playlist_is_a_422(
    client: httpx.AsyncClient, user_headers: dict[str, str], body: dict[str, Any]
) -> None:
    response = await client.post("/playlists/create", json=body, headers=user_headers)
    problem = assert_problem(response, 422, "validation_error")
    assert [e["type"] for e in problem["errors"]] == ["nul_character"]
    assert (await client.get("/playlists", headers=user_headers)).json()["total"] == 0
