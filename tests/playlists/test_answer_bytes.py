"""Playlist answers are built from rows and dumped with orjson, not through Pydantic: their bytes
must still be exactly what the declared response schema makes of them (field order, datetimes,
UUIDs, nulls), so that the spec and the answers cannot drift apart."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import update

from spotify_api.playlists import schemas
from spotify_api.playlists.models import PlaylistItem
from tests.playlists.conftest import Catalog, PlaylistFactory, bulk_fill, ids


def assert_schema_bytes(schema: type[BaseModel], response: httpx.Response) -> Any:
    body = response.content
    assert schema.model_validate_json(body).model_dump_json().encode() == body
    return response.json()


async def test_every_playlist_answer_is_its_schemas_bytes(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    admin_headers: dict[str, str],
    catalog: Catalog,
) -> None:
    songs = catalog.songs
    # A song with two artists in credit order, an ISRC, and one without (null).
    second = await client.post("/artists", json={"name": "Guest"}, headers=admin_headers)
    credits = [catalog.artist["id"], second.json()["id"]]
    changed = await client.patch(
        f"/songs/{songs[1]['id']}",
        json={"artist_ids": credits[::-1], "isrc": "USVHB1900003"},
        headers=admin_headers,
    )
    assert changed.status_code == 200, changed.text

    created = await client.post(
        "/playlists/create",
        json={"name": "Bytes", "description": 'ünïcode ✓ "quoted"', "public": True},
        headers=user_headers,
    )
    assert created.status_code == 201
    playlist = assert_schema_bytes(schemas.Playlist, created)
    for song in songs[:3]:
        added = await client.post(
            f"/playlists/{playlist['id']}/add-song",
            json={"song_id": song["id"]},
            headers=user_headers,
        )
        assert_schema_bytes(schemas.SongAdded, added)
    # Whole seconds are written without a fraction, by Pydantic and orjson alike.
    async with app.state.engine.begin() as connection:
        await connection.execute(
            update(PlaylistItem)
            .where(PlaylistItem.song_id == uuid.UUID(songs[0]["id"]))
            .values(added_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
        )

    base = f"/playlists/{playlist['id']}"
    page = assert_schema_bytes(
        schemas.PlaylistItemPage, await client.get(f"{base}/songs", headers=user_headers)
    )
    assert [item["song"]["id"] for item in page["items"]] == ids(songs[:3])
    assert [a["id"] for a in page["items"][1]["song"]["artists"]] == credits[::-1]
    assert page["items"][0]["added_at"] == "2026-01-02T03:04:05Z"
    assert page["items"][0]["song"]["isrc"] is None
    for query in ("limit=1&offset=1", "limit=2&offset=5", "limit=5"):
        assert_schema_bytes(
            schemas.PlaylistItemPage,
            await client.get(f"{base}/songs?{query}", headers=user_headers),
        )

    shown = assert_schema_bytes(schemas.Playlist, await client.get(base, headers=user_headers))
    assert shown["duration_ms"] == sum(song["duration_ms"] for song in songs[:3])
    assert_schema_bytes(
        schemas.Playlist,
        await client.patch(base, json={"name": "Renamed"}, headers=user_headers),
    )
    removed = await client.post(
        f"{base}/remove-song", json={"song_id": songs[2]["id"]}, headers=user_headers
    )
    assert_schema_bytes(schemas.SongsRemoved, removed)
    moved = await client.post(
        f"{base}/reorder", json={"range_start": 0, "insert_before": 2}, headers=user_headers
    )
    assert_schema_bytes(schemas.Snapshot, moved)

    empty = await make_playlist("Empty")
    await bulk_fill(app, (await make_playlist("Full"))["id"], ids(songs), 30)
    listed = await client.get("/playlists?limit=2", headers=user_headers)
    listing = assert_schema_bytes(schemas.PlaylistPage, listed)
    assert listing["total"] == 3
    assert [p["id"] for p in listing["items"]][1] == empty["id"]
    following = await client.get(listing["next"], headers=user_headers)
    assert_schema_bytes(schemas.PlaylistPage, following)
    past_the_end = await client.get("/playlists?offset=10", headers=user_headers)
    assert assert_schema_bytes(schemas.PlaylistPage, past_the_end)["total"] == 3
