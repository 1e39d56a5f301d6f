"""Cursors signed with the real key but carrying values of the wrong kind are 400, not 500.

A signature proves who made a cursor, not that its contents fit the list: a leaked key, an old
release or a bug could sign anything. Each list's `next` cursor is taken apart here, one field
is swapped for a value of the wrong type, and the result is signed again with `SECRET_KEY`.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from jose import jws

from tests.catalog.conftest import Curator
from tests.helpers import assert_problem

BAD_VALUES: dict[str, list[Any]] = {
    "k": [7, 1.5, True, None, ["a"], {"a": 1}, {"dt": 5}, {"dt": "2026-01-01T00:00:00"}, "a\x00b"],
    "i": [7, None, ["x"], {"x": 1}, "not-a-uuid", "\x00", "x" * 100],
    "o": ["3", -1, 1.5, True, None, 2**40, [1]],
    "b": [0, 1, "true", None, [True]],
}
CASES = [(field, value) for field, values in BAD_VALUES.items() for value in values]


def resign(app: FastAPI, cursor: str, field: str, value: Any) -> str:
    payload = json.loads(jws.get_unverified_claims(cursor))
    payload[field] = value
    secret = app.state.settings.secret_key.get_secret_value()
    signed: str = jws.sign(payload, secret, algorithm="HS256")
    return signed


async def next_cursor(
    client: httpx.AsyncClient,
    path: str,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    response = await client.get(path, params={"limit": 1, **(params or {})}, headers=headers)
    assert response.status_code == 200, response.text
    cursor: str = httpx.URL(response.json()["next"]).params["cursor"]
    return cursor


@pytest.fixture
async def two_of_each(curator: Curator) -> None:
    artists = [await curator.artist(name) for name in ("Alpha", "Bravo")]
    albums = [await curator.album(artists[0], title) for title in ("Echo", "Golf")]
    for title in ("Kilo", "Lima"):
        await curator.song(albums[0], title)


@pytest.mark.usefixtures("two_of_each")
@pytest.mark.parametrize(
    "path", ["/songs", "/songs?sort=-created_at", "/albums", "/artists?sort=created_at"]
)
@pytest.mark.parametrize(("field", "value"), CASES, ids=repr)
async def test_a_catalog_cursor_with_a_value_of_the_wrong_kind_is_400(
    app: FastAPI, client: httpx.AsyncClient, path: str, field: str, value: Any
) -> None:
    url = httpx.URL(path)
    cursor = await next_cursor(client, url.path, params=dict(url.params))
    assert (await client.get(url.path, params={**url.params, "cursor": cursor})).is_success
    forged = resign(app, cursor, field, value)
    response = await client.get(url.path, params={**url.params, "cursor": forged, "limit": 1})
    assert_problem(response, 400, "invalid_cursor")


@pytest.mark.parametrize(("field", "value"), CASES, ids=repr)
async def test_an_admin_users_cursor_with_a_value_of_the_wrong_kind_is_400(
    app: FastAPI,
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    user_headers: dict[str, str],
    field: str,
    value: Any,
) -> None:
    cursor = await next_cursor(client, "/admin/users", headers=admin_headers)
    forged = resign(app, cursor, field, value)
    response = await client.get("/admin/users", params={"cursor": forged}, headers=admin_headers)
    assert_problem(response, 400, "invalid_cursor")


@pytest.mark.parametrize(("field", "value"), CASES, ids=repr)
async def test_a_playlists_cursor_with_a_value_of_the_wrong_kind_is_400(
    app: FastAPI,
    client: httpx.AsyncClient,
    user_headers: dict[str, str],
    field: str,
    value: Any,
) -> None:
    for name in ("one", "two"):
        created = await client.post("/playlists/create", json={"name": name}, headers=user_headers)
        assert created.status_code == 201, created.text
    cursor = await next_cursor(client, "/playlists", headers=user_headers)
    forged = resign(app, cursor, field, value)
    response = await client.get("/playlists", params={"cursor": forged}, headers=user_headers)
    assert_problem(response, 400, "invalid_cursor")
