"""What a token fetches is its holder's: `Cache-Control` keeps it out of shared caches."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.helpers import assert_problem, bearer
from tests.playlists.conftest import Account, PlaylistFactory

NO_STORE = "private, no-store"
REVALIDATE = "private, no-cache"  # a playlist's ETag serves revalidation


async def test_account_answers_are_private(client: httpx.AsyncClient) -> None:
    registered = await client.post(
        "/register",
        json={"username": "eve", "email": "eve@example.com", "password": "correct-horse-battery"},
    )
    assert registered.status_code == 201
    assert registered.headers["cache-control"] == NO_STORE
    login = await client.post(
        "/login", json={"username": "eve", "password": "correct-horse-battery"}
    )
    assert "no-store" in login.headers["cache-control"]
    me = await client.get("/me", headers=bearer(login.json()["access_token"]))
    assert me.status_code == 200
    assert me.headers["cache-control"] == NO_STORE


async def test_admin_answers_are_private(
    client: httpx.AsyncClient, admin_headers: dict[str, str], user: Account
) -> None:
    listed = await client.get("/admin/users", headers=admin_headers)
    changed = await client.patch(f"/admin/users/{user.id}", json={}, headers=admin_headers)
    for response in (listed, changed):
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == NO_STORE


async def test_playlist_answers_are_private(
    client: httpx.AsyncClient,
    user_headers: dict[str, str],
    make_playlist: PlaylistFactory,
    songs: list[dict[str, Any]],
) -> None:
    created = await client.post("/playlists/create", json={"name": "Mine"}, headers=user_headers)
    assert created.headers["cache-control"] == NO_STORE
    playlist = await make_playlist(songs=songs[:2])
    base = f"/playlists/{playlist['id']}"
    reads = [
        await client.get(path, headers=user_headers)
        for path in ("/playlists", base, f"{base}/songs")
    ]
    for response in reads:
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == REVALIDATE
    changes = [
        await client.patch(base, json={"name": "Ours"}, headers=user_headers),
        await client.post(
            f"{base}/add-song", json={"song_id": songs[2]["id"]}, headers=user_headers
        ),
        await client.post(
            f"{base}/reorder", json={"range_start": 0, "insert_before": 2}, headers=user_headers
        ),
        await client.post(
            f"{base}/remove-song", json={"song_id": songs[2]["id"]}, headers=user_headers
        ),
    ]
    for response in changes:
        assert response.status_code in (200, 201), response.text
        assert response.headers["cache-control"] == NO_STORE


async def test_errors_to_authenticated_requests_are_private(
    client: httpx.AsyncClient, user_headers: dict[str, str]
) -> None:
    missing = await client.get(f"/playlists/{uuid.uuid4()}", headers=user_headers)
    assert_problem(missing, 404, "not_found")
    refused = await client.get("/admin/users", headers=user_headers)
    assert_problem(refused, 403, "insufficient_scope")
    expired = await client.get("/me", headers=bearer("not-a-token"))
    assert_problem(expired, 401, "not_authenticated")
    for response in (missing, refused, expired):
        assert response.headers["cache-control"] == NO_STORE


async def test_public_catalog_reads_stay_public_with_a_token(
    client: httpx.AsyncClient, user_headers: dict[str, str]
) -> None:
    for headers in ({}, user_headers):
        response = await client.get("/songs", headers=headers)
        assert response.headers["cache-control"].startswith("public, max-age=")
