"""What leaves the catalog leaves every library, and the counters follow: totals, followers.
A deleted user takes their library with them."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import delete, func, select

from spotify_api.catalog.models import Artist
from spotify_api.library.models import FollowedArtist, LibraryTotals, SavedAlbum, SavedSong
from spotify_api.users.models import User
from tests.library.conftest import Account, Catalog, library, library_ids, page, saved


async def _total(client: httpx.AsyncClient, headers: dict[str, str], kind: str) -> int:
    total: int = (await page(client, headers, f"/me/{kind}?limit=1"))["total"]
    return total


async def _delete(client: httpx.AsyncClient, admin: dict[str, str], url: str) -> None:
    response = await client.delete(url, headers=admin)
    assert response.status_code == 204, response.text


async def test_a_deleted_song_leaves_every_library(
    client: httpx.AsyncClient,
    user: Account,
    other: Account,
    catalog: Catalog,
    admin: dict[str, str],
) -> None:
    songs = catalog.songs
    await saved(client, user.headers, "songs", songs[:3])
    await saved(client, other.headers, "songs", songs[1:2])
    await _delete(client, admin, f"/songs/{songs[1]['id']}")
    assert sorted(await library_ids(client, user.headers, "songs")) == sorted(
        [songs[0]["id"], songs[2]["id"]]
    )
    assert await _total(client, user.headers, "songs") == 2
    assert await library(client, other.headers, "songs") == []
    assert await _total(client, other.headers, "songs") == 0


async def test_a_deleted_album_takes_its_songs_out_too(
    client: httpx.AsyncClient, user: Account, catalog: Catalog, admin: dict[str, str]
) -> None:
    await saved(client, user.headers, "songs", catalog.songs)
    await saved(client, user.headers, "albums", catalog.albums)
    await _delete(client, admin, f"/albums/{catalog.albums[0]['id']}?cascade=true")
    assert await library_ids(client, user.headers, "albums") == [catalog.albums[1]["id"]]
    assert sorted(await library_ids(client, user.headers, "songs")) == sorted(
        song["id"] for song in catalog.songs[4:]
    )
    assert await _total(client, user.headers, "albums") == 1
    assert await _total(client, user.headers, "songs") == 2


async def test_a_deleted_artist_leaves_followers_and_libraries(
    client: httpx.AsyncClient,
    user: Account,
    other: Account,
    catalog: Catalog,
    admin: dict[str, str],
) -> None:
    await saved(client, user.headers, "artists", catalog.artists)
    await saved(client, other.headers, "artists", catalog.artists[:1])
    await saved(client, user.headers, "albums", catalog.albums)
    await saved(client, user.headers, "songs", catalog.songs)
    await _delete(client, admin, f"/artists/{catalog.artists[0]['id']}?cascade=true")
    assert await library_ids(client, user.headers, "artists") == [catalog.artists[1]["id"]]
    assert await library(client, other.headers, "artists") == []
    assert await library_ids(client, user.headers, "albums") == [catalog.albums[1]["id"]]
    assert await _total(client, user.headers, "songs") == 2
    assert await _total(client, user.headers, "artists") == 1
    assert await _total(client, other.headers, "artists") == 0
    followed = await library(client, user.headers, "artists")
    assert followed[0]["artist"]["followers"] == 1


async def test_a_deleted_user_takes_their_library(
    app: FastAPI, client: httpx.AsyncClient, user: Account, other: Account, catalog: Catalog
) -> None:
    for account in (user, other):
        await saved(client, account.headers, "songs", catalog.songs[:2])
        await saved(client, account.headers, "albums", catalog.albums[:1])
        await saved(client, account.headers, "artists", catalog.artists[:1])
    async with app.state.engine.begin() as connection:
        await connection.execute(delete(User).where(User.id == uuid.UUID(user.id)))
    async with app.state.engine.connect() as connection:
        for model in (SavedSong, SavedAlbum, FollowedArtist, LibraryTotals):
            left = (
                select(func.count()).select_from(model).where(model.user_id == uuid.UUID(user.id))
            )
            assert (await connection.execute(left)).scalar_one() == 0
        followers = select(Artist.followers).where(Artist.id == uuid.UUID(catalog.artists[0]["id"]))
        assert (await connection.execute(followers)).scalar_one() == 1
    assert await _total(client, other.headers, "songs") == 2


async def test_total_is_exact_and_moves_with_every_change(
    client: httpx.AsyncClient, user: Account, catalog: Catalog
) -> None:
    songs = catalog.songs
    assert await _total(client, user.headers, "songs") == 0
    await saved(client, user.headers, "songs", songs[:4])
    await saved(client, user.headers, "songs", songs[2:6])  # two new
    assert await _total(client, user.headers, "songs") == 6
    await client.delete(
        "/me/songs", params={"ids": f"{songs[0]['id']},{uuid.uuid4()}"}, headers=user.headers
    )
    assert await _total(client, user.headers, "songs") == 5
    assert await _total(client, user.headers, "albums") == 0
    empty_page = await page(client, user.headers, "/me/songs?offset=10")
    assert empty_page["items"] == []
    assert empty_page["total"] == 5
